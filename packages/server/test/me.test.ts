// GET /me and the user's own API tokens under /me/tokens: lifecycle, validation
// and attenuation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, createUser, login, mintToken, type Harness } from './helpers/build.js';

const hour = 60 * 60 * 1000;
const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function createUserToken(h: Harness, caller: string, payload: Record<string, unknown>) {
  return h.call(caller, { method: 'POST', url: '/me/tokens', payload });
}

test('GET /me describes the calling user', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, { method: 'GET', url: '/me' });
  assert.equal(res.statusCode, 200);
  const me = res.json();
  assert.equal(me.id, h.userId);
  assert.equal(me.userId, h.userId);
  assert.equal(me.email, 'owner@example.com');
  assert.equal(me.firstName, 'owner');
  assert.equal(me.fullName, 'owner');
  for (const field of ['creationDate', 'lastUpdated', 'passwordLastUpdated']) assert.match(me[field], iso, field);
  assert.equal(me.passwordHash, undefined);
  assert.ok(!res.body.includes('scrypt'));

  const otherId = await createUser(h.store, 'ada@example.com', 'analytical engine', { firstName: 'Ada', lastName: 'Lovelace' });
  const session = await login(h, 'ada@example.com', 'analytical engine');
  const ada = (await h.call(session, { method: 'GET', url: '/me' })).json();
  assert.equal(ada.id, otherId);
  assert.equal(ada.firstName, 'Ada');
  assert.equal(ada.lastName, 'Lovelace');
  assert.equal(ada.fullName, 'Ada Lovelace');
});

test('an application token gets 403 on /me and /me/tokens; no token gets 401', async (t) => {
  const h = await build(t);
  const { token } = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: ['all.Application'] });
  for (const [method, url] of [
    ['GET', '/me'],
    ['GET', '/me/tokens'],
    ['POST', '/me/tokens'],
  ] as const) {
    const res = await h.call(token, { method, url, ...(method === 'POST' ? { payload: { name: 'x' } } : {}) });
    assert.equal(res.statusCode, 403, `${method} ${url}`);
    assert.equal(res.json().type, 'Forbidden');
  }
  assert.equal((await h.call(undefined, { method: 'GET', url: '/me' })).statusCode, 401);
});

test('/me/tokens lifecycle: create, list, get, deactivate, reactivate, delete', async (t) => {
  const h = await build(t);
  const create = await createUserToken(h, h.userToken, { name: 'cli', description: 'laptop' });
  assert.equal(create.statusCode, 201);
  const created = create.json();
  assert.equal(created.ownerType, 'user');
  assert.equal(created.ownerId, h.userId);
  assert.deepEqual(created.scope, ['all.User']);
  assert.equal(created.status, 'active');
  assert.equal(created.creatorType, 'apiToken');
  assert.match(created.token, /^lku_/);
  assert.equal(created.expirationDate, undefined);

  const me = await h.call(created.token, { method: 'GET', url: '/me' });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().id, h.userId);
  // It is a full user credential: it reaches the user's application.
  assert.equal((await h.call(created.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 200);

  const list = await h.call(h.userToken, { method: 'GET', url: '/me/tokens' });
  assert.equal(list.statusCode, 200);
  const page = list.json();
  assert.equal(page.ownerType, 'user');
  assert.equal(page.ownerId, h.userId);
  assert.equal(page.totalCount, 2); // the bootstrap token and this one
  assert.ok(page.items.some((item: { id: string }) => item.id === created.id));
  assert.ok(!list.body.includes(created.token));
  // Sessions are not API tokens and are never listed.
  const session = await login(h, 'owner@example.com', 'correct horse battery');
  assert.equal((await h.call(session, { method: 'GET', url: '/me/tokens' })).json().totalCount, 2);

  const url = `/me/tokens/${created.id}`;
  const one = await h.call(h.userToken, { method: 'GET', url });
  assert.equal(one.statusCode, 200);
  const { token: _secret, ...expected } = created;
  assert.deepEqual({ ...one.json<Record<string, unknown>>(), lastUsed: undefined }, { ...expected, lastUsed: undefined });

  const off = await h.call(h.userToken, { method: 'PATCH', url, payload: { status: 'inactive', name: 'cli (off)' } });
  assert.equal(off.statusCode, 200);
  assert.equal(off.json().status, 'inactive');
  assert.equal(off.json().name, 'cli (off)');
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 401);

  const on = await h.call(h.userToken, { method: 'PATCH', url, payload: { status: 'active' } });
  assert.equal(on.statusCode, 200);
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 200);

  const del = await h.call(h.userToken, { method: 'DELETE', url });
  assert.equal(del.statusCode, 200);
  assert.deepEqual(del.json(), { success: true });
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 401);
  assert.equal((await h.call(h.userToken, { method: 'GET', url })).statusCode, 404);
  assert.equal((await h.call(h.userToken, { method: 'DELETE', url })).statusCode, 404);
  const after = (await h.call(h.userToken, { method: 'GET', url: '/me/tokens' })).json();
  assert.equal(after.totalCount, 1);
  assert.ok(!after.items.some((item: { id: string }) => item.id === created.id));
});

