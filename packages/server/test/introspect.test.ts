// POST /introspect (RFC 7662 shape) with the introspection secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, makeApplication, type Harness } from './helpers/build.js';

const secret = 'introspection-secret-for-tests';

async function withIntrospection(t: Parameters<typeof build>[0]) {
  const h = await build(t, { introspectionSecret: secret });
  const introspect = (payload: object | string, options: { authorization?: string; form?: boolean } = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/introspect',
      headers: {
        ...(options.authorization === undefined
          ? { authorization: `Bearer ${secret}` }
          : options.authorization
            ? { authorization: options.authorization }
            : {}),
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      payload,
    });
  return { h, introspect };
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

test('an active application token: scope, token_type, sub, iat, exp, application_id (JSON and form)', async (t) => {
  const { h, introspect } = await withIntrospection(t);
  const expirationDate = new Date(h.clock.now + 3_600_000).toISOString();
  const created = await h.createToken({ name: 'svc', scope: ['device.*', 'all.Device.read'], expirationDate });
  const expected = {
    active: true,
    scope: 'device.* all.Device.read',
    token_type: 'application',
    sub: created.id,
    iat: seconds(String(created.creationDate)),
    exp: seconds(expirationDate),
    application_id: h.applicationId,
  };
  const json = await introspect({ token: created.token });
  assert.equal(json.statusCode, 200);
  assert.deepEqual(json.json(), expected);
  const form = await introspect(`token=${encodeURIComponent(created.token)}`, { form: true });
  assert.deepEqual(form.json(), expected);
  assert.ok(!json.body.includes(created.token), 'the answer never echoes the token');
});

test('a user token: token_type user, user_id, no exp when it never expires', async (t) => {
  const { h, introspect } = await withIntrospection(t);
  const body = (await introspect({ token: h.userToken })).json();
  assert.equal(body.active, true);
  assert.equal(body.token_type, 'user');
  assert.equal(body.user_id, h.userId);
  assert.equal(body.scope, 'all.User');
  assert.equal(body.exp, undefined);
  assert.equal(body.application_id, undefined);
});

test('unknown, malformed, inactive, expired and deleted tokens are exactly {active: false}', async (t) => {
  const { h, introspect } = await withIntrospection(t);
  const inactive = await h.createToken({ name: 'off', status: 'inactive' });
  const expiring = await h.createToken({ name: 'brief', expirationDate: new Date(h.clock.now + 1000).toISOString() });
  const deleted = await h.createToken({ name: 'gone' });
  assert.equal((await introspect({ token: deleted.token })).json().active, true);
  await h.call(h.userToken, { method: 'DELETE', url: `/applications/${h.applicationId}/tokens/${deleted.id}` });
  h.clock.now += 1000;
  for (const token of [
    '',
    'garbage',
    `${inactive.token.slice(0, -1)}${inactive.token.endsWith('x') ? 'y' : 'x'}`,
    'lka_' + 'a'.repeat(49),
    inactive.token,
    expiring.token,
    deleted.token,
  ]) {
    const res = await introspect({ token });
    assert.equal(res.statusCode, 200, token);
    assert.deepEqual(res.json(), { active: false }, token);
  }
});

test('the introspection secret is required: missing or wrong is 401; a token is no substitute', async (t) => {
  const { h, introspect } = await withIntrospection(t);
  for (const authorization of ['', 'Bearer wrong', `Bearer ${secret}x`, `Basic ${secret}`, `Bearer ${h.userToken}`]) {
    const res = await introspect({ token: h.userToken }, { authorization });
    assert.equal(res.statusCode, 401, authorization);
    assert.equal(res.json().type, 'Unauthorized');
  }
  const missing = await introspect({});
  assert.equal(missing.statusCode, 400);
});

test('without a configured secret the endpoint does not exist (404)', async (t) => {
  const h: Harness = await build(t);
  const res = await h.app.inject({
    method: 'POST',
    url: '/introspect',
    headers: { authorization: 'Bearer x' },
    payload: { token: h.userToken },
  });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().type, 'NotFound');
});

test('application_id: reach, owner type and role for the verifier', async (t) => {
  const { h, introspect } = await withIntrospection(t);
  const app = await h.createToken({ name: 'app', scope: ['all.Device'] });
  const other = await makeApplication(h.store, h.userId);
  const stranger = await makeApplication(h.store, 'cccccccccccccccccccccccc');
  assert.deepEqual((await introspect({ token: app.token, application_id: h.applicationId })).json().application, {
    id: h.applicationId,
    reachable: true,
    owner_type: 'user',
  });
  assert.deepEqual((await introspect({ token: app.token, application_id: other })).json().application, { id: other, reachable: false });
  assert.deepEqual((await introspect({ token: h.userToken, application_id: other })).json().application, {
    id: other,
    reachable: true,
    owner_type: 'user',
  });
  assert.equal((await introspect({ token: h.userToken, application_id: stranger })).json().application.reachable, false);
  // An organization member's role comes along.
  const org = (await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Org' } })).json();
  const orgApp = (await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Shared', orgId: org.id } })).json();
  assert.deepEqual((await introspect({ token: h.userToken, application_id: orgApp.id })).json().application, {
    id: orgApp.id,
    reachable: true,
    owner_type: 'organization',
    role: 'admin',
  });
  assert.equal((await introspect({ token: h.userToken, application_id: 'nothex' })).statusCode, 400);
});

test('the form parser is local to /introspect: other routes still refuse form bodies', async (t) => {
  const { h } = await withIntrospection(t);
  const res = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'name=form',
  });
  assert.equal(res.statusCode, 400);
});
