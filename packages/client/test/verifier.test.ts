// The verifier against a live latchkey: decisions with the server's scope algebra,
// caching, revocation within the TTL, single-flight and failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionScope } from '@latchkey/contract';
import { createVerifier, LatchkeyError, LatchkeyNetworkError, type Verifier } from '../src/index.js';
import { countingFetch, introspectionSecret, sleep, startIntrospectionServer } from './introspection-server.js';

const action = 'device.sendState';

test('device.sendState: allowed and denied exactly as the scope algebra says', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, fetch: counter.fetch });
  const { applicationId } = server;
  const other = await server.api<{ id: string }>('POST', '/applications', { name: 'Other' });

  const allDevice = await server.createToken(['all.Device']);
  const deviceWildcard = await server.createToken(['device.*']);
  const deviceRead = await server.createToken(['all.Device.read']);
  const applicationRead = await server.createToken(['all.Application.read']);
  const otherApplication = await server.createToken(['all.Application'], { applicationId: other.id });
  const inactive = await server.createToken(['all.Device']);
  await server.api('PATCH', `/applications/${applicationId}/tokens/${inactive.id}`, { status: 'inactive' });

  const decide = (token: string) => verifier.authorize(token, { applicationId, action });

  for (const token of [allDevice, deviceWildcard]) {
    const decision = await decide(token.token);
    assert.equal(decision.allowed, true, decision.reason);
    assert.equal(decision.introspection?.sub, token.id);
  }
  // The bootstrap user's all.User token reaches its own application too.
  assert.equal((await decide(server.userToken)).allowed, true);

  for (const token of [deviceRead, applicationRead]) {
    const decision = await decide(token.token);
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /device\.sendState/);
    assert.equal(decision.introspection?.active, true);
  }
  // ...while a read action is within both.
  assert.equal((await verifier.authorize(deviceRead.token, { applicationId, action: 'device.get' })).allowed, true);
  assert.equal((await verifier.authorize(applicationRead.token, { applicationId, action: 'device.get' })).allowed, true);

  assert.deepEqual(
    { ...(await decide(otherApplication.token)), introspection: undefined },
    { allowed: false, reason: `token does not reach application ${applicationId}`, introspection: undefined },
  );
  assert.equal((await verifier.authorize(otherApplication.token, { applicationId: other.id, action })).allowed, true);
  // A well-formed id of no application.
  const nowhere = await verifier.authorize(allDevice.token, { applicationId: 'ffffffffffffffffffffffff', action });
  assert.deepEqual([nowhere.allowed, nowhere.reason], [false, 'token does not reach application ffffffffffffffffffffffff']);

  for (const token of [inactive.token, 'garbage', `${allDevice.token.slice(0, -1)}${allDevice.token.endsWith('x') ? 'y' : 'x'}`, '']) {
    const decision = await decide(token);
    assert.deepEqual([decision.allowed, decision.reason], [false, 'token is not active']);
    assert.deepEqual(decision.introspection, { active: false });
  }

  // Garbage (wrong shape or checksum) never costs a request.
  const before = counter.calls();
  await decide('lka_not-a-token');
  assert.deepEqual(await verifier.verify('garbage'), { active: false });
  assert.equal(counter.calls(), before);
});

test('verify: the introspection of a token, {active: false} for anything else', async (t) => {
  const server = await startIntrospectionServer(t);
  const verifier = createVerifier({ url: server.url, introspectionSecret });
  const token = await server.createToken(['device.*', 'all.Device.read']);
  const introspection = await verifier.verify(token.token);
  assert.equal(introspection.active, true);
  assert.equal(introspection.scope, 'device.* all.Device.read');
  assert.equal(introspection.token_type, 'application');
  assert.equal(introspection.sub, token.id);
  assert.equal(introspection.application_id, server.applicationId);
  assert.equal(introspection.application, undefined);
  assert.deepEqual(await verifier.verify('lka_garbage'), { active: false });

  // Callers get copies: changing one does not change what the cache serves.
  introspection.scope = 'all.Application';
  assert.equal((await verifier.verify(token.token)).scope, 'device.* all.Device.read');
});

test('unknown actions and malformed application ids are denied', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, fetch: counter.fetch });
  const token = await server.createToken(['all.Application']);

  for (const unknown of ['device.fly', 'all.Device', 'device.*', 'toString', '']) {
    const decision = await verifier.authorize(token.token, { applicationId: server.applicationId, action: unknown as ActionScope });
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /^unknown action /);
  }
  assert.equal(counter.calls(), 0, 'an unknown action is denied without asking latchkey');

  const malformed = await verifier.authorize(token.token, { applicationId: '../admin', action });
  assert.deepEqual([malformed.allowed, malformed.reason], [false, 'token does not reach application "../admin"']);
  const inactive = await verifier.authorize('garbage', { applicationId: '../admin', action });
  assert.deepEqual([inactive.allowed, inactive.reason], [false, 'token is not active']);
});

