// The verifier against a live latchkey: /verify answers and their fallback to
// /introspect, decisions with the server's scope algebra, caching, revocation
// through the events stream (and within the TTL without it), a lost stream,
// single-flight, failures and usage reports.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionScope } from '@latchkey/contract';
import { createVerifier, LatchkeyError, LatchkeyNetworkError, type Verifier, type VerifierOptions } from '../src/index.js';
import { startProxy } from '../../server/test/helpers/tcp-proxy.js';
import { countingFetch, introspectionSecret, servesVerify, sleep, startIntrospectionServer } from './introspection-server.js';

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
  assert.deepEqual(await verifier.verify('garbage'), { valid: false, code: 'NOT_FOUND' });
  assert.equal(counter.calls(), before);
  await verifier.close();
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

/** A verifier closed when the test ends. */
function verifierFor(t: TestContext, options: VerifierOptions): Verifier {
  const verifier = createVerifier(options);
  t.after(() => verifier.close());
  return verifier;
}

test('verify: the /verify answer of a token, with outcome codes', async (t) => {
  const server = await startIntrospectionServer(t);
  const verifier = verifierFor(t, { url: server.url, introspectionSecret });
  const { applicationId } = server;
  const token = await server.createToken(['device.*', 'all.Device.read']);
  const answer = await verifier.verify(token.token);
  assert.equal(answer.valid, true);
  assert.equal(answer.code, 'VALID');
  assert.equal(answer.tokenId, token.id);
  assert.equal(answer.ownerType, 'application');
  assert.equal(answer.ownerId, applicationId);
  assert.deepEqual(answer.scope, ['device.*', 'all.Device.read']);
  assert.equal(answer.ratelimits, undefined);
  assert.equal(answer.credits, undefined);

  assert.equal((await verifier.verify(token.token, { applicationId, action })).code, 'VALID');
  assert.equal((await verifier.verify(token.token, { applicationId, action: 'device.delete' })).code, 'VALID');
  assert.equal((await verifier.verify(token.token, { applicationId, action: 'application.patch' })).code, 'INSUFFICIENT_PERMISSIONS');
  const other = await server.api<{ id: string }>('POST', '/applications', { name: 'Other' });
  const elsewhere = await verifier.verify(token.token, { applicationId: other.id, action });
  assert.deepEqual([elsewhere.valid, elsewhere.code, elsewhere.tokenId], [false, 'FORBIDDEN', token.id]);
  // No application has a malformed id: the token is checked alone, nothing consumed.
  assert.deepEqual(
    [
      (await verifier.verify(token.token, { applicationId: '../admin', action })).code,
      (await verifier.verify('garbage', { applicationId: '../admin' })).code,
    ],
    ['FORBIDDEN', 'NOT_FOUND'],
  );

  assert.deepEqual(await verifier.verify('lka_garbage'), { valid: false, code: 'NOT_FOUND' });
  const inactive = await server.createToken(['all.Device']);
  await server.api('PATCH', `/applications/${applicationId}/tokens/${inactive.id}`, { status: 'inactive' });
  // A server without /verify cannot say why a token is not active.
  assert.deepEqual(await verifier.verify(inactive.token), {
    valid: false,
    code: (await servesVerify(server.url)) ? 'DISABLED' : 'NOT_FOUND',
  });

  // Answers are frozen: nothing a caller does changes what the cache serves.
  assert.throws(() => answer.scope!.push('all.Application'), TypeError);
  assert.throws(() => Object.assign(answer, { valid: false }), TypeError);
  assert.deepEqual((await verifier.verify(token.token)).scope, ['device.*', 'all.Device.read']);
});