test('/me/tokens validation: unknown scope, unknown fields, scope or expirationDate in PATCH are 400', async (t) => {
  const h = await build(t);
  const bodies: Record<string, unknown>[] = [
    { name: 'x', scope: ['all.Everything'] },
    { name: 'x', scope: ['all.User', 'all.User'] },
    { name: 'x', defaultRole: 'view' },
    { name: 'x', expirationDate: 'tomorrow' },
    { name: 'x', expirationDate: new Date(h.clock.now - 1000).toISOString() },
    { name: '' },
    {},
  ];
  for (const payload of bodies) {
    const res = await createUserToken(h, h.userToken, payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.json().type, 'Validation');
  }
  const created = (await createUserToken(h, h.userToken, { name: 'fixed', scope: ['all.User.read'] })).json();
  for (const payload of [
    { scope: ['all.User'] },
    { expirationDate: new Date(h.clock.now + hour).toISOString() },
    { defaultRole: 'view' },
  ]) {
    const res = await h.call(h.userToken, { method: 'PATCH', url: `/me/tokens/${created.id}`, payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
  }
  const after = (await h.call(h.userToken, { method: 'GET', url: `/me/tokens/${created.id}` })).json();
  assert.deepEqual(after.scope, ['all.User.read']);
  assert.equal(after.expirationDate, undefined);
});

test('a read-only user token can read /me/tokens but cannot create, patch or delete (403)', async (t) => {
  const h = await build(t);
  const reader = (await createUserToken(h, h.userToken, { name: 'reader', scope: ['all.User.read'] })).json();
  const target = (await createUserToken(h, h.userToken, { name: 'target' })).json();
  assert.equal((await h.call(reader.token, { method: 'GET', url: '/me/tokens' })).statusCode, 200);
  assert.equal((await h.call(reader.token, { method: 'GET', url: `/me/tokens/${target.id}` })).statusCode, 200);
  const post = await createUserToken(h, reader.token, { name: 'stronger', scope: ['all.User'] });
  assert.equal(post.statusCode, 403);
  assert.equal(post.json().type, 'Forbidden');
  const patch = await h.call(reader.token, { method: 'PATCH', url: `/me/tokens/${target.id}`, payload: { name: 'x' } });
  assert.equal(patch.statusCode, 403);
  const del = await h.call(reader.token, { method: 'DELETE', url: `/me/tokens/${target.id}` });
  assert.equal(del.statusCode, 403);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `/me/tokens/${target.id}` })).json().name, 'target');
});

