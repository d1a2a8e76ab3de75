// The Redis rate limiter's semantics: the sliding window of docs/ARCHITECTURE.md,
// exact at the bounds, all or nothing over several limits, shared exactly by two
// limiters (two nodes), and the arithmetic both limiters use.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import fc from 'fast-check';
import type { LimitRequest } from '../src/limits/rate-limiter.js';
import { RedisRateLimiter } from '../src/limits/redis-rate-limiter.js';
import { mulDivFloor, retryAfterMs, usedNow } from '../src/limits/sliding-window.js';
import { freshPrefix, keysUnder, redisSkipReason, redisUrl } from './helpers/redis.js';

// 2026-01-01T00:00:00Z: aligned to every duration used here.
const base = 1_767_225_600_000;
const minute = 60_000;

async function skip(t: TestContext): Promise<boolean> {
  const reason = await redisSkipReason();
  if (reason) t.skip(reason);
  return reason !== undefined;
}

async function limiter(t: TestContext, prefix = freshPrefix(t)): Promise<RedisRateLimiter> {
  const rateLimiter = new RedisRateLimiter({ url: redisUrl, onError: 'deny', keyPrefix: prefix });
  t.after(() => rateLimiter.close());
  rateLimiter.connect();
  await rateLimiter.ready();
  return rateLimiter;
}

const limit = (name: string, limitValue: number, duration: number, cost = 1, tokenId = 'a'.repeat(24)): LimitRequest => ({
  tokenId,
  name,
  limit: limitValue,
  duration,
  cost,
});

test('mulDivFloor is exact where doubles round (counts up to 10^9 times durations up to 30 days)', () => {
  const d = 2_592_000_000;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: d }), (a, b) => {
      assert.equal(mulDivFloor(a, b, d), Number((BigInt(a) * BigInt(b)) / BigInt(d)));
    }),
    { numRuns: 2_000 },
  );
  assert.equal(mulDivFloor(999_999_999, d - 1, d), Number((999_999_999n * BigInt(d - 1)) / BigInt(d)));
});

test('the previous window weighs by the part of it the sliding window still covers', async (t) => {
  if (await skip(t)) return;
  const rl = await limiter(t);
  const requests = [limit('requests', 10, minute, 10)];
  const first = await rl.apply(requests, base + 1_000);
  assert.deepEqual(first, {
    allowed: true,
    states: [{ name: 'requests', limit: 10, duration: minute, remaining: 0, reset: base + minute }],
  });
  const refused = await rl.apply([limit('requests', 10, minute)], base + 2_000);
  assert.equal(refused.allowed, false);
  assert.equal(refused.states[0]!.remaining, 0);

  // Half-way through the next window, half of the previous one's 10 still counts.
  const half = await rl.apply([limit('requests', 10, minute)], base + minute + 30_000);
  assert.deepEqual(half.states, [{ name: 'requests', limit: 10, duration: minute, remaining: 4, reset: base + 2 * minute }]);
  // Two windows on, nothing of the first counts, and of the last 1 ms of the previous
  // window's 1 nothing is left.
  const later = await rl.apply([limit('requests', 10, minute)], base + 2 * minute + 59_999);
  assert.equal(later.states[0]!.remaining, 9);
});

test('all or nothing: a limit that refuses keeps every other limit unconsumed', async (t) => {
  if (await skip(t)) return;
  const rl = await limiter(t);
  const both = [limit('requests', 5, minute), limit('burst', 1, 1_000)];
  assert.equal((await rl.apply(both, base)).allowed, true);
  const refused = await rl.apply(both, base + 10);
  assert.equal(refused.allowed, false);
  assert.deepEqual(
    refused.states.map((s) => s.remaining),
    [4, 0],
  );
  // 'requests' was not consumed by the refusal: it still has 4, and gives one now.
  const alone = await rl.apply([limit('requests', 5, minute)], base + 20);
  assert.deepEqual(
    alone.states.map((s) => s.remaining),
    [3],
  );
});

test('cost 0 checks without consuming, and is refused once the limit is used up', async (t) => {
  if (await skip(t)) return;
  const rl = await limiter(t);
  for (let i = 0; i < 3; i++) {
    const check = await rl.apply([limit('requests', 2, minute, 0)], base + i);
    assert.equal(check.allowed, true);
    assert.equal(check.states[0]!.remaining, 2);
  }
  assert.equal((await rl.apply([limit('requests', 2, minute, 2)], base + 5)).allowed, true);
  assert.equal((await rl.apply([limit('requests', 2, minute, 0)], base + 6)).allowed, false);
});

test('refund gives back what an allowed apply consumed', async (t) => {
  if (await skip(t)) return;
  const rl = await limiter(t);
  const requests = [limit('requests', 3, minute, 2), limit('other', 10, minute, 0)];
  assert.equal((await rl.apply(requests, base)).allowed, true);
  await rl.refund(requests, base);
  const after = await rl.apply([limit('requests', 3, minute, 3)], base + 1);
  assert.equal(after.allowed, true);
  assert.equal(after.states[0]!.remaining, 0);
});

