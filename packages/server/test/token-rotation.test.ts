// Rotation through HTTP: POST .../rotate gives a token a new secret; with a grace
// period the replaced secret keeps verifying, as deprecated, until the clock passes
// its end (nothing runs when it does), on /verify, /introspect and latchkey's own
// API alike; rotating again ends an earlier grace period. Run on both adapters
// where the store is read (helpers/stores.ts).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/storage/open-store.js';
import { build, login, type Harness } from './helpers/build.js';
import { openEventStream } from './helpers/event-stream.js';
import { adapters, skipUnavailable, type Adapter } from './helpers/stores.js';

const secret = 'rotation-test-introspection-secret';
const hour = 3_600_000;

type Created = Record<string, unknown> & { token: string; id: string };

async function harness(t: TestContext, adapter?: Adapter): Promise<Harness> {
  return build(t, { introspectionSecret: secret, ...(adapter ? { store: await adapter.open(t) } : {}) });
}

function rotate(h: Harness, id: string, body?: object, token = h.userToken) {
  return h.call(token, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens/${id}/rotate`,
    ...(body === undefined ? {} : { payload: body }),
  });
}

async function rotated(h: Harness, id: string, body?: object, token?: string): Promise<Created> {
  const response = await rotate(h, id, body, token);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

const verify = async (h: Harness, token: string, extra: object = {}) =>
  (await h.call(secret, { method: 'POST', url: '/verify', payload: { token, ...extra } })).json<Record<string, unknown>>();
const introspect = async (h: Harness, token: string) =>
  (await h.call(secret, { method: 'POST', url: '/introspect', payload: { token } })).json<Record<string, unknown>>();
/** latchkey's own API, authenticated by the token: its application. */
const ownApi = async (h: Harness, token: string) =>
  (await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}` })).statusCode;
