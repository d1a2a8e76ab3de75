// Authentication and authorization of GET and POST /applications/{applicationId}/tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actions, generateToken } from '@latchkey/contract';
import { build, makeApplication, mintToken } from './helpers/build.js';

const unauthorized = { type: 'Unauthorized', message: 'Authorization failed: invalid or missing token' };

test('missing, malformed, tampered, unknown, inactive and expired tokens all get the same 401', async (t) => {
  const h = await build(t);
  const valid = await h.createToken({ name: 'valid' });
  const inactive = await h.createToken({ name: 'off', status: 'inactive' });
  const expiring = await h.createToken({ name: 'soon', expirationDate: new Date(h.clock.now + 60_000).toISOString() });
  const last = valid.token.at(-1) === 'a' ? 'b' : 'a';
  const tampered = valid.token.slice(0, -1) + last;
  const flipped = valid.token.slice(0, 10) + (valid.token[10] === 'x' ? 'y' : 'x') + valid.token.slice(11);
  const headers: Array<string | undefined> = [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `Token ${valid.token}`,
    'Bearer garbage',
    `Bearer ${tampered}`,
    `Bearer ${flipped}`,
    `Bearer ${valid.token.replace('lka_', 'lku_')}`,
    `Bearer ${generateToken('application')}`,
    `Bearer ${inactive.token}`,
  ];
  for (const authorization of headers) {
    for (const method of ['GET', 'POST'] as const) {
      const res = await h.app.inject({
        method,
        url: `/applications/${h.applicationId}/tokens`,
        headers: authorization === undefined ? {} : { authorization },
        ...(method === 'POST' ? { payload: { name: 'x' } } : {}),
      });
      assert.equal(res.statusCode, 401, `${method} with ${authorization}`);
      assert.deepEqual(res.json(), unauthorized);
    }
  }
  // Valid until the instant it expires, refused from then on.
  const before = await h.call(expiring.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(before.statusCode, 200);
  h.clock.now += 60_000;
  const after = await h.call(expiring.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(after.statusCode, 401);
  assert.deepEqual(after.json(), unauthorized);
});

test('the scheme is case-insensitive', async (t) => {
  const h = await build(t);
  const res = await h.app.inject({
    method: 'GET',
    url: `/applications/${h.applicationId}/tokens`,
    headers: { authorization: `bearer ${h.userToken}` },
  });
  assert.equal(res.statusCode, 200);
});

test('authentication comes before validation: garbage token with a bad body is 401', async (t) => {
  const h = await build(t);
  const res = await h.call('garbage', { method: 'POST', url: '/applications/123/tokens', payload: {} });
  assert.equal(res.statusCode, 401);
});

// Every scope an application token may hold, against each action's accepted list.
const applicationTokenScopes = [
  'all.Application',
  'all.Application.read',
  'all.Device',
  'all.Device.read',
  'applicationApiTokens.*',
  'applicationApiTokens.get',
  'applicationApiTokens.post',
  'applicationApiToken.*',
  'applicationApiToken.get',
  'device.*',
  'application.get',
];

test('application token scope matrix for GET and POST', async (t) => {
  const h = await build(t);
  for (const scope of applicationTokenScopes) {
    const { token } = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: [scope] });
    const get = await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
    const getExpected = actions['applicationApiTokens.get'].has(scope) ? 200 : 403;
    assert.equal(get.statusCode, getExpected, `GET with ${scope}`);
    const post = await h.call(token, {
      method: 'POST',
      url: `/applications/${h.applicationId}/tokens`,
      // The child asks for exactly the caller's scope, so attenuation never refuses it.
      payload: { name: 'child', scope: [scope] },
    });
    const postExpected = actions['applicationApiTokens.post'].has(scope) ? 201 : 403;
    assert.equal(post.statusCode, postExpected, `POST with ${scope}`);
    if (postExpected === 403) assert.equal(post.json().type, 'Forbidden');
  }
});

