// POST /verify: outcome codes in their order, rate limits and credits all or
// nothing, the two introspection secrets.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { generateToken } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { hashToken } from '../src/auth/token-hash.js';
import { openStore } from '../src/storage/open-store.js';
import { storeReads } from '../src/storage/port.js';
import { newToken } from '../src/tokens/api-token-wire.js';
import { newUser } from '../src/users/new-user.js';
import { build, createUser, login, makeApplication, mintToken, type Harness } from './helpers/build.js';

const secret = 'verify-secret-of-the-test-suite';
const previous = 'verify-previous-secret-of-the-test-suite';

async function withVerify(t: TestContext) {
  const h = await build(t, { introspectionSecret: secret, previousIntrospectionSecret: previous });
  const post = (payload: object | string, authorization: string | undefined = `Bearer ${secret}`) =>
    h.app.inject({ method: 'POST', url: '/verify', headers: authorization ? { authorization } : {}, payload });
  const verify = async (payload: Record<string, unknown>) => {
    const res = await post(payload);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const patch = (id: string, payload: object) =>
    h.call(h.userToken, { method: 'PATCH', url: `/applications/${h.applicationId}/tokens/${id}`, payload });
  return { h, post, verify, patch };
}

test('unknown, malformed, deleted, disabled and expired tokens answer {valid: false, code} and nothing more', async (t) => {
  const { h, verify } = await withVerify(t);
  const inactive = await h.createToken({ name: 'off', status: 'inactive' });
  const expiring = await h.createToken({ name: 'brief', expirationDate: new Date(h.clock.now + 1000).toISOString() });
  const deleted = await h.createToken({ name: 'gone' });
  await h.call(h.userToken, { method: 'DELETE', url: `/applications/${h.applicationId}/tokens/${deleted.id}` });
  h.clock.now += 1000;
  for (const token of ['', 'garbage', 'lka_' + 'a'.repeat(49), deleted.token]) {
    assert.deepEqual(await verify({ token }), { valid: false, code: 'NOT_FOUND' }, token);
  }
  assert.deepEqual(await verify({ token: inactive.token }), { valid: false, code: 'DISABLED' });
  assert.deepEqual(await verify({ token: expiring.token }), { valid: false, code: 'EXPIRED' });
  // The order holds: an inactive token past its expiry is DISABLED.
  const both = await h.createToken({ name: 'both', status: 'inactive', expirationDate: new Date(h.clock.now + 1000).toISOString() });
  h.clock.now += 1000;
  assert.deepEqual(await verify({ token: both.token }), { valid: false, code: 'DISABLED' });
});

test('a valid token: its id, owner, scope, expiry and meta, and nothing it does not have', async (t) => {
  const { h, verify } = await withVerify(t);
  const expirationDate = new Date(h.clock.now + 3_600_000).toISOString();
  const meta = { plan: 'pro', tags: ['a', 'b'], nested: { n: 1 } };
  const created = await h.createToken({ name: 'svc', scope: ['all.Device.read'], expirationDate, meta });
  assert.deepEqual(await verify({ token: created.token }), {
    valid: true,
    code: 'VALID',
    tokenId: created.id,
    ownerType: 'application',
    ownerId: h.applicationId,
    scope: ['all.Device.read'],
    expirationDate,
    meta,
  });
  const plain = await h.createToken({ name: 'plain' });
  const answer = await verify({ token: plain.token, applicationId: h.applicationId, action: 'device.get' });
  assert.equal(answer.code, 'VALID');
  for (const absent of ['expirationDate', 'meta', 'credits', 'ratelimits']) assert.equal(answer[absent], undefined, absent);
  // A user token verifies as its user.
  const user = await verify({ token: h.userToken });
  assert.equal(user.ownerType, 'user');
  assert.equal(user.ownerId, h.userId);
});

test('FORBIDDEN when the token does not reach the application, INSUFFICIENT_PERMISSIONS when it lacks the action', async (t) => {
  const { h, verify } = await withVerify(t);
  const other = await makeApplication(h.store, h.userId);
  const reader = await h.createToken({ name: 'reader', scope: ['all.Device.read'] });
  const forbidden = await verify({ token: reader.token, applicationId: other, action: 'device.get' });
  assert.equal(forbidden.valid, false);
  assert.equal(forbidden.code, 'FORBIDDEN');
  assert.equal(forbidden.tokenId, reader.id);
  const lacking = await verify({ token: reader.token, applicationId: h.applicationId, action: 'device.sendState' });
  assert.equal(lacking.valid, false);
  assert.equal(lacking.code, 'INSUFFICIENT_PERMISSIONS');
  assert.equal((await verify({ token: reader.token, applicationId: h.applicationId, action: 'device.get' })).code, 'VALID');
  assert.equal((await verify({ token: reader.token, applicationId: h.applicationId })).code, 'VALID');
  // The same scope algebra as latchkey's own authorization: all.User reaches the user's applications.
  assert.equal((await verify({ token: h.userToken, applicationId: other, action: 'device.sendState' })).code, 'VALID');
  const unknownApplication = 'a'.repeat(24);
  assert.equal((await verify({ token: h.userToken, applicationId: unknownApplication })).code, 'FORBIDDEN');
  // Code order: a token refused before the application is never FORBIDDEN.
  const off = await h.createToken({ name: 'off', status: 'inactive' });
  assert.deepEqual(await verify({ token: off.token, applicationId: other }), { valid: false, code: 'DISABLED' });
});

test("an organization role caps the member's actions as latchkey's own authorization does", async (t) => {
  const { h, verify } = await withVerify(t);
  const org = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } });
  const orgId = org.json().id as string;
  const memberId = await createUser(h.store, 'member@example.com', 'member password');
  const member = await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: memberId, role: 'view' } });
  assert.equal(member.statusCode, 200);
  const app = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org App', orgId } });
  const applicationId = app.json().id as string;
  const session = await login(h, 'member@example.com', 'member password');
  const organizationToken = (await mintToken(h.store, { ownerType: 'user', ownerId: memberId }, { scope: ['all.Organization'] })).token;
  for (const token of [session, organizationToken]) {
    assert.equal((await verify({ token, applicationId, action: 'device.get' })).code, 'VALID');
    // The scope holds device.sendState; the view role does not allow it.
    assert.equal((await verify({ token, applicationId, action: 'device.sendState' })).code, 'INSUFFICIENT_PERMISSIONS');
  }
  // The member does not reach the owner's own application.
  assert.equal((await verify({ token: organizationToken, applicationId: h.applicationId })).code, 'FORBIDDEN');
  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: memberId, role: 'edit' } });
  assert.equal((await verify({ token: organizationToken, applicationId, action: 'device.sendState' })).code, 'VALID');
});