const getToken = async (h: Harness, id: string) =>
  (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${id}` })).json<Record<string, unknown>>();

for (const adapter of adapters) {
  test(`${adapter.name}: during the grace period the old secret verifies as deprecated everywhere; after it, it is unknown`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const expirationDate = new Date(h.clock.now + 48 * hour).toISOString();
    const created = await h.createToken({ name: 'svc', scope: ['all.Application'], expirationDate, meta: { tier: 'gold' } });
    h.clock.now += 1000;
    const at = h.clock.now;
    const fresh = await rotated(h, created.id, { gracePeriod: 3600 });
    const graceEnd = new Date(at + hour).toISOString();

    assert.notEqual(fresh.token, created.token);
    assert.match(fresh.token, /^lka_/);
    for (const key of ['id', 'name', 'scope', 'expirationDate', 'meta', 'creationDate', 'status']) {
      assert.deepEqual(fresh[key], created[key], `${key} stays`);
    }
    assert.equal(fresh.rotatedAt, new Date(at).toISOString());
    assert.equal(fresh.previousSecretExpiresAt, graceEnd);
    assert.equal(fresh.previousSecretLastUsed, undefined, 'not used since');

    // The old secret: valid, deprecated, expiring when the grace period ends.
    const old = await verify(h, created.token);
    assert.equal(old.valid, true);
    assert.equal(old.code, 'VALID');
    assert.equal(old.deprecated, true);
    assert.equal(old.tokenId, created.id);
    assert.equal(old.expirationDate, graceEnd);
    assert.deepEqual(old.meta, { tier: 'gold' });
    const oldIntrospection = await introspect(h, created.token);
    assert.equal(oldIntrospection.active, true);
    assert.equal(oldIntrospection.deprecated, true);
    assert.equal(oldIntrospection.sub, created.id);
    assert.equal(oldIntrospection.exp, Math.floor((at + hour) / 1000));
    assert.equal(await ownApi(h, created.token), 200);
    // The new one: valid, not deprecated, with the token's own expiry.
    const current = await verify(h, fresh.token);
    assert.equal(current.code, 'VALID');
    assert.equal(current.deprecated, undefined);
    assert.equal(current.expirationDate, expirationDate);
    const currentIntrospection = await introspect(h, fresh.token);
    assert.equal(currentIntrospection.active, true);
    assert.equal(currentIntrospection.deprecated, undefined);
    assert.equal(currentIntrospection.exp, Math.floor(Date.parse(expirationDate) / 1000));
    assert.equal(await ownApi(h, fresh.token), 200);

    // The old secret's use shows on the token object, apart from lastUsed.
    const during = await getToken(h, created.id);
    assert.equal(during.previousSecretExpiresAt, graceEnd);
    assert.equal(during.previousSecretLastUsed, new Date(at).toISOString());

    // One millisecond before the end it still verifies; at the end it is unknown.
    h.clock.now = at + hour - 1;
    assert.equal((await verify(h, created.token)).code, 'VALID');
    h.clock.now = at + hour;
    assert.deepEqual(await verify(h, created.token), { valid: false, code: 'NOT_FOUND' });
    assert.deepEqual(await introspect(h, created.token), { active: false });
    assert.equal(await ownApi(h, created.token), 401);
    assert.equal((await verify(h, fresh.token)).code, 'VALID', 'the new secret goes on');
    assert.equal(await ownApi(h, fresh.token), 200);
    const after = await getToken(h, created.id);
    assert.equal(after.previousSecretExpiresAt, undefined, 'the grace period leaves the token object when it ends');
    assert.equal(after.previousSecretLastUsed, undefined);
    assert.equal(after.rotatedAt, fresh.rotatedAt);
  });

  test(`${adapter.name}: rotating again ends the earlier grace period: never more than two live secrets`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const created = await h.createToken({ name: 'twice' });
    const second = await rotated(h, created.id, { gracePeriod: 3600 });
    h.clock.now += 1000;
    const third = await rotated(h, created.id, { gracePeriod: 600 });
    assert.deepEqual(await verify(h, created.token), { valid: false, code: 'NOT_FOUND' }, 'the first secret is gone');
    assert.equal(await ownApi(h, created.token), 401);
    const middle = await verify(h, second.token);
    assert.equal(middle.code, 'VALID');
    assert.equal(middle.deprecated, true, 'the second is now the previous secret');
    assert.equal(middle.expirationDate, new Date(h.clock.now + 600_000).toISOString());
    assert.equal((await verify(h, third.token)).deprecated, undefined);
    assert.equal(third.previousSecretExpiresAt, new Date(h.clock.now + 600_000).toISOString());

    // Without a grace period the secret it replaces stops at once, and so does any earlier one.
    const fourth = await rotated(h, created.id, {});
    assert.deepEqual(await verify(h, second.token), { valid: false, code: 'NOT_FOUND' });
    assert.deepEqual(await verify(h, third.token), { valid: false, code: 'NOT_FOUND' });
    assert.equal(await ownApi(h, third.token), 401);
    assert.equal((await verify(h, fourth.token)).code, 'VALID');
    assert.equal(fourth.previousSecretExpiresAt, undefined);
  });

  test(`${adapter.name}: a rotation keeps limits, credits and usage; the old secret's verifications count as VALID_DEPRECATED`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const created = await h.createToken({
      name: 'metered',
      ratelimits: [{ name: 'rpm', limit: 100, duration: 60_000 }],
      credits: { remaining: 10 },
    });
    assert.equal((await verify(h, created.token)).code, 'VALID');
    const fresh = await rotated(h, created.id, { gracePeriod: 60 });
    assert.deepEqual(fresh.ratelimits, created.ratelimits);
    assert.deepEqual(fresh.credits, { remaining: 9 }, 'the balance spent before the rotation stays spent');
    const old = await verify(h, created.token);
    assert.equal(old.deprecated, true);
    assert.deepEqual(old.credits, { remaining: 8 }, 'both secrets spend one balance');
    assert.equal((old.ratelimits as Array<{ remaining: number }>)[0]!.remaining, 98, 'and count against one limit');
    await verify(h, created.token);
    assert.deepEqual((await verify(h, fresh.token)).credits, { remaining: 6 });
    // latchkey's own API, authenticated by the old secret, counts the same way.
    assert.equal(await ownApi(h, created.token), 200);
    const usage = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}/usage` });
    assert.equal(usage.statusCode, 200, usage.body);
    assert.deepEqual(usage.json().totals, { VALID: 2, VALID_DEPRECATED: 3 });
  });
}

test('a rotation needs a scope that may update the token, a role that may write, and authority over what it grants', async (t) => {
  const h = await harness(t);
  const target = await h.createToken({ name: 'target', scope: ['all.Application'] });
  // A token that may read tokens but not update them.
  const reader = await h.createToken({ name: 'reader', scope: ['applicationApiToken.get'] });
  const refused = await rotate(h, target.id, { gracePeriod: 60 }, reader.token);
  assert.equal(refused.statusCode, 403, refused.body);
  assert.equal(refused.json().type, 'Forbidden');
  // One that may update tokens, but holds less than the token it would rotate.
  const patcher = await h.createToken({ name: 'patcher', scope: ['applicationApiToken.patch'] });
  const attenuated = await rotate(h, target.id, {}, patcher.token);
  assert.equal(attenuated.statusCode, 403, attenuated.body);
  assert.match(attenuated.json().message, /Cannot grant scope all\.Application/);
  // Held within its authority, the same caller may rotate.
  const small = await h.createToken({ name: 'small', scope: ['applicationApiToken.patch'] });
  assert.equal((await rotate(h, small.id, {}, patcher.token)).statusCode, 201);
  // A caller with rate limits cannot hand out a working secret of a token without them.
  const limited = await h.createToken({ name: 'limited', ratelimits: [{ name: 'r', limit: 10, duration: 1000 }] });
  const unlimited = await rotate(h, target.id, {}, limited.token);
  assert.equal(unlimited.statusCode, 403, unlimited.body);
  assert.match(unlimited.json().message, /ratelimit "r"/);
  // Nothing was rotated by the refusals.
  assert.equal((await verify(h, target.token)).code, 'VALID');
  assert.equal((await verify(h, target.token)).deprecated, undefined);
});

test('an organization member whose role cannot write tokens cannot rotate them', async (t) => {
  const h = await harness(t);
  const org = (await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Org' } })).json<{ id: string }>();
  const app = (await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Shared', orgId: org.id } })).json<{
    id: string;
  }>();
  const target = await h.createToken({ name: 'shared' }, h.userToken, app.id);
  const { createUser } = await import('./helpers/build.js');
  for (const role of ['view', 'collaborate'] as const) {
    const email = `${role}@example.com`;
    const memberId = await createUser(h.store, email, 'member password');
    await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}/member`, payload: { userId: memberId, role } });
    const session = await login(h, email, 'member password');
    const response = await h.call(session, { method: 'POST', url: `/applications/${app.id}/tokens/${target.id}/rotate`, payload: {} });
    assert.equal(response.statusCode, 403, `${role}: ${response.body}`);
    assert.match(response.json().message, new RegExp(`The ${role} role does not permit applicationApiToken.rotate`));
  }
});

