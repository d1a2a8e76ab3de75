// POST /revoke (RFC 7009) through HTTP: holding a token is the authority to revoke
// it; every request is answered 200 {"success": true}; a real token becomes inactive
// at once (on the API, /verify and /introspect), audited as revoked by its holder;
// every attempt counts against the caller's address.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { generateToken } from '@latchkey/contract';
import type { StoreEvent } from '../src/storage/port.js';
import { build, login, type Harness } from './helpers/build.js';
import { openEventStream } from './helpers/event-stream.js';
import { adapters, skipUnavailable, type Adapter } from './helpers/stores.js';

const secret = 'revocation-test-introspection-secret';

async function harness(t: TestContext, options: { adapter?: Adapter; authFailureLimit?: number } = {}): Promise<Harness> {
  return build(t, {
    introspectionSecret: secret,
    ...(options.adapter ? { store: await options.adapter.open(t) } : {}),
    ...(options.authFailureLimit === undefined ? {} : { authFailureLimit: options.authFailureLimit }),
  });
}

function revoke(h: Harness, token: string, options: { form?: boolean; extra?: Record<string, string> } = {}) {
  const fields = { token, ...options.extra };
  return h.app.inject({
    method: 'POST',
    url: '/revoke',
    ...(options.form
      ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() }
      : { payload: fields }),
  });
}

async function revoked(h: Harness, token: string, options?: Parameters<typeof revoke>[2]) {
  const response = await revoke(h, token, options);
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json(), { success: true });
}

const verify = async (h: Harness, token: string) =>
  (await h.call(secret, { method: 'POST', url: '/verify', payload: { token } })).json<Record<string, unknown>>();
const ownApi = async (h: Harness, token: string) =>
  (await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}` })).statusCode;
const audit = (h: Harness, action: string) => h.store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, action });

for (const adapter of adapters) {
  test(`${adapter.name}: a real token revoked by its holder is inactive at once, with revokedAt, audited with the holder as actor`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, { adapter });
    const created = await h.createToken({ name: 'leaving', scope: ['all.Application'] });
    // Verified first, so the token is in every cache the revocation must empty.
    assert.equal((await verify(h, created.token)).code, 'VALID');
    assert.equal(await ownApi(h, created.token), 200);
    h.clock.now += 1000;
    await revoked(h, created.token, { extra: { token_type_hint: 'access_token' } });

    assert.equal(await ownApi(h, created.token), 401);
    assert.deepEqual(await verify(h, created.token), { valid: false, code: 'DISABLED' });
    assert.deepEqual((await h.call(secret, { method: 'POST', url: '/introspect', payload: { token: created.token } })).json(), {
      active: false,
    });
    const token = (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` })).json();
    assert.equal(token.status, 'inactive');
    assert.equal(token.revokedAt, new Date(h.clock.now).toISOString());
    const entries = await audit(h, 'applicationApiToken.revoke');
    assert.equal(entries.totalCount, 1);
    const entry = entries.items[0]!;
    assert.deepEqual(
      { actorType: entry.actorType, actorId: entry.actorId, targetId: entry.targetId, applicationId: entry.applicationId },
      { actorType: 'apiToken', actorId: created.id, targetId: created.id, applicationId: h.applicationId },
    );
    assert.equal(entry.outcome, 'success');

    // Revoked again, nothing more happens.
    await revoked(h, created.token);
    assert.equal((await audit(h, 'applicationApiToken.revoke')).totalCount, 1);
  });
}

test('an unknown, malformed or empty token is answered 200 and changes nothing', async (t) => {
  const h = await harness(t);
  const created = await h.createToken({ name: 'bystander' });
  const events: StoreEvent[] = [];
  h.store.subscribe((event) => events.push(event));
  for (const token of [generateToken('application'), generateToken('user'), generateToken('session'), 'garbage', '', 'x'.repeat(5000)]) {
    await revoked(h, token);
    await revoked(h, token, { form: true });
  }
  // A real token's string with its prefix changed is another (malformed) token.
  await revoked(h, created.token.replace(/^lka_/, 'lku_'));
  assert.deepEqual(events, [], 'no write');
  assert.equal((await verify(h, created.token)).code, 'VALID');
  assert.equal((await h.store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, action: '*.revoke' })).totalCount, 0);
});

test('a form body revokes as JSON does: a user token, audited as userApiToken.revoke', async (t) => {
  const h = await harness(t);
  const created = (await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'cli' } })).json<{
    id: string;
    token: string;
  }>();
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 200);
  await revoked(h, created.token, { form: true, extra: { token_type_hint: 'refresh_token', client_id: 'ignored' } });
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 401);
  assert.equal((await verify(h, created.token)).code, 'DISABLED');
  const entry = (await audit(h, 'userApiToken.revoke')).items[0];
  assert.equal(entry?.actorType, 'apiToken');
  assert.equal(entry?.actorId, created.id);
  assert.equal(entry?.applicationId, null);
  // The owner may make it active again: it is then no longer revoked.
  const patched = await h.call(h.userToken, { method: 'PATCH', url: `/me/tokens/${created.id}`, payload: { status: 'active' } });
  assert.equal(patched.statusCode, 200);
  assert.equal(patched.json().revokedAt, undefined);
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 200);
});

