// /applications and /applications/{applicationId}: the user's applications,
// paging, updates, deletion (with its tokens) and who reaches what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, createUser, login, makeApplication, mintToken, type Harness } from './helpers/build.js';

interface App {
  id: string;
  name: string;
  creationDate: string;
  lastUpdated: string;
}

const post = (h: Harness, token: string, payload: Record<string, unknown>) =>
  h.call(token, { method: 'POST', url: '/applications', payload });

const list = async (h: Harness, query = '', token = h.userToken) => {
  const res = await h.call(token, { method: 'GET', url: `/applications${query}` });
  assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
  return res.json() as {
    items: App[];
    count: number;
    totalCount: number;
    page: number;
    perPage: number;
    sortField: string;
    sortDirection: string;
    filterField?: string;
    filter?: string;
  };
};
const names = (page: { items: App[] }) => page.items.map((a) => a.name);

test('POST /applications creates a user-owned application (201)', async (t) => {
  const h = await build(t);
  const res = await post(h, h.userToken, { name: 'Fleet', description: 'trucks' });
  assert.equal(res.statusCode, 201);
  const app = res.json();
  assert.equal(app.id, app.applicationId);
  assert.equal(app.name, 'Fleet');
  assert.equal(app.description, 'trucks');
  assert.equal(app.ownerType, 'user');
  assert.equal(app.ownerId, h.userId);
  assert.equal(app.organizationName, undefined);
  const got = await h.call(h.userToken, { method: 'GET', url: `/applications/${app.id}` });
  assert.deepEqual(got.json(), app);
  for (const payload of [
    {},
    { name: '' },
    { name: 'x', ownerId: h.userId },
    { name: 'x'.repeat(256) },
    { name: 'x', description: 'd'.repeat(1025) },
  ]) {
    assert.equal((await post(h, h.userToken, payload)).statusCode, 400, JSON.stringify(payload));
  }
});

test('GET /applications pages, sorts and filters', async (t) => {
  const h = await build(t);
  for (const name of ['Charlie', 'Alpha', 'Delta', 'Bravo']) {
    h.clock.now += 2000;
    assert.equal((await post(h, h.userToken, { name })).statusCode, 201);
  }
  const all = await list(h);
  assert.equal(all.totalCount, 5);
  assert.equal(all.count, 5);
  assert.equal(all.sortField, 'name');
  assert.equal(all.sortDirection, 'asc');
  assert.deepEqual(names(all), ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Test Application']);
  assert.deepEqual(names(await list(h, '?sortField=name&sortDirection=desc')), ['Test Application', 'Delta', 'Charlie', 'Bravo', 'Alpha']);

  const page = await list(h, '?perPage=2&page=1');
  assert.deepEqual(names(page), ['Charlie', 'Delta']);
  assert.equal(page.count, 2);
  assert.equal(page.totalCount, 5);
  assert.equal(page.page, 1);
  assert.equal(page.perPage, 2);
  assert.deepEqual(names(await list(h, '?perPage=2&page=2')), ['Test Application']);
  assert.deepEqual(names(await list(h, '?perPage=2&page=3')), []);

  assert.deepEqual(names(await list(h, '?sortField=creationDate')), ['Test Application', 'Charlie', 'Alpha', 'Delta', 'Bravo']);
  assert.deepEqual(names(await list(h, '?sortField=creationDate&sortDirection=desc')), [
    'Bravo',
    'Delta',
    'Alpha',
    'Charlie',
    'Test Application',
  ]);
  const byId = await list(h, '?sortField=id');
  const ids = byId.items.map((a) => a.id);
  assert.deepEqual(ids, [...ids].sort());

  const alpha = all.items.find((a) => a.name === 'Alpha')!;
  h.clock.now += 2000;
  const patched = await h.call(h.userToken, { method: 'PATCH', url: `/applications/${alpha.id}`, payload: { description: 'touched' } });
  assert.equal(patched.statusCode, 200);
  assert.equal(names(await list(h, '?sortField=lastUpdated&sortDirection=desc'))[0], 'Alpha');
  assert.equal(names(await list(h, '?sortField=lastUpdated'))[0], 'Test Application');

  const filtered = await list(h, '?filterField=name&filter=cha*');
  assert.deepEqual(names(filtered), ['Charlie']);
  assert.equal(filtered.totalCount, 1);
  assert.equal(filtered.filterField, 'name');
  assert.equal(filtered.filter, 'cha*');
  assert.deepEqual(names(await list(h, '?filterField=name&filter=*A')), ['Alpha', 'Delta']);
  assert.deepEqual(names(await list(h, '?filterField=name&filter=_lpha')), []);
  // Blank filter: no filtering.
  assert.equal((await list(h, '?filterField=name&filter=')).totalCount, 5);

  for (const query of ['?sortField=status', '?perPage=0', '?perPage=1001', '?page=-1', '?filterField=description&filter=x', '?bogus=1']) {
    const res = await h.call(h.userToken, { method: 'GET', url: `/applications${query}` });
    assert.equal(res.statusCode, 400, query);
  }
});

test('GET, PATCH and DELETE /applications/{id}; PATCH takes only name and description', async (t) => {
  const h = await build(t);
  const url = `/applications/${h.applicationId}`;
  const before = (await h.call(h.userToken, { method: 'GET', url })).json();
  assert.equal(before.name, 'Test Application');
  h.clock.now += 1000;
  const res = await h.call(h.userToken, { method: 'PATCH', url, payload: { name: 'Renamed', description: 'new' } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().name, 'Renamed');
  assert.equal(res.json().description, 'new');
  assert.equal(res.json().creationDate, before.creationDate);
  assert.ok(Date.parse(res.json().lastUpdated) > Date.parse(before.lastUpdated));
  for (const payload of [
    { ownerId: h.userId },
    { orgId: h.userId },
    { id: h.applicationId },
    { ownerType: 'organization' },
    { name: '' },
    { applicationId: 'x' },
  ]) {
    const bad = await h.call(h.userToken, { method: 'PATCH', url, payload });
    assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    assert.equal(bad.json().type, 'Validation');
  }
  assert.equal((await h.call(h.userToken, { method: 'GET', url })).json().name, 'Renamed');

  const del = await h.call(h.userToken, { method: 'DELETE', url });
  assert.equal(del.statusCode, 200);
  assert.deepEqual(del.json(), { success: true });
  assert.equal((await h.call(h.userToken, { method: 'GET', url })).statusCode, 404);
  assert.equal((await h.call(h.userToken, { method: 'DELETE', url })).statusCode, 404);
  assert.equal((await list(h)).totalCount, 0);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: '/applications/nothex' })).statusCode, 400);
});