test('malformed bodies answer 400 saying what to fix; without a secret 401', async (t) => {
  const { h, post } = await withVerify(t);
  const cases: Array<[object | string, RegExp]> = [
    [{}, /token/],
    [{ token: h.userToken, cost: -1 }, /cost/],
    [{ token: h.userToken, action: 'device.nothing', applicationId: h.applicationId }, /device\.nothing/],
    [{ token: h.userToken, action: 'device.get' }, /applicationId/],
    [{ token: h.userToken, ratelimits: [{ name: 'a' }, { name: 'a', cost: 2 }] }, /"a" more than once/],
    [{ token: h.userToken, ratelimits: [{ name: 'Not A Name' }] }, /name/],
    [{ token: h.userToken, extra: 1 }, /extra/],
    ['{"token": ', /JSON|body/i],
  ];
  for (const [payload, message] of cases) {
    const res = await post(payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.json().type, 'Validation');
    assert.match(res.json().message, message);
  }
  const refused = await post({ token: h.userToken }, '');
  assert.equal(refused.statusCode, 401);
  assert.deepEqual(Object.keys(refused.json()).sort(), ['message', 'type']);
});

test('both configured introspection secrets are accepted, any other is refused', async (t) => {
  const { h, post } = await withVerify(t);
  assert.equal((await post({ token: h.userToken }, `Bearer ${secret}`)).json().code, 'VALID');
  assert.equal((await post({ token: h.userToken }, `Bearer ${previous}`)).json().code, 'VALID');
  for (const wrong of [`Bearer ${secret}x`, `Bearer third-secret`, `Bearer ${h.userToken}`, secret]) {
    const res = await post({ token: h.userToken }, wrong);
    assert.equal(res.statusCode, 401, wrong);
    assert.equal(res.json().type, 'Unauthorized');
  }
  for (const url of ['/verify', '/introspect']) {
    const res = await h.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${previous}` },
      payload: { token: h.userToken },
    });
    assert.equal(res.statusCode, 200, url);
  }
});

test('without a configured secret /verify does not exist', async (t) => {
  const h = await build(t);
  const res = await h.app.inject({
    method: 'POST',
    url: '/verify',
    headers: { authorization: `Bearer ${secret}` },
    payload: { token: h.userToken },
  });
  assert.equal(res.statusCode, 404);
});

/** The start of the next window of `duration` after `now`. */
const nextWindow = (now: number, duration: number) => (Math.floor(now / duration) + 1) * duration;

test('a rate limit admits its limit per window, reports remaining and reset, and starts again', async (t) => {
  const { h, verify } = await withVerify(t);
  const duration = 60_000;
  h.clock.now = nextWindow(h.clock.now, duration) + 1000;
  const created = await h.createToken({ name: 'limited', ratelimits: [{ name: 'requests', limit: 3, duration }] });
  const reset = nextWindow(h.clock.now, duration);
  for (const remaining of [2, 1, 0]) {
    const answer = await verify({ token: created.token });
    assert.equal(answer.code, 'VALID');
    assert.deepEqual(answer.ratelimits, [{ name: 'requests', limit: 3, duration, remaining, reset }]);
  }
  const limited = await verify({ token: created.token });
  assert.equal(limited.valid, false);
  assert.equal(limited.code, 'RATE_LIMITED');
  assert.deepEqual(limited.ratelimits, [{ name: 'requests', limit: 3, duration, remaining: 0, reset }]);
  // Two windows on, the sliding window has forgotten them.
  h.clock.now += 2 * duration;
  assert.equal((await verify({ token: created.token })).code, 'VALID');
});

test('the sliding window weighs the previous window by how much of it still overlaps', async (t) => {
  const { h, verify } = await withVerify(t);
  const duration = 10_000;
  h.clock.now = nextWindow(h.clock.now, duration);
  const created = await h.createToken({ name: 'sliding', ratelimits: [{ name: 'requests', limit: 10, duration }] });
  for (let i = 0; i < 10; i++) assert.equal((await verify({ token: created.token })).code, 'VALID');
  // A quarter into the next window three quarters of the previous 10 still count: 7 (floored).
  h.clock.now += duration + duration / 4;
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await verify({ token: created.token }));
  assert.deepEqual(
    answers.map((a) => [a.code, a.ratelimits[0].remaining]),
    [
      ['VALID', 2],
      ['VALID', 1],
      ['VALID', 0],
      ['RATE_LIMITED', 0],
    ],
  );
});

test('all or nothing: when one of two limits is exhausted, neither is consumed', async (t) => {
  const { h, verify } = await withVerify(t);
  const duration = 60_000;
  h.clock.now = nextWindow(h.clock.now, duration);
  const created = await h.createToken({
    name: 'two',
    ratelimits: [
      { name: 'wide', limit: 10, duration },
      { name: 'narrow', limit: 2, duration },
    ],
  });
  for (let i = 0; i < 2; i++) assert.equal((await verify({ token: created.token })).code, 'VALID');
  for (let i = 0; i < 3; i++) {
    const refused = await verify({ token: created.token });
    assert.equal(refused.code, 'RATE_LIMITED');
    assert.deepEqual(
      refused.ratelimits.map((r: { name: string; remaining: number }) => [r.name, r.remaining]),
      [
        ['wide', 8],
        ['narrow', 0],
      ],
    );
  }
  // The refusals took nothing from the wide limit: 8 left, as after the two VALID ones.
  const wide = await verify({ token: created.token, ratelimits: [{ name: 'wide' }] });
  assert.equal(wide.code, 'VALID');
  assert.deepEqual(
    wide.ratelimits.map((r: { remaining: number }) => r.remaining),
    [7],
  );
});

test('named limits with their cost; cost 0 checks; autoApply false applies only when named; unknown names apply nothing', async (t) => {
  const { h, verify } = await withVerify(t);
  const duration = 60_000;
  h.clock.now = nextWindow(h.clock.now, duration);
  const created = await h.createToken({
    name: 'costs',
    ratelimits: [
      { name: 'requests', limit: 10, duration },
      { name: 'tokens', limit: 100, duration, autoApply: false },
    ],
  });
  const defaults = await verify({ token: created.token });
  assert.deepEqual(
    defaults.ratelimits.map((r: { name: string; remaining: number }) => [r.name, r.remaining]),
    [['requests', 9]],
  );
  const named = await verify({
    token: created.token,
    ratelimits: [
      { name: 'tokens', cost: 60 },
      { name: 'requests', cost: 2 },
    ],
  });
  assert.deepEqual(
    named.ratelimits.map((r: { name: string; remaining: number }) => [r.name, r.remaining]),
    [
      ['tokens', 40],
      ['requests', 7],
    ],
  );
  // 60 more does not fit in 40: refused, nothing consumed.
  const over = await verify({ token: created.token, ratelimits: [{ name: 'tokens', cost: 60 }] });
  assert.equal(over.code, 'RATE_LIMITED');
  assert.equal(over.ratelimits[0].remaining, 40);
  const check = await verify({ token: created.token, ratelimits: [{ name: 'tokens', cost: 0 }] });
  assert.equal(check.code, 'VALID');
  assert.equal(check.ratelimits[0].remaining, 40);
  const unknown = await verify({ token: created.token, ratelimits: [{ name: 'nope' }] });
  assert.equal(unknown.code, 'VALID');
  assert.deepEqual(unknown.ratelimits, undefined);
  // Used up, a cost 0 check is refused too.
  await verify({ token: created.token, ratelimits: [{ name: 'tokens', cost: 40 }] });
  assert.equal((await verify({ token: created.token, ratelimits: [{ name: 'tokens', cost: 0 }] })).code, 'RATE_LIMITED');
});

test('credits: spent by cost (default 1), USAGE_EXCEEDED when short, cost 0 checks', async (t) => {
  const { h, verify } = await withVerify(t);
  const created = await h.createToken({ name: 'credits', credits: { remaining: 5 } });
  const first = await verify({ token: created.token });
  assert.equal(first.code, 'VALID');
  assert.deepEqual(first.credits, { remaining: 4 });
  assert.deepEqual((await verify({ token: created.token, cost: 3 })).credits, { remaining: 1 });
  const short = await verify({ token: created.token, cost: 2 });
  assert.equal(short.valid, false);
  assert.equal(short.code, 'USAGE_EXCEEDED');
  assert.deepEqual(short.credits, { remaining: 1 });
  const checked = await verify({ token: created.token, cost: 0 });
  assert.equal(checked.code, 'VALID');
  assert.deepEqual(checked.credits, { remaining: 1 });
  assert.deepEqual((await verify({ token: created.token })).credits, { remaining: 0 });
  assert.equal((await verify({ token: created.token, cost: 0 })).code, 'USAGE_EXCEEDED');
  // The balance is the store's: a get of the token shows it.
  const read = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` });
  assert.deepEqual(read.json().credits, { remaining: 0 });
  // Rate limits are checked first: out of both, a token is RATE_LIMITED.
  const both = await h.createToken({ name: 'both', credits: { remaining: 1 }, ratelimits: [{ name: 'r', limit: 1, duration: 60_000 }] });
  assert.equal((await verify({ token: both.token })).code, 'VALID');
  assert.equal((await verify({ token: both.token })).code, 'RATE_LIMITED');
});