test('against a server without POST /verify, verify asks /introspect and decides with the same algebra', async (t) => {
  const server = await startIntrospectionServer(t);
  const asked: string[] = [];
  // This server serves /verify once merged: send the verifier's /verify to a path it does not serve, as an older latchkey's 404.
  const olderServer: typeof fetch = (input, init) => {
    const url = String(input).replace(/\/verify$/, '/verify-not-served-here');
    asked.push(new URL(url).pathname);
    return fetch(url, init);
  };
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, fetch: olderServer, subscribe: false });
  const { applicationId } = server;
  const token = await server.createToken(['all.Device.read']);
  const answer = await verifier.verify(token.token, { applicationId, action: 'device.get', cost: 5 });
  assert.deepEqual(
    { ...answer, scope: answer.scope },
    { valid: true, code: 'VALID', tokenId: token.id, ownerType: 'application', ownerId: applicationId, scope: ['all.Device.read'] },
  );
  assert.deepEqual(asked, ['/verify-not-served-here', '/introspect']);
  assert.equal((await verifier.verify(token.token, { applicationId, action })).code, 'INSUFFICIENT_PERMISSIONS');
  const other = await server.api<{ id: string }>('POST', '/applications', { name: 'Other' });
  assert.equal((await verifier.verify(token.token, { applicationId: other.id, action: 'device.get' })).code, 'FORBIDDEN');
  assert.deepEqual(await verifier.verify(`${token.token.slice(0, -1)}${token.token.endsWith('x') ? 'y' : 'x'}`), {
    valid: false,
    code: 'NOT_FOUND',
  });
  // The 404 is remembered: later verifications go straight to /introspect.
  assert.equal(asked.filter((path) => path === '/verify-not-served-here').length, 1);
});

test('cache: answers without limits are kept; a second verification within the TTL asks nothing', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, cacheTtlMs: 500, subscribe: false, fetch: counter.fetch });
  const token = await server.createToken(['all.Device']);
  const key = { applicationId: server.applicationId, action } as const;

  assert.equal((await verifier.verify(token.token, key)).code, 'VALID');
  assert.equal((await verifier.verify(token.token, key)).code, 'VALID');
  assert.equal(counter.calls(), 1);
  // Another action is another question.
  await verifier.verify(token.token, { ...key, action: 'device.get' });
  assert.equal(counter.calls(), 2);
  // authorize keeps its own introspections.
  assert.equal((await verifier.authorize(token.token, key)).allowed, true);
  assert.equal((await verifier.authorize(token.token, { ...key, action: 'device.get' })).allowed, true);
  assert.equal(counter.calls(), 3);

  await sleep(600);
  assert.equal((await verifier.verify(token.token, key)).code, 'VALID');
  assert.equal(counter.calls(), 4);

  // Without the events stream a revoked token is accepted until the TTL ends (documented).
  await server.api('PATCH', `/applications/${server.applicationId}/tokens/${token.id}`, { status: 'inactive' });
  assert.equal((await verifier.verify(token.token, key)).valid, true, 'served from the cache within the TTL');
  await sleep(600);
  assert.equal((await verifier.verify(token.token, key)).valid, false);
});

test("cache: the client's address is part of the question, so a token with allowedCidrs is never VALID from outside them", async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, cacheTtlMs: 5_000, subscribe: false, fetch: counter.fetch });
  const token = await server.api<{ id: string; token: string }>('POST', `/applications/${server.applicationId}/tokens`, {
    name: 'office only',
    allowedCidrs: ['198.51.100.0/24'],
  });
  const key = { applicationId: server.applicationId, action } as const;
  assert.equal((await verifier.verify(token.token, { ...key, ip: '198.51.100.7' })).code, 'VALID');
  assert.equal((await verifier.verify(token.token, { ...key, ip: '198.51.100.7' })).code, 'VALID');
  assert.equal(counter.calls(), 1, 'the same address: from the cache');
  const outside = await verifier.verify(token.token, { ...key, ip: '203.0.113.9' });
  assert.deepEqual([outside.code, outside.reason], ['FORBIDDEN', 'ip']);
  const unknown = await verifier.verify(token.token, key);
  assert.deepEqual([unknown.code, unknown.reason], ['FORBIDDEN', 'ip'], 'no address: it cannot be proved');
  // A malformed application id is checked alone: the address still decides.
  const nowhere = await verifier.verify(token.token, { applicationId: 'not-an-id', ip: '203.0.113.9' });
  assert.deepEqual([nowhere.code, nowhere.reason], ['FORBIDDEN', 'ip']);
  // authorize (through /introspect) asks with the address too, and keeps each answer under it.
  assert.equal((await verifier.authorize(token.token, { ...key, ip: '198.51.100.7' })).allowed, true);
  assert.equal((await verifier.authorize(token.token, { ...key, ip: '203.0.113.9' })).allowed, false);
  assert.equal((await verifier.authorize(token.token, key)).allowed, false);
});