// Creating user tokens is userApiTokens.post, which only all.User carries: a
// read-only token can create none, whatever it asks for.
test('an all.User.read token cannot create user tokens', async (t) => {
  const h = await build(t);
  const reader = (await createUserToken(h, h.userToken, { name: 'reader', scope: ['all.User.read'] })).json();
  for (const scope of ['all.User.read', 'all.Organization.read', 'all.User']) {
    const res = await createUserToken(h, reader.token, { name: scope, scope: [scope] });
    assert.equal(res.statusCode, 403, `${scope}: ${res.body}`);
    assert.equal(res.json().type, 'Forbidden');
  }
});

test("an all.Organization user token can create no user token, nor device tokens on the user's own application", async (t) => {
  const h = await build(t);
  const org = (await createUserToken(h, h.userToken, { name: 'org', scope: ['all.Organization'] })).json();
  for (const scope of ['all.User', 'device.*', 'all.Organization.read']) {
    const res = await createUserToken(h, org.token, { name: 'x', scope: [scope] });
    assert.equal(res.statusCode, 403, scope);
    assert.equal(res.json().type, 'Forbidden');
  }
  // all.Organization does not reach the user's own (non-organization) applications.
  const app = await h.call(org.token, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    payload: { name: 'devices', scope: ['device.*'] },
  });
  assert.equal(app.statusCode, 403);
  assert.equal((await h.call(org.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 403);
});

test('user token attenuation: an expiring API token cannot mint a never-expiring or later-expiring token', async (t) => {
  const h = await build(t);
  const expiresAt = h.clock.now + 2 * hour;
  const expiring = (await createUserToken(h, h.userToken, { name: 'expiring', expirationDate: new Date(expiresAt).toISOString() })).json();
  const forever = await createUserToken(h, expiring.token, { name: 'forever' });
  assert.equal(forever.statusCode, 403);
  assert.equal(forever.json().type, 'Forbidden');
  assert.match(forever.json().message, /expirationDate/);
  const later = await createUserToken(h, expiring.token, { name: 'later', expirationDate: new Date(expiresAt + 1000).toISOString() });
  assert.equal(later.statusCode, 403);
  const ok = await createUserToken(h, expiring.token, { name: 'ok', expirationDate: new Date(expiresAt).toISOString() });
  assert.equal(ok.statusCode, 201);
  assert.equal(ok.json().creatorType, 'apiToken');
  assert.equal(ok.json().creatorId, expiring.id);
  // Likewise on application tokens.
  const app = await h.call(expiring.token, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    payload: { name: 'forever' },
  });
  assert.equal(app.statusCode, 403);
});

test('a login session (which stands for the user) may create long-lived user tokens, recorded as created by the user', async (t) => {
  const h = await build(t);
  const session = await login(h, 'owner@example.com', 'correct horse battery');
  const forever = await createUserToken(h, session, { name: 'forever' });
  assert.equal(forever.statusCode, 201, forever.body);
  assert.equal(forever.json().creatorType, 'user');
  assert.equal(forever.json().creatorId, h.userId);
  assert.equal(forever.json().expirationDate, undefined);
  // It outlives the session.
  h.clock.now += 25 * hour;
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 401);
  assert.equal((await h.call(forever.json().token, { method: 'GET', url: '/me' })).statusCode, 200);
});

test("another user's token id is 404 on get, patch and delete", async (t) => {
  const h = await build(t);
  await createUser(h.store, 'eve@example.com', 'eavesdropper pass');
  const eve = await login(h, 'eve@example.com', 'eavesdropper pass');
  const mine = (await createUserToken(h, h.userToken, { name: 'mine' })).json();
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const res = await h.call(eve, {
      method,
      url: `/me/tokens/${mine.id}`,
      ...(method === 'PATCH' ? { payload: { status: 'inactive' } } : {}),
    });
    assert.equal(res.statusCode, 404, method);
    assert.equal(res.json().type, 'NotFound');
  }
  assert.equal((await h.call(eve, { method: 'GET', url: '/me/tokens' })).json().totalCount, 0);
  assert.equal((await h.call(mine.token, { method: 'GET', url: '/me' })).statusCode, 200);
});