test('credits refused give the rate limits back', async (t) => {
  const { h, verify, patch } = await withVerify(t);
  const duration = 60_000;
  h.clock.now = nextWindow(h.clock.now, duration);
  const created = await h.createToken({ name: 'both', credits: { remaining: 1 }, ratelimits: [{ name: 'requests', limit: 5, duration }] });
  const spent = await verify({ token: created.token });
  assert.equal(spent.code, 'VALID');
  assert.equal(spent.ratelimits[0].remaining, 4);
  for (let i = 0; i < 3; i++) {
    const refused = await verify({ token: created.token });
    assert.equal(refused.code, 'USAGE_EXCEEDED');
    assert.deepEqual(refused.credits, { remaining: 0 });
    assert.equal(refused.ratelimits[0].remaining, 4, 'the limit as it stands, its cost given back');
  }
  assert.equal((await patch(created.id, { credits: { remaining: 10 } })).statusCode, 200);
  const again = await verify({ token: created.token });
  assert.equal(again.code, 'VALID');
  assert.deepEqual(again.credits, { remaining: 9 });
  assert.equal(again.ratelimits[0].remaining, 3, 'the three refused verifications consumed nothing');
});

test('credits refill at 00:00 UTC of the due day (injected clock)', async (t) => {
  const { h, verify } = await withVerify(t);
  h.clock.now = Date.UTC(2030, 0, 15, 23, 59, 0);
  const created = await h.createToken({ name: 'daily', credits: { remaining: 1, refill: { amount: 3, interval: 'daily' } } });
  assert.deepEqual((await verify({ token: created.token })).credits, { remaining: 0 });
  assert.equal((await verify({ token: created.token })).code, 'USAGE_EXCEEDED');
  h.clock.now = Date.UTC(2030, 0, 15, 23, 59, 59, 999);
  assert.equal((await verify({ token: created.token })).code, 'USAGE_EXCEEDED');
  h.clock.now = Date.UTC(2030, 0, 16);
  assert.deepEqual((await verify({ token: created.token })).credits, { remaining: 2 });
  // Monthly on the 31st: February refills on its last day.
  h.clock.now = Date.UTC(2030, 1, 27, 12);
  const monthly = await h.createToken({
    name: 'monthly',
    credits: { remaining: 0, refill: { amount: 5, interval: 'monthly', refillDay: 31 } },
  });
  assert.equal((await verify({ token: monthly.token })).code, 'USAGE_EXCEEDED');
  h.clock.now = Date.UTC(2030, 1, 28) - 1;
  assert.equal((await verify({ token: monthly.token })).code, 'USAGE_EXCEEDED');
  h.clock.now = Date.UTC(2030, 1, 28);
  assert.deepEqual((await verify({ token: monthly.token })).credits, { remaining: 4 });
});