test('organization roles cap a user token as they do in latchkey', async (t) => {
  const server = await startIntrospectionServer(t);
  const verifier = createVerifier({ url: server.url, introspectionSecret });
  const org = await server.api<{ id: string }>('POST', '/orgs', { name: 'Org' });
  const application = await server.api<{ id: string }>('POST', '/applications', { name: 'Org app', orgId: org.id });
  const viewer = await server.addUser('viewer@example.com');
  await server.api('PATCH', `/orgs/${org.id}/member`, { userId: viewer.userId, role: 'view' });

  const denied = await verifier.authorize(viewer.token, { applicationId: application.id, action });
  assert.equal(denied.allowed, false);
  assert.equal(denied.reason, 'the view role does not permit device.sendState in this organization');
  assert.equal(denied.introspection?.application?.role, 'view');
  assert.equal((await verifier.authorize(viewer.token, { applicationId: application.id, action: 'device.get' })).allowed, true);
  // The admin (the creator) may.
  assert.equal((await verifier.authorize(server.userToken, { applicationId: application.id, action })).allowed, true);
  // A user who is not a member does not reach it.
  const stranger = await server.addUser('stranger@example.com');
  assert.match((await verifier.authorize(stranger.token, { applicationId: application.id, action })).reason, /does not reach/);
});

test('cache: a second decision within the TTL asks nothing; after the TTL it asks again', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, cacheTtlMs: 500, fetch: counter.fetch });
  const token = await server.createToken(['all.Device']);
  const key = { applicationId: server.applicationId, action } as const;

  assert.equal((await verifier.authorize(token.token, key)).allowed, true);
  assert.equal(counter.calls(), 1);
  assert.equal((await verifier.authorize(token.token, key)).allowed, true);
  // Another action on the same application is decided from the same introspection.
  assert.equal((await verifier.authorize(token.token, { ...key, action: 'device.get' })).allowed, true);
  assert.equal(counter.calls(), 1);
  // verify has its own key.
  await verifier.verify(token.token);
  await verifier.verify(token.token);
  assert.equal(counter.calls(), 2);

  await sleep(600);
  assert.equal((await verifier.authorize(token.token, key)).allowed, true);
  assert.equal(counter.calls(), 3);
  assert.equal(server.introspections(), 3);

  // Negative results are cached too: an unknown (well-formed) token.
  const other = await server.createToken(['all.Device']);
  await server.api('DELETE', `/applications/${server.applicationId}/tokens/${other.id}`);
  assert.equal((await verifier.authorize(other.token, key)).allowed, false);
  assert.equal((await verifier.authorize(other.token, key)).allowed, false);
  assert.equal(counter.calls(), 4);
});

test('revocation: still allowed within the TTL (documented), denied after it', async (t) => {
  const server = await startIntrospectionServer(t);
  const verifier = createVerifier({ url: server.url, introspectionSecret, cacheTtlMs: 500 });
  const token = await server.createToken(['all.Device']);
  const key = { applicationId: server.applicationId, action } as const;

  assert.equal((await verifier.authorize(token.token, key)).allowed, true);
  await server.api('PATCH', `/applications/${server.applicationId}/tokens/${token.id}`, { status: 'inactive' });
  assert.equal((await verifier.authorize(token.token, key)).allowed, true, 'served from the cache within the TTL');
  await sleep(600);
  assert.deepEqual(
    { ...(await verifier.authorize(token.token, key)), introspection: undefined },
    { allowed: false, reason: 'token is not active', introspection: undefined },
  );
});

test('cacheTtlMs 0 caches nothing', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, cacheTtlMs: 0, fetch: counter.fetch });
  const token = await server.createToken(['all.Device']);
  await verifier.verify(token.token);
  await verifier.verify(token.token);
  assert.equal(counter.calls(), 2);
});

test('single-flight: concurrent look-ups of one key share one request', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, fetch: counter.fetch });
  const token = await server.createToken(['all.Device']);

  const results = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token.token)));
  assert.equal(counter.calls(), 1);
  assert.equal(server.introspections(), 1);
  for (const result of results) assert.equal(result.sub, token.id);

  const decisions = await Promise.all(
    Array.from({ length: 10 }, () => verifier.authorize(token.token, { applicationId: server.applicationId, action })),
  );
  assert.equal(counter.calls(), 2);
  assert.ok(decisions.every((d) => d.allowed));
});