test('subscribed: a token deactivated or deleted is dropped from the cache at once, not after the TTL', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  // A TTL far beyond the test: only the events stream can explain a fresh answer.
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, cacheTtlMs: 60_000, fetch: counter.fetch });
  await verifier.ready();
  const key = { applicationId: server.applicationId, action } as const;
  const deactivated = await server.createToken(['all.Device']);
  const deleted = await server.createToken(['all.Device']);
  const bystander = await server.createToken(['all.Device']);
  for (const token of [deactivated, deleted, bystander]) assert.equal((await verifier.verify(token.token, key)).code, 'VALID');
  for (const token of [deactivated, deleted, bystander]) await verifier.verify(token.token, key);
  assert.equal(counter.calls(), 3, 'kept');

  await server.api('PATCH', `/applications/${server.applicationId}/tokens/${deactivated.id}`, { status: 'inactive' });
  await server.api('DELETE', `/applications/${server.applicationId}/tokens/${deleted.id}`);
  assert.equal(await untilInvalid(() => verifier.verify(deactivated.token, key)), false);
  assert.equal(await untilInvalid(() => verifier.verify(deleted.token, key)), false);
  const before = counter.calls();
  assert.equal((await verifier.verify(bystander.token, key)).valid, true);
  assert.equal(counter.calls(), before, 'a change to another token keeps this one cached');

  // Re-activated: a cached negative answer says nothing of whose it is, and goes with any change.
  assert.equal((await verifier.verify(deactivated.token, key)).valid, false);
  await server.api('PATCH', `/applications/${server.applicationId}/tokens/${deactivated.id}`, { status: 'active' });
  assert.equal(await untilValid(() => verifier.verify(deactivated.token, key)), true);
});

test('a lost events stream: the cache serves for cacheTtlMs, then every verification asks latchkey until it is back', async (t) => {
  const server = await startIntrospectionServer(t);
  const target = new URL(server.url);
  const proxy = await startProxy(target.hostname, Number(target.port));
  t.after(() => proxy.close());
  const errors: unknown[] = [];
  const verifier = verifierFor(t, {
    url: `http://127.0.0.1:${proxy.port}`,
    introspectionSecret,
    cacheTtlMs: 1_000,
    reconnect: { minMs: 20, maxMs: 50 },
    onError: (error) => errors.push(error),
  });
  await verifier.ready();
  const token = await server.createToken(['all.Device']);
  assert.equal((await verifier.verify(token.token)).code, 'VALID');

  proxy.cut();
  // Lost a moment ago: still within cacheTtlMs.
  assert.equal((await verifier.verify(token.token)).code, 'VALID');
  await sleep(1_200);
  await assert.rejects(verifier.verify(token.token), LatchkeyNetworkError, 'the cache is not served: latchkey is asked');
  assert.ok(errors.length > 0, 'the lost stream is reported to onError');

  proxy.restore();
  await untilAnswered(() => verifier.verify(token.token));
  assert.equal((await verifier.verify(token.token)).code, 'VALID');
});

test('cacheTtlMs 0 caches nothing', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, cacheTtlMs: 0, fetch: counter.fetch });
  const token = await server.createToken(['all.Device']);
  await verifier.verify(token.token);
  await verifier.verify(token.token);
  assert.equal(counter.calls(), 2);
});