test('the founding document lists exactly these scopes', () => {
  assert.deepEqual([...actions['applicationApiTokens.get']].sort(), [
    'all.Application',
    'all.Application.read',
    'all.Organization',
    'all.Organization.read',
    'all.User',
    'all.User.read',
    'applicationApiTokens.*',
    'applicationApiTokens.get',
  ]);
  assert.deepEqual([...actions['applicationApiTokens.post']].sort(), [
    'all.Application',
    'all.Organization',
    'all.User',
    'applicationApiTokens.*',
    'applicationApiTokens.post',
  ]);
});

test('user token scope matrix on an application the user owns', async (t) => {
  const h = await build(t);
  const cases: Array<[string, number, number]> = [
    ['all.User', 200, 201],
    ['all.User.read', 200, 403],
    // all.Organization covers organization-owned applications only.
    ['all.Organization', 403, 403],
    ['all.Organization.read', 403, 403],
    ['applicationApiTokens.get', 200, 403],
    ['applicationApiTokens.*', 200, 201],
  ];
  for (const [scope, getStatus, postStatus] of cases) {
    const { token } = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: [scope] });
    const get = await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
    assert.equal(get.statusCode, getStatus, `GET with ${scope}`);
    const post = await h.call(token, {
      method: 'POST',
      url: `/applications/${h.applicationId}/tokens`,
      payload: { name: 'child', scope: ['applicationApiTokens.get'] },
    });
    assert.equal(post.statusCode, postStatus, `POST with ${scope}`);
  }
});

test('an application token reaches only its own application (404 elsewhere)', async (t) => {
  const h = await build(t);
  const sibling = await makeApplication(h.store, h.userId, 'Sibling');
  const own = await h.createToken({ name: 'own', scope: ['all.Application'] });
  for (const applicationId of [sibling, 'aaaaaaaaaaaaaaaaaaaaaaaa']) {
    const get = await h.call(own.token, { method: 'GET', url: `/applications/${applicationId}/tokens` });
    assert.equal(get.statusCode, 404);
    assert.deepEqual(Object.keys(get.json()).sort(), ['message', 'type']);
    assert.equal(get.json().type, 'NotFound');
    const post = await h.call(own.token, { method: 'POST', url: `/applications/${applicationId}/tokens`, payload: { name: 'x' } });
    assert.equal(post.statusCode, 404);
  }
});

test("a user token does not reach another user's application, nor a missing one (same 404)", async (t) => {
  const h = await build(t);
  const stranger = await makeApplication(h.store, 'bbbbbbbbbbbbbbbbbbbbbbbb', 'Stranger');
  const a = await h.call(h.userToken, { method: 'GET', url: `/applications/${stranger}/tokens` });
  const b = await h.call(h.userToken, { method: 'GET', url: '/applications/aaaaaaaaaaaaaaaaaaaaaaaa/tokens' });
  assert.equal(a.statusCode, 404);
  assert.deepEqual(a.json(), b.json());
  const post = await h.call(h.userToken, { method: 'POST', url: `/applications/${stranger}/tokens`, payload: { name: 'x' } });
  assert.equal(post.statusCode, 404);
});

test('a store failure while verifying a token answers 500 in the error shape: neither 401 nor a pass', async (t) => {
  const h = await build(t);
  const fresh = await h.createToken({ name: 'not yet verified' });
  const url = `/applications/${h.applicationId}/tokens`;
  const findTokenByHash = h.store.findTokenByHash.bind(h.store);
  h.store.findTokenByHash = () => Promise.reject(new Error('disk I/O error'));
  const failed = await h.call(fresh.token, { method: 'GET', url });
  assert.equal(failed.statusCode, 500);
  assert.deepEqual(failed.json(), { type: 'Internal', message: 'An internal error occurred' });
  h.store.findTokenByHash = findTokenByHash;
  assert.equal((await h.call(fresh.token, { method: 'GET', url })).statusCode, 200);
});