test('a grace period that cannot be honoured is refused with a 400 that says what to send', async (t) => {
  const h = await harness(t);
  const created = await h.createToken({ name: 'x' });
  const cases: Array<[unknown, RegExp]> = [
    [{ gracePeriod: -1 }, /body\/gracePeriod must be >= 0/],
    [{ gracePeriod: 2_592_001 }, /body\/gracePeriod must be <= 2592000/],
    [{ gracePeriod: 1.5 }, /body\/gracePeriod must be integer/],
    [{ gracePeriod: '60' }, /body\/gracePeriod must be integer/],
    [{ grace: 60 }, /Unknown field 'grace'/],
  ];
  for (const [body, message] of cases) {
    const response = await rotate(h, created.id, body as object);
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    assert.deepEqual(Object.keys(response.json()).sort(), ['message', 'type']);
    assert.match(response.json().message, message, JSON.stringify(body));
  }
  // A body is needed, as on every POST; an empty one means no grace period. The longest is accepted.
  const bare = await rotate(h, created.id);
  assert.equal(bare.statusCode, 400);
  assert.match(bare.json().message, /body must be object/);
  const empty = await rotate(h, created.id, {});
  assert.equal(empty.statusCode, 201, empty.body);
  assert.equal(empty.json().previousSecretExpiresAt, undefined);
  const longest = await rotate(h, created.id, { gracePeriod: 2_592_000 });
  assert.equal(longest.json().previousSecretExpiresAt, new Date(Date.parse(longest.json().rotatedAt) + 2_592_000_000).toISOString());
  assert.equal((await rotate(h, '0123456789abcdef01234567', {})).statusCode, 404);
});