test('single-flight: concurrent look-ups of one key share one request', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, fetch: counter.fetch });
  await verifier.ready();
  const token = await server.createToken(['all.Device']);

  const results = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token.token)));
  assert.equal(counter.calls(), 1);
  for (const result of results) assert.equal(result.tokenId, token.id);

  const decisions = await Promise.all(
    Array.from({ length: 10 }, () => verifier.authorize(token.token, { applicationId: server.applicationId, action })),
  );
  assert.equal(counter.calls(), 2);
  assert.equal(server.introspections() <= 2, true);
  assert.ok(decisions.every((d) => d.allowed));
});

test('single-flight: concurrent verifications of one token share one failing request too', async (t) => {
  const server = await startIntrospectionServer(t);
  const token = await server.createToken(['all.Device']);
  const counter = countingFetch();
  // A failure is not cached: only callers that joined the request see it.
  const wrongSecret = verifierFor(t, { url: server.url, introspectionSecret: 'not the secret', fetch: counter.fetch, subscribe: false });
  const settled = await Promise.allSettled(Array.from({ length: 3 }, () => wrongSecret.verify(token.token)));
  assert.ok(settled.every((r) => r.status === 'rejected'));
  assert.equal(counter.calls(), 1);
});

test('failures throw LatchkeyError, are not cached, and never carry the token', async (t) => {
  const server = await startIntrospectionServer(t);
  const token = await server.createToken(['all.Device']);

  const counter = countingFetch();
  const wrongSecret = verifierFor(t, { url: server.url, introspectionSecret: 'not the secret', fetch: counter.fetch });
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

  const unreachable = verifierFor(t, { url: 'http://127.0.0.1:1', introspectionSecret });
  await assert.rejects(unreachable.verify(token.token), (error: unknown) => {
    assert.ok(error instanceof LatchkeyNetworkError);
    assert.equal(error.statusCode, 0);
    assert.ok(!error.message.includes(token.token));
    return true;
  });

  // A server answering something else than a verification.
  const odd = verifierFor(t, {
    url: server.url,
    introspectionSecret,
    subscribe: false,
    fetch: async () => new Response(JSON.stringify({ hello: 'world' }), { status: 200 }),
  });
  await assert.rejects(odd.verify(token.token), (error: unknown) => error instanceof LatchkeyError && error.statusCode === 200);

  // The verifier still works against the right secret after all that.
  const right = verifierFor(t, { url: `${server.url}/`, introspectionSecret });
  assert.equal((await right.verify(token.token)).valid, true);
});

test('the cache never outlives the token', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, cacheTtlMs: 60_000, fetch: counter.fetch });
  await verifier.ready();
  const expirationDate = new Date(Date.now() + 1500).toISOString();
  const token = await server.api<{ token: string }>('POST', `/applications/${server.applicationId}/tokens`, {
    name: 'brief',
    scope: ['all.Device'],
    expirationDate,
  });
  assert.equal((await verifier.verify(token.token)).valid, true);
  await sleep(Date.parse(expirationDate) - Date.now() + 50);
  assert.equal((await verifier.verify(token.token)).valid, false);
  assert.equal(counter.calls(), 2);
});