test('DELETE /applications/{id} deletes its tokens: a cached token is refused on its next request', async (t) => {
  const h = await build(t);
  const appToken = await h.createToken({ name: 'device', scope: ['all.Application'] });
  const ownUrl = `/applications/${h.applicationId}`;
  assert.equal((await h.call(appToken.token, { method: 'GET', url: ownUrl })).statusCode, 200);
  assert.equal((await h.call(appToken.token, { method: 'GET', url: `${ownUrl}/tokens` })).statusCode, 200);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `${ownUrl}/tokens` })).statusCode, 200);
  assert.equal((await h.call(h.userToken, { method: 'DELETE', url: ownUrl })).statusCode, 200);
  const after = await h.call(appToken.token, { method: 'GET', url: `${ownUrl}/tokens` });
  assert.equal(after.statusCode, 401);
  assert.equal(after.json().type, 'Unauthorized');
  // The user token is untouched, and the application it reached a moment ago is gone for it too.
  assert.equal((await h.call(h.userToken, { method: 'GET', url: '/me' })).statusCode, 200);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: ownUrl })).statusCode, 404);
  const orphan = await h.call(h.userToken, { method: 'POST', url: `${ownUrl}/tokens`, payload: { name: 'orphan' } });
  assert.equal(orphan.statusCode, 404);
});

test('an application token reaches its own application only, and no user-level action', async (t) => {
  const h = await build(t);
  const other = await makeApplication(h.store, h.userId, 'Other');
  const { token } = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: ['all.Application'] });
  const own = await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}` });
  assert.equal(own.statusCode, 200);
  assert.equal(own.json().id, h.applicationId);
  const create = await post(h, token, { name: 'Sneaky' });
  assert.equal(create.statusCode, 403);
  assert.equal(create.json().type, 'Forbidden');
  assert.equal((await h.call(token, { method: 'GET', url: '/applications' })).statusCode, 403);
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const res = await h.call(token, { method, url: `/applications/${other}`, ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}) });
    assert.equal(res.statusCode, 404, method);
  }
  const { token: reader } = await mintToken(
    h.store,
    { ownerType: 'application', ownerId: h.applicationId },
    { scope: ['all.Application.read'] },
  );
  assert.equal((await h.call(reader, { method: 'GET', url: `/applications/${h.applicationId}` })).statusCode, 200);
  assert.equal(
    (await h.call(reader, { method: 'PATCH', url: `/applications/${h.applicationId}`, payload: { name: 'x' } })).statusCode,
    403,
  );
  assert.equal((await h.call(reader, { method: 'DELETE', url: `/applications/${h.applicationId}` })).statusCode, 403);
});

test("a user cannot see another user's application", async (t) => {
  const h = await build(t);
  await createUser(h.store, 'mallory@example.com', 'mallory password');
  const mallory = await login(h, 'mallory@example.com', 'mallory password');
  const theirs = (await post(h, mallory, { name: 'Private' })).json();
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const res = await h.call(h.userToken, {
      method,
      url: `/applications/${theirs.id}`,
      ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
    });
    assert.equal(res.statusCode, 404, method);
    assert.equal(res.json().type, 'NotFound');
    const mine = await h.call(mallory, {
      method,
      url: `/applications/${h.applicationId}`,
      ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
    });
    assert.equal(mine.statusCode, 404, method);
  }
  assert.deepEqual(names(await list(h)), ['Test Application']);
  assert.deepEqual(names(await list(h, '', mallory)), ['Private']);
  assert.equal((await h.call(mallory, { method: 'GET', url: `/applications/${theirs.id}` })).json().name, 'Private');
});