test('user tokens rotate under /me/tokens, audited as userApiToken.rotate, and the old secret is deprecated', async (t) => {
  const h = await harness(t);
  const created = (
    await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'mine', scope: ['all.User.read'] } })
  ).json<Created>();
  const response = await h.call(h.userToken, {
    method: 'POST',
    url: `/me/tokens/${created.id}/rotate`,
    payload: { gracePeriod: 120 },
  });
  assert.equal(response.statusCode, 201, response.body);
  const fresh = response.json<Created>();
  assert.match(fresh.token, /^lku_/);
  assert.equal(fresh.id, created.id);
  assert.equal((await verify(h, created.token)).deprecated, true);
  assert.equal((await h.call(created.token, { method: 'GET', url: '/me' })).statusCode, 200);
  assert.equal((await h.call(fresh.token, { method: 'GET', url: '/me' })).statusCode, 200);
  // A token that may only read cannot rotate itself.
  const self = await h.call(fresh.token, { method: 'POST', url: `/me/tokens/${created.id}/rotate`, payload: {} });
  assert.equal(self.statusCode, 403);
  const audit = await h.store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, action: 'userApiToken.rotate' });
  assert.equal(audit.totalCount, 1);
  assert.equal(audit.items[0]!.targetId, created.id);
  assert.equal(audit.items[0]!.actorType, 'apiToken', 'the caller: the all.User token');
});

test('an application token rotation is audited as applicationApiToken.rotate, and neither secret is logged', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const store = await openStore('sqlite::memory:');
  const { bootstrap } = await import('../src/bootstrap.js');
  const boot = await bootstrap(store, { email: 'o@example.com', password: 'correct horse battery', applicationName: 'App' });
  const app = await buildApp({ store, logger: { level: 'trace', stream }, introspectionSecret: secret });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const auth = { authorization: `Bearer ${boot.token}` };
  const created = (
    await app.inject({ method: 'POST', url: `/applications/${boot.applicationId}/tokens`, headers: auth, payload: { name: 'n' } })
  ).json<Created>();
  const response = await app.inject({
    method: 'POST',
    url: `/applications/${boot.applicationId}/tokens/${created.id}/rotate`,
    headers: auth,
    payload: { gracePeriod: 60 },
  });
  assert.equal(response.statusCode, 201);
  const fresh = response.json<Created>();
  const audit = await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, applicationId: boot.applicationId! });
  const entry = audit.items.find((e) => e.action === 'applicationApiToken.rotate');
  assert.ok(entry, JSON.stringify(audit.items.map((e) => e.action)));
  assert.equal(entry.targetId, created.id);
  assert.ok(lines.length > 0, 'the app logged at trace level');
  const logged = lines.join('');
  assert.ok(!logged.includes(fresh.token) && !logged.includes(created.token), 'no secret in the logs');
});

test('the events stream tells verifiers downstream of a rotation, so their caches drop the token', async (t) => {
  const h = await harness(t);
  const created = await h.createToken({ name: 'watched' });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as AddressInfo;
  const stream = await openEventStream(`http://127.0.0.1:${port}`, secret);
  t.after(() => stream.close());
  assert.equal((await stream.nextEvent()).data.type, 'reset', 'a stream without Last-Event-ID begins with reset');
  await rotated(h, created.id, { gracePeriod: 60 });
  assert.deepEqual((await stream.nextEvent()).data, { type: 'token.changed', tokenId: created.id });
});