test('retryAfterMs is the first moment the refused request fits, within the window and in the next', async (t) => {
  if (await skip(t)) return;
  const cases = [
    // Previous window full, current empty: fits as the previous one fades.
    { setup: [{ at: base + 100, cost: 10 }], refusedAt: base + minute + 100, cost: 3 },
    // Current window full: only the next window, once this one has faded enough.
    { setup: [{ at: base + 100, cost: 10 }], refusedAt: base + 20_000, cost: 3 },
    // Both windows hold some.
    {
      setup: [
        { at: base + 100, cost: 6 },
        { at: base + minute + 100, cost: 3 },
      ],
      refusedAt: base + minute + 200,
      cost: 3,
    },
  ];
  for (const { setup, refusedAt, cost } of cases) {
    const rl = await limiter(t);
    for (const { at, cost: spent } of setup) assert.equal((await rl.apply([limit('requests', 10, minute, spent)], at)).allowed, true);
    const refused = await rl.apply([limit('requests', 10, minute, cost)], refusedAt);
    assert.equal(refused.allowed, false);
    const wait = refused.retryAfterMs!;
    assert.ok(wait > 0);
    assert.equal(
      (await rl.apply([limit('requests', 10, minute, cost)], refusedAt + wait - 1)).allowed,
      false,
      `still refused before ${wait}`,
    );
    assert.equal((await rl.apply([limit('requests', 10, minute, cost)], refusedAt + wait)).allowed, true, `fits after ${wait}`);
  }
});

test('retryAfterMs of the arithmetic agrees with a step-by-step search', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1_000, max: 5_000 }),
      fc.nat(),
      fc.nat(),
      fc.nat(),
      fc.nat(),
      (limitValue, duration, currentSeed, previousSeed, costSeed, offsetSeed) => {
        const counts = { current: currentSeed % (limitValue + 1), previous: previousSeed % (limitValue + 1) };
        const cost = costSeed % (limitValue + 1);
        const now = 100 * duration + (offsetSeed % duration);
        const request = limit('x', limitValue, duration, cost);
        const fitsAt = (at: number) => {
          // Moving into the next window, this window's count becomes the previous one's.
          const next = Math.floor(at / duration) > Math.floor(now / duration);
          const used = usedNow(next ? { current: 0, previous: counts.current } : counts, duration, at);
          return cost === 0 ? used < limitValue : used + cost <= limitValue;
        };
        let expected = 0;
        while (!fitsAt(now + expected)) expected++;
        assert.equal(retryAfterMs(request, counts, now), expected);
      },
    ),
    { numRuns: 300 },
  );
});

test('exact at the largest limits and durations', async (t) => {
  if (await skip(t)) return;
  const rl = await limiter(t);
  const d = 2_592_000_000;
  const start = Math.ceil(base / d) * d;
  const big = (cost: number) => [limit('monthly', 1_000_000_000, d, cost)];
  assert.equal((await rl.apply(big(999_999_999), start)).allowed, true);
  for (const offset of [1, 12_345_678, d / 2 + 1, d - 1]) {
    const now = start + d + offset;
    const used = Number((999_999_999n * BigInt(d - offset)) / BigInt(d));
    const state = (await rl.apply(big(0), now)).states[0]!;
    assert.equal(state.remaining, 1_000_000_000 - used, `offset ${offset}`);
  }
});

test('counters are kept for two windows, under the key prefix', async (t) => {
  if (await skip(t)) return;
  const prefix = freshPrefix(t);
  const rl = await limiter(t, prefix);
  await rl.apply([limit('requests', 5, minute)], base + 15_000);
  const keys = await keysUnder(prefix);
  assert.equal(keys.length, 1);
  const client = new Redis(redisUrl);
  t.after(() => client.disconnect());
  const ttl = await client.pttl(keys[0]!);
  assert.ok(ttl > minute && ttl <= 2 * minute - 15_000, `pttl ${ttl}`);
});

test('two limiters sharing one Redis admit exactly `limit` of a concurrent burst', async (t) => {
  if (await skip(t)) return;
  const prefix = freshPrefix(t);
  const nodes = [await limiter(t, prefix), await limiter(t, prefix)];
  const requests = [limit('requests', 50, minute), limit('per-second', 1_000, 1_000)];
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => nodes[i % 2]!.apply(requests, base + 500)));
  assert.equal(answers.filter((a) => a.allowed).length, 50);
  // The per-second limit counted only the admitted ones.
  const after = await nodes[0]!.apply([limit('per-second', 1_000, 1_000, 0)], base + 600);
  assert.equal(after.states[0]!.remaining, 950);
});
