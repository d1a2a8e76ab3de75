// A token with rate limits or credits cannot grant looser ones: on create, on
// re-activation and on a patch of limits, 403 naming the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type Harness } from './helpers/build.js';

const requests = { name: 'requests', limit: 100, duration: 60_000 };

/** A creator token (application tokens' create and patch scopes) with these limits, made by the user. */
async function creator(h: Harness, limits: object) {
  return h.createToken({ name: 'creator', scope: ['applicationApiTokens.*', 'applicationApiToken.*', 'device.*'], ...limits });
}

const post = (h: Harness, token: string, payload: object) =>
  h.call(token, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload: { scope: ['device.*'], ...payload } });
const patch = (h: Harness, token: string, id: string, payload: object) =>
  h.call(token, { method: 'PATCH', url: `/applications/${h.applicationId}/tokens/${id}`, payload });

function assertRefused(res: { statusCode: number; json(): { type: string; message: string } }, message: RegExp): void {
  assert.equal(res.statusCode, 403, JSON.stringify(res.json()));
  assert.equal(res.json().type, 'Forbidden');
  assert.match(res.json().message, message);
}

test('a rate-limited token may grant only limits of the same name that allow no more, as burst and as rate', async (t) => {
  const h = await build(t);
  const { token } = await creator(h, { ratelimits: [requests] });
  for (const ratelimits of [
    [requests],
    [{ ...requests, limit: 50 }],
    [{ ...requests, duration: 120_000 }],
    [{ ...requests, limit: 1, duration: 1_000 }], // 60 a minute
    [requests, { name: 'extra', limit: 1_000_000, duration: 1_000 }], // a limit of its own only restricts
  ]) {
    const res = await post(h, token, { name: 'child', ratelimits });
    assert.equal(res.statusCode, 201, `${JSON.stringify(ratelimits)} -> ${res.body}`);
  }
  assertRefused(await post(h, token, { name: 'c' }), /^Cannot grant a token without ratelimit "requests": the caller is limited by it/);
  assertRefused(await post(h, token, { name: 'c', ratelimits: [{ name: 'other', limit: 1, duration: 1_000 }] }), /"requests"/);
  assertRefused(
    await post(h, token, { name: 'c', ratelimits: [{ ...requests, limit: 101 }] }),
    /^Cannot grant ratelimit "requests" of 101 per 60000 ms: it allows more than the caller's own 100 per 60000 ms/,
  );
  // The same burst over a longer window is fine; a bigger one is not, whatever the rate.
  assertRefused(await post(h, token, { name: 'c', ratelimits: [{ ...requests, limit: 150, duration: 600_000 }] }), /"requests" of 150/);
  // Within the burst, but faster: 2 a second is 120 a minute.
  assertRefused(await post(h, token, { name: 'c', ratelimits: [{ ...requests, limit: 2, duration: 1_000 }] }), /"requests" of 2 per 1000/);
  assertRefused(await post(h, token, { name: 'c', ratelimits: [{ ...requests, autoApply: false }] }), /autoApply false/);
});

test('exact at the largest bounds, where limit times duration exceeds 2^53', async (t) => {
  const h = await build(t);
  const own = { name: 'big', limit: 999_999_999, duration: 2_592_000_000 };
  const { token } = await creator(h, { ratelimits: [own] });
  assert.equal((await post(h, token, { name: 'same', ratelimits: [own] })).statusCode, 201);
  // One more millisecond-rate than own: (limit) / (duration - 1) is a higher rate.
  assertRefused(await post(h, token, { name: 'faster', ratelimits: [{ ...own, duration: own.duration - 1 }] }), /"big"/);
});