test('a login session revoked by its holder ends at once', async (t) => {
  const h = await harness(t);
  const session = await login(h, 'owner@example.com', 'correct horse battery');
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 200);
  await revoked(h, session);
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 401);
  const entry = (await audit(h, 'session.revoke')).items[0];
  assert.equal(entry?.targetType, 'session');
  assert.deepEqual([entry?.actorType, entry?.actorId], ['user', h.userId], "a session's holder is its user");
});

test('an already inactive or expired token is answered 200 and stays as it was', async (t) => {
  const h = await harness(t);
  const inactive = await h.createToken({ name: 'off', status: 'inactive' });
  const expiring = await h.createToken({ name: 'soon', expirationDate: new Date(h.clock.now + 1000).toISOString() });
  h.clock.now += 2000;
  await revoked(h, inactive.token);
  await revoked(h, expiring.token);
  for (const id of [inactive.id, expiring.id]) {
    const token = (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${id}` })).json();
    assert.equal(token.revokedAt, undefined, token.name);
  }
  assert.equal((await verify(h, inactive.token)).code, 'DISABLED');
  assert.equal((await verify(h, expiring.token)).code, 'EXPIRED');
  assert.equal((await audit(h, '*.revoke')).totalCount, 0);
});

test('a replaced secret revoked during its grace period ends the grace period alone: the new secret goes on', async (t) => {
  const h = await harness(t);
  const created = await h.createToken({ name: 'rotating' });
  const rotation = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens/${created.id}/rotate`,
    payload: { gracePeriod: 3600 },
  });
  const fresh = rotation.json<{ token: string }>();
  assert.equal((await verify(h, created.token)).deprecated, true);
  await revoked(h, created.token);
  assert.deepEqual(await verify(h, created.token), { valid: false, code: 'NOT_FOUND' });
  assert.equal((await verify(h, fresh.token)).code, 'VALID');
  const token = (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` })).json();
  assert.equal(token.status, 'active');
  assert.equal(token.revokedAt, undefined);
  assert.equal(token.previousSecretExpiresAt, undefined);
  assert.equal((await audit(h, 'applicationApiToken.revoke')).totalCount, 1);
  // The new secret revoked ends the token.
  await revoked(h, fresh.token);
  assert.equal((await verify(h, fresh.token)).code, 'DISABLED');
});

test('every attempt counts against the address: past the limit 429 with Retry-After, and nothing is revoked', async (t) => {
  const h = await harness(t, { authFailureLimit: 3 });
  const created = await h.createToken({ name: 'target' });
  for (let i = 0; i < 3; i++) await revoked(h, generateToken('application'));
  const throttled = await revoke(h, created.token);
  assert.equal(throttled.statusCode, 429);
  assert.deepEqual(Object.keys(throttled.json()).sort(), ['message', 'type']);
  assert.equal(throttled.json().type, 'TooManyRequests');
  assert.ok(Number(throttled.headers['retry-after']) >= 1, String(throttled.headers['retry-after']));
  assert.equal((await verify(h, created.token)).code, 'VALID', 'the refused attempt revoked nothing');
  // The same throttle as failed authentications: the address is refused on the API too.
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 429);
  // Once the window has passed, the holder may revoke.
  h.clock.now += 60_000;
  await revoked(h, created.token);
  assert.equal((await verify(h, created.token)).code, 'DISABLED');
});

test('a request without a token string is refused with a 400 that says what to send', async (t) => {
  const h = await harness(t);
  for (const payload of [{}, { token: 5 }, { token_type_hint: 'access_token' }]) {
    const response = await h.app.inject({ method: 'POST', url: '/revoke', payload });
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.match(response.json().message, /body.*token/, response.body);
  }
  const form = await h.app.inject({
    method: 'POST',
    url: '/revoke',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'token_type_hint=access_token',
  });
  assert.equal(form.statusCode, 400);
  assert.match(form.json().message, /must have required property 'token'/);
});

test('a revocation reaches verifiers downstream through the events stream', async (t) => {
  const h = await harness(t);
  const created = await h.createToken({ name: 'watched' });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as AddressInfo;
  const stream = await openEventStream(`http://127.0.0.1:${port}`, secret);
  t.after(() => stream.close());
  assert.equal((await stream.nextEvent()).data.type, 'reset');
  await revoked(h, generateToken('application'));
  await revoked(h, created.token);
  // The unknown token sent nothing; the real one is named.
  assert.deepEqual((await stream.nextEvent()).data, { type: 'token.changed', tokenId: created.id });
});