async function limitedToken(h: Harness, ratelimits: object[]) {
  return h.createToken({ name: 'own-api', scope: ['all.Application.read'], ratelimits });
}

test("latchkey's own API honours a token's autoApply limits: 429 with Retry-After and RateLimit headers", async (t) => {
  const { h, verify } = await withVerify(t);
  const duration = 60_000;
  h.clock.now = nextWindow(h.clock.now, duration) + 18_000;
  const created = await limitedToken(h, [
    { name: 'requests', limit: 2, duration },
    { name: 'unapplied', limit: 1, duration: 1000, autoApply: false },
  ]);
  const get = () => h.call(created.token, { method: 'GET', url: `/applications/${h.applicationId}` });
  const first = await get();
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['ratelimit-policy'], '"requests";q=2;w=60');
  assert.equal(first.headers['ratelimit'], '"requests";r=1;t=42');
  assert.equal((await get()).headers['ratelimit'], '"requests";r=0;t=42');
  const refused = await get();
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.json().type, 'TooManyRequests');
  assert.match(refused.json().message, /"requests"/);
  assert.equal(refused.headers['ratelimit-policy'], '"requests";q=2;w=60');
  assert.equal(refused.headers['ratelimit'], '"requests";r=0;t=42');
  // The window ends in 42 s; then the 2 of this window still weigh floor(2 * 60/60) = 2 for
  // its first millisecond, and 1 from the next: 43 s.
  assert.equal(refused.headers['retry-after'], '43');
  // The same counters as /verify's.
  assert.equal((await verify({ token: created.token })).code, 'RATE_LIMITED');
  h.clock.now += 42_000;
  assert.equal((await get()).statusCode, 429, 'a second early, still no room');
  // Waiting as told admits again.
  h.clock.now += 1000;
  assert.equal((await get()).statusCode, 200);
  // Tokens without limits get no RateLimit headers.
  const plain = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}` });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers['ratelimit'], undefined);
});

test('verifying a token without credits writes nothing to the store but its lastUsed (at most once a minute)', async (t) => {
  const store = await openStore('sqlite::memory:');
  const writes: string[] = [];
  const reads = new Set<string>(storeReads);
  // The store as the app sees it, every call of a method that is not a read noted.
  const watched = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the store itself: its methods use private fields.
      // enqueueCreditCrossings: the delivery worker's own pass, at start and once a minute,
      // not a verification's (and with no crossing recorded it changes nothing).
      if (typeof name !== 'string' || reads.has(name) || name === 'enqueueCreditCrossings') {
        return (value as (...a: unknown[]) => unknown).bind(target);
      }
      return (...args: unknown[]) => {
        writes.push(name);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const clock = { now: Date.now() };
  const app = await buildApp({ store: watched, now: () => clock.now, introspectionSecret: secret });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const user = await newUser({ email: 'w@example.com', password: 'correct horse battery', at: clock.now });
  await store.createUser(user);
  const applicationId = await makeApplication(store, user.id);
  const limited = generateToken('application');
  await store.createToken(
    newToken(
      { name: 'limited', ratelimits: [{ name: 'requests', limit: 1000, duration: 60_000, autoApply: true }] },
      {
        owner: { ownerType: 'application', ownerId: applicationId },
        creator: { creatorType: 'user', creatorId: user.id, creatorName: 'test' },
        scope: ['all.Application'],
        at: clock.now,
        hash: hashToken(limited),
      },
    ),
  );
  const verify = async (payload: object) =>
    (await app.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${secret}` }, payload })).json();
  for (let i = 0; i < 50; i++) {
    assert.equal((await verify({ token: limited })).code, 'VALID');
    assert.equal((await verify({ token: limited, applicationId, action: 'device.get' })).code, 'VALID');
    assert.equal((await verify({ token: generateToken('application') })).code, 'NOT_FOUND');
  }
  assert.deepEqual(writes, ['touchToken']);
  clock.now += 60_000;
  await verify({ token: limited });
  assert.deepEqual(writes, ['touchToken', 'touchToken']);
});