test('a secret a rotation replaced: deprecated passed through, counted apart, never cached past its grace period', async (t) => {
  const server = await startIntrospectionServer(t);
  if (!(await servesVerify(server.url))) return t.skip('this server has no POST /verify yet');
  const counter = countingFetch();
  const reports: Array<{ usage: Array<{ tokenId: string; code: string; count: number }> }> = [];
  const recording: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/verify/usage')) reports.push(JSON.parse(String(init?.body)));
    return counter.fetch(input, init);
  };
  const token = await server.createToken(['all.Device']);
  const rotated = await server.api<{ token: string; previousSecretExpiresAt: string }>(
    'POST',
    `/applications/${server.applicationId}/tokens/${token.id}/rotate`,
    { gracePeriod: 2 },
  );
  // Subscribed after the rotation, so its event cannot empty the cache mid-test.
  const verifier = createVerifier({ url: server.url, introspectionSecret, cacheTtlMs: 60_000, usageReportIntervalMs: 0, fetch: recording });
  t.after(() => verifier.close());
  await verifier.ready();
  const old = await verifier.verify(token.token);
  assert.deepEqual([old.valid, old.code, old.deprecated, old.tokenId], [true, 'VALID', true, token.id]);
  assert.equal(old.expirationDate, rotated.previousSecretExpiresAt, 'its expiry is the end of its grace period');
  const fresh = await verifier.verify(rotated.token);
  assert.deepEqual([fresh.valid, fresh.deprecated], [true, undefined]);
  await verifier.verify(token.token);
  await verifier.verify(token.token);
  await verifier.verify(rotated.token);
  assert.equal(counter.calls(), 2, 'both answers kept');
  await sleep(Date.parse(rotated.previousSecretExpiresAt) - Date.now() + 50);
  assert.deepEqual(await verifier.verify(token.token), { valid: false, code: 'NOT_FOUND' }, 'asked again once the grace period ended');
  assert.equal(counter.calls(), 3);
  await verifier.close();
  const counted = reports.flatMap((r) => r.usage).map(({ code, count }) => [code, count]);
  assert.deepEqual(
    counted.toSorted(),
    [
      ['VALID', 1],
      ['VALID_DEPRECATED', 2],
    ],
    'cached answers reported under the codes the server counts its own by',
  );
});

test('against a server without POST /verify, a replaced secret is still said to be deprecated', async (t) => {
  const server = await startIntrospectionServer(t);
  const olderServer: typeof fetch = (input, init) => fetch(String(input).replace(/\/verify$/, '/verify-not-served-here'), init);
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, fetch: olderServer, subscribe: false });
  const token = await server.createToken(['all.Device']);
  await server.api('POST', `/applications/${server.applicationId}/tokens/${token.id}/rotate`, { gracePeriod: 60 });
  const answer = await verifier.verify(token.token);
  assert.deepEqual([answer.valid, answer.code, answer.deprecated], [true, 'VALID', true]);
});

test('maxCacheEntries bounds the cache: the least recently used result is asked again', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = verifierFor(t, { url: server.url, introspectionSecret, maxCacheEntries: 2, fetch: counter.fetch });
  await verifier.ready();
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

test('verifications answered from the cache are reported to POST /verify/usage, in batches and on close', async (t) => {
  const server = await startIntrospectionServer(t);
  if (!(await servesVerify(server.url))) return t.skip('this server has no POST /verify (nor /verify/usage) yet');
  const reports: unknown[] = [];
  const recording: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/verify/usage')) reports.push(JSON.parse(String(init?.body)));
    return fetch(input, init);
  };
  const verifier = createVerifier({ url: server.url, introspectionSecret, usageReportIntervalMs: 0, fetch: recording });
  await verifier.ready();
  const token = await server.createToken(['all.Device']);
  for (let i = 0; i < 5; i++) await verifier.verify(token.token);
  await verifier.close();
  assert.equal(reports.length, 1);
  const [report] = reports as Array<{ usage: Array<{ tokenId: string; code: string; count: number; time: string }> }>;
  assert.deepEqual(
    report!.usage.map(({ tokenId, code, count }) => ({ tokenId, code, count })),
    [{ tokenId: token.id, code: 'VALID', count: 4 }],
  );
  assert.equal(new Date(report!.usage[0]!.time).getUTCSeconds(), 0, 'counted per minute');
});

/** Repeats the verification until it is no longer valid, for at most 2 s; the last validity seen. */
async function untilInvalid(verify: () => Promise<{ valid: boolean }>): Promise<boolean> {
  const deadline = Date.now() + 2_000;
  let valid = true;
  while (Date.now() < deadline && (valid = (await verify()).valid)) await sleep(5);
  return valid;
}

async function untilValid(verify: () => Promise<{ valid: boolean }>): Promise<boolean> {
  const deadline = Date.now() + 2_000;
  let valid = false;
  while (Date.now() < deadline && !(valid = (await verify()).valid)) await sleep(5);
  return valid;
}

/** Repeats until the verification answers (latchkey reachable again), for at most 5 s. */
async function untilAnswered(verify: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await verify();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}