test('a token with credits grants only credits within its current balance, and no looser refill', async (t) => {
  const h = await build(t);
  const { token, id } = await creator(h, { credits: { remaining: 50, refill: { amount: 80, interval: 'monthly' } } });
  assert.equal((await post(h, token, { name: 'all of it', credits: { remaining: 50 } })).statusCode, 201);
  assert.equal(
    (await post(h, token, { name: 'refilled', credits: { remaining: 1, refill: { amount: 80, interval: 'monthly', refillDay: 15 } } }))
      .statusCode,
    201,
  );
  assertRefused(await post(h, token, { name: 'c' }), /^Cannot grant unlimited credits: the caller has credits \(50 remaining\)/);
  assertRefused(await post(h, token, { name: 'c', credits: null }), /unlimited credits/);
  assertRefused(
    await post(h, token, { name: 'c', credits: { remaining: 51 } }),
    /^Cannot grant credits\.remaining 51: it exceeds the caller's own remaining credits \(50\)/,
  );
  assertRefused(
    await post(h, token, { name: 'c', credits: { remaining: 1, refill: { amount: 81, interval: 'monthly' } } }),
    /credits\.refill\.amount 81/,
  );
  assertRefused(
    await post(h, token, { name: 'c', credits: { remaining: 1, refill: { amount: 1, interval: 'daily' } } }),
    /daily credits refill: the caller's own credits refill monthly/,
  );
  // What was spent counts at once, though the verification cache still holds the old balance.
  const spent = await h.store.spendCredits({ id, cost: 45, refillSince: null, at: h.clock.now });
  assert.deepEqual(spent, { spent: true, remaining: 5, crossed: true });
  assertRefused(await post(h, token, { name: 'c', credits: { remaining: 6 } }), /remaining credits \(5\)/);
  assert.equal((await post(h, token, { name: 'c', credits: { remaining: 5 } })).statusCode, 201);
});

test('a token whose credits do not refill cannot grant a refill', async (t) => {
  const h = await build(t);
  const { token } = await creator(h, { credits: { remaining: 10 } });
  assertRefused(
    await post(h, token, { name: 'c', credits: { remaining: 1, refill: { amount: 1, interval: 'monthly' } } }),
    /^Cannot grant a credits refill: the caller's own credits do not refill/,
  );
});

test('a patch cannot lift a limit above the caller’s, nor re-activate a token beyond them', async (t) => {
  const h = await build(t);
  const { token } = await creator(h, { ratelimits: [requests], credits: { remaining: 20 } });
  const child = await post(h, token, { name: 'child', ratelimits: [{ ...requests, limit: 10 }], credits: { remaining: 5 } });
  assert.equal(child.statusCode, 201);
  const childId = child.json().id as string;
  assert.equal((await patch(h, token, childId, { ratelimits: [requests], credits: { remaining: 20 } })).statusCode, 200);
  assertRefused(await patch(h, token, childId, { ratelimits: [] }), /without ratelimit "requests"/);
  assertRefused(await patch(h, token, childId, { ratelimits: [{ ...requests, limit: 1000 }] }), /"requests" of 1000/);
  assertRefused(await patch(h, token, childId, { credits: { remaining: 21 } }), /credits\.remaining 21/);
  assertRefused(await patch(h, token, childId, { credits: null }), /unlimited credits/);
  // Nothing else about the token is held to its creator's limits: a rename passes.
  assert.equal((await patch(h, token, childId, { name: 'renamed' })).statusCode, 200);

  // A token the user made without limits, set inactive: the limited creator may not re-activate it.
  const loose = await h.createToken({ name: 'loose', scope: ['device.*'], status: 'inactive' });
  assertRefused(await patch(h, token, loose.id, { status: 'active' }), /without ratelimit "requests"/);
  assert.equal((await patch(h, token, loose.id, { status: 'active', ratelimits: [requests], credits: { remaining: 1 } })).statusCode, 200);
  const read = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${loose.id}` });
  assert.equal(read.json().status, 'active');
});

test('a token without limits grants any limits, and the limited token’s own user is not bound by it', async (t) => {
  const h = await build(t);
  await creator(h, { ratelimits: [requests], credits: { remaining: 1 } });
  const free = await creator(h, {});
  const res = await post(h, free.token, {
    name: 'c',
    ratelimits: [{ ...requests, limit: 1_000_000_000 }],
    credits: { remaining: 10 ** 12 },
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((await post(h, h.userToken, { name: 'u', credits: null })).statusCode, 201);
});

test('a user token with limits bounds the user tokens it creates', async (t) => {
  const h = await build(t);
  const limited = await h.call(h.userToken, {
    method: 'POST',
    url: '/me/tokens',
    payload: { name: 'limited', scope: ['all.User'], ratelimits: [requests] },
  });
  assert.equal(limited.statusCode, 201);
  const res = await h.call(limited.json().token, { method: 'POST', url: '/me/tokens', payload: { name: 'child', scope: ['all.User'] } });
  assertRefused(res, /without ratelimit "requests"/);
});
