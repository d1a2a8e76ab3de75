// GET, PATCH and DELETE /applications/{applicationId}/tokens/{apiTokenId}:
// happy paths, validation and the auth matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actions } from '@latchkey/contract';
import { build, makeApplication, mintToken, type Harness } from './helpers/build.js';

const tokenUrl = (h: Harness, id: string, applicationId = h.applicationId) => `/applications/${applicationId}/tokens/${id}`;

test('GET returns the token object without its secret', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'one', description: 'first', scope: ['device.*'] });
  const res = await h.call(h.userToken, { method: 'GET', url: tokenUrl(h, created.id) });
  assert.equal(res.statusCode, 200);
  const { token: _secret, ...expected } = created;
  assert.deepEqual(res.json(), expected);
  assert.ok(!res.body.includes(created.token));
});

test('PATCH changes name, description and status, and moves lastUpdated forward', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'before', scope: ['device.*'] });
  const res = await h.call(h.userToken, {
    method: 'PATCH',
    url: tokenUrl(h, created.id),
    payload: { name: 'after', description: 'changed', status: 'inactive' },
  });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.name, 'after');
  assert.equal(body.description, 'changed');
  assert.equal(body.status, 'inactive');
  assert.deepEqual(body.scope, ['device.*']);
  assert.equal(body.creationDate, created.creationDate);
  assert.ok(Date.parse(body.lastUpdated) > Date.parse(String(created.lastUpdated)));
  assert.equal(body.token, undefined);
  const again = await h.call(h.userToken, { method: 'GET', url: tokenUrl(h, created.id) });
  assert.deepEqual(again.json(), body);
  // A rename is what the list sorts and filters by.
  const list = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?filterField=name&filter=aft*` });
  assert.equal(list.json().totalCount, 1);
});

test('PATCH refuses scope, expirationDate, unknown fields and bad values with 400', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'fixed', scope: ['device.*'] });
  const bodies = [
    { scope: ['all.Application'] },
    { expirationDate: new Date(Date.now() + 60_000).toISOString() },
    { token: 'x' },
    { id: created.id },
    { name: '' },
    { name: 'x'.repeat(256) },
    { status: 'revoked' },
    { description: 7 },
  ];
  for (const payload of bodies) {
    const res = await h.call(h.userToken, { method: 'PATCH', url: tokenUrl(h, created.id), payload });
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.json().type, 'Validation');
  }
  const after = await h.call(h.userToken, { method: 'GET', url: tokenUrl(h, created.id) });
  assert.deepEqual(after.json().scope, ['device.*']);
  assert.equal(after.json().name, 'fixed');
});

test('DELETE answers {success: true}; the token is gone from GET and the list', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'doomed' });
  const res = await h.call(h.userToken, { method: 'DELETE', url: tokenUrl(h, created.id) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { success: true });
  const get = await h.call(h.userToken, { method: 'GET', url: tokenUrl(h, created.id) });
  assert.equal(get.statusCode, 404);
  assert.equal(get.json().type, 'NotFound');
  const list = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(list.json().totalCount, 0);
  const again = await h.call(h.userToken, { method: 'DELETE', url: tokenUrl(h, created.id) });
  assert.equal(again.statusCode, 404);
});

test('malformed ids are 400; a token of another application is 404 on every action', async (t) => {
  const h = await build(t);
  const other = await makeApplication(h.store, h.userId);
  const elsewhere = await h.createToken({ name: 'elsewhere' }, h.userToken, other);
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const payload = method === 'PATCH' ? { payload: { name: 'x' } } : {};
    for (const url of [tokenUrl(h, 'nothex'), tokenUrl(h, elsewhere.id, 'short')]) {
      const res = await h.call(h.userToken, { method, url, ...payload });
      assert.equal(res.statusCode, 400, `${method} ${url}`);
    }
    const res = await h.call(h.userToken, { method, url: tokenUrl(h, elsewhere.id), ...payload });
    assert.equal(res.statusCode, 404, `${method} other application's token`);
    const missing = await h.call(h.userToken, { method, url: tokenUrl(h, 'aaaaaaaaaaaaaaaaaaaaaaaa'), ...payload });
    assert.equal(missing.statusCode, 404);
  }
  const still = await h.call(h.userToken, { method: 'GET', url: tokenUrl(h, elsewhere.id, other) });
  assert.equal(still.json().name, 'elsewhere');
});

const matrixScopes = [
  'all.Application',
  'all.Application.read',
  'all.Device',
  'all.Device.read',
  'applicationApiToken.*',
  'applicationApiToken.get',
  'applicationApiToken.patch',
  'applicationApiToken.delete',
  'applicationApiTokens.*',
  'applicationApiTokens.get',
];

test('application token scope matrix for GET, PATCH and DELETE (singular and plural scopes are distinct)', async (t) => {
  const h = await build(t);
  for (const scope of matrixScopes) {
    const { token } = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: [scope] });
    const target = await h.createToken({ name: 'target', status: 'inactive' });
    const cases = [
      ['GET', 'applicationApiToken.get', {}],
      ['PATCH', 'applicationApiToken.patch', { payload: { description: 'touched' } }],
      ['DELETE', 'applicationApiToken.delete', {}],
    ] as const;
    for (const [method, action, extra] of cases) {
      const res = await h.call(token, { method, url: tokenUrl(h, target.id), ...extra });
      const expected = actions[action].has(scope) ? 200 : 403;
      assert.equal(res.statusCode, expected, `${method} with ${scope}`);
      if (expected === 403) assert.equal(res.json().type, 'Forbidden');
    }
  }
});

test('read-only user scopes may GET but not PATCH or DELETE', async (t) => {
  const h = await build(t);
  const target = await h.createToken({ name: 'target' });
  for (const scope of ['all.User.read', 'all.Application.read']) {
    const owner =
      scope === 'all.User.read'
        ? { ownerType: 'user' as const, ownerId: h.userId }
        : { ownerType: 'application' as const, ownerId: h.applicationId };
    const { token } = await mintToken(h.store, owner, { scope: [scope] });
    assert.equal((await h.call(token, { method: 'GET', url: tokenUrl(h, target.id) })).statusCode, 200);
    const patch = await h.call(token, { method: 'PATCH', url: tokenUrl(h, target.id), payload: { name: 'x' } });
    assert.equal(patch.statusCode, 403, scope);
    assert.equal((await h.call(token, { method: 'DELETE', url: tokenUrl(h, target.id) })).statusCode, 403, scope);
  }
});

test('unauthenticated calls are 401 before anything else', async (t) => {
  const h = await build(t);
  const target = await h.createToken({ name: 'target' });
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const res = await h.call('lka_nope', { method, url: tokenUrl(h, target.id), payload: method === 'PATCH' ? { bad: 1 } : undefined });
    assert.equal(res.statusCode, 401);
  }
});