test('single-flight holds however the digests of concurrent callers are scheduled', async (t) => {
  const server = await startIntrospectionServer(t);
  const token = await server.createToken(['all.Device']);
  const counter = countingFetch();
  // A failure is not cached, so a caller that missed the shared request sends its own.
  const wrongSecret = createVerifier({ url: server.url, introspectionSecret: 'not the secret', fetch: counter.fetch });
  // The first caller's digest finishes last, long after the others' request is over.
  const subtle = globalThis.crypto.subtle;
  const digest = subtle.digest.bind(subtle);
  let calls = 0;
  t.mock.method(subtle, 'digest', async (...args: Parameters<SubtleCrypto['digest']>) => {
    const slow = calls++ === 0;
    const out = await digest(...args);
    if (slow) await sleep(300);
    return out;
  });
  const settled = await Promise.allSettled(Array.from({ length: 3 }, () => wrongSecret.verify(token.token)));
  assert.ok(settled.every((r) => r.status === 'rejected'));
  assert.equal(counter.calls(), 1);
});

test('failures throw LatchkeyError, are not cached, and never carry the token', async (t) => {
  const server = await startIntrospectionServer(t);
  const token = await server.createToken(['all.Device']);

  const counter = countingFetch();
  const wrongSecret = createVerifier({ url: server.url, introspectionSecret: 'not the secret', fetch: counter.fetch });
  const check = (error: unknown) => {
    assert.ok(error instanceof LatchkeyError);
    assert.equal(error.statusCode, 401);
    assert.equal(error.type, 'Unauthorized');
    assert.ok(!error.message.includes(token.token) && !String(error.stack).includes(token.token));
    return true;
  };
  await assert.rejects(wrongSecret.verify(token.token), check);
  await assert.rejects(wrongSecret.authorize(token.token, { applicationId: server.applicationId, action }), check);
  await assert.rejects(wrongSecret.verify(token.token), check);
  assert.equal(counter.calls(), 3, 'failures are not cached');

  // Concurrent callers of a failing request all see the failure; the next call tries again.
  const failing = await Promise.allSettled(Array.from({ length: 3 }, () => wrongSecret.verify(token.token)));
  assert.ok(failing.every((r) => r.status === 'rejected'));
  assert.equal(counter.calls(), 4);

  const unreachable = createVerifier({ url: 'http://127.0.0.1:1', introspectionSecret });
  await assert.rejects(unreachable.verify(token.token), (error: unknown) => {
    assert.ok(error instanceof LatchkeyNetworkError);
    assert.equal(error.statusCode, 0);
    assert.ok(!error.message.includes(token.token));
    return true;
  });

  // A server answering something else than an introspection.
  const odd = createVerifier({
    url: server.url,
    introspectionSecret,
    fetch: async () => new Response(JSON.stringify({ hello: 'world' }), { status: 200 }),
  });
  await assert.rejects(odd.verify(token.token), (error: unknown) => error instanceof LatchkeyError && error.statusCode === 200);

  // The verifier still works against the right secret after all that.
  const right: Verifier = createVerifier({ url: `${server.url}/`, introspectionSecret });
  assert.equal((await right.verify(token.token)).active, true);
});

test('the cache never outlives the token', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, cacheTtlMs: 60_000, fetch: counter.fetch });
  const expirationDate = new Date(Date.now() + 1500).toISOString();
  const token = await server.api<{ token: string }>('POST', `/applications/${server.applicationId}/tokens`, {
    name: 'brief',
    scope: ['all.Device'],
    expirationDate,
  });
  assert.equal((await verifier.verify(token.token)).active, true);
  await sleep(Date.parse(expirationDate) - Date.now() + 50);
  assert.deepEqual(await verifier.verify(token.token), { active: false });
  assert.equal(counter.calls(), 2);
});

test('maxCacheEntries bounds the cache: the least recently used result is asked again', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, maxCacheEntries: 2, fetch: counter.fetch });
  const [a, b, c] = [
    await server.createToken(['all.Device']),
    await server.createToken(['all.Device']),
    await server.createToken(['all.Device']),
  ];
  await verifier.verify(a.token);
  await verifier.verify(b.token);
  await verifier.verify(a.token);
  assert.equal(counter.calls(), 2, 'both kept');
  await verifier.verify(c.token);
  await verifier.verify(a.token);
  assert.equal(counter.calls(), 3, 'a was used more recently than b, and stays');
  await verifier.verify(b.token);
  assert.equal(counter.calls(), 4, 'b gave way');
});
