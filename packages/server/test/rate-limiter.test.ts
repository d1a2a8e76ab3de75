// The rate limiter port (limits/rate-limiter.ts), held to the sliding window of
// docs/ARCHITECTURE.md. Every implementation runs the same cases: add yours to
// `limiters`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryRateLimiter } from '../src/limits/memory-rate-limiter.js';
import type { LimitRequest, RateLimiter } from '../src/limits/rate-limiter.js';

interface Limiter {
  name: string;
  open(): Promise<RateLimiter>;
}

export const limiters: Limiter[] = [{ name: 'memory', open: async () => new MemoryRateLimiter() }];

const minute = 60_000;
const request = (fields: Partial<LimitRequest> = {}): LimitRequest => ({
  tokenId: 'token-a',
  name: 'requests',
  limit: 3,
  duration: minute,
  cost: 1,
  ...fields,
});

for (const { name, open } of limiters) {
  test(`${name}: a limit admits its quota per window and reports remaining and reset`, async () => {
    const limiter = await open();
    const start = 100 * minute + 5_000;
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await limiter.apply([request()], start + i));
    assert.deepEqual(
      seen.map((d) => [d.allowed, d.states[0]!.remaining, d.states[0]!.reset]),
      [
        [true, 2, 101 * minute],
        [true, 1, 101 * minute],
        [true, 0, 101 * minute],
        [false, 0, 101 * minute],
      ],
    );
    // Other tokens and other names count apart.
    assert.equal((await limiter.apply([request({ tokenId: 'token-b' })], start)).allowed, true);
    assert.equal((await limiter.apply([request({ name: 'other' })], start)).allowed, true);
    await limiter.close();
  });

  test(`${name}: all or nothing over several limits`, async () => {
    const limiter = await open();
    const now = 7 * minute;
    const wide = request({ name: 'wide', limit: 10 });
    const narrow = request({ name: 'narrow', limit: 1 });
    assert.equal((await limiter.apply([wide, narrow], now)).allowed, true);
    const refused = await limiter.apply([wide, narrow], now);
    assert.equal(refused.allowed, false);
    assert.deepEqual(
      refused.states.map((s) => [s.name, s.remaining]),
      [
        ['wide', 9],
        ['narrow', 0],
      ],
    );
    assert.equal((await limiter.apply([wide], now)).states[0]!.remaining, 8, 'the refusal consumed nothing');
    await limiter.close();
  });

  test(`${name}: cost 0 reports without consuming and is refused once the quota is used; refund gives back`, async () => {
    const limiter = await open();
    const now = 3 * minute;
    assert.deepEqual((await limiter.apply([request({ cost: 0 })], now)).states[0]!.remaining, 3);
    const three = request({ cost: 3 });
    assert.equal((await limiter.apply([three], now)).allowed, true);
    assert.equal((await limiter.apply([request({ cost: 0 })], now)).allowed, false);
    await limiter.refund([three], now);
    assert.equal((await limiter.apply([request({ cost: 0 })], now)).states[0]!.remaining, 3);
    const tooMuch = await limiter.apply([request({ cost: 4 })], now);
    assert.equal(tooMuch.allowed, false);
    assert.equal(tooMuch.retryAfterMs, minute, 'a cost above the limit never fits: one window is answered');
    await limiter.close();
  });

  test(`${name}: a refused request fits exactly retryAfterMs later, not a millisecond sooner`, async () => {
    const history = fc.array(fc.record({ at: fc.integer({ min: 0, max: 150_000 }), cost: fc.integer({ min: 0, max: 40 }) }), {
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1_000, max: 100_000 }),
        history,
        fc.integer({ min: 1, max: 50 }),
        async (limit, duration, past, cost) => {
          fc.pre(cost <= limit);
          const limiter = await open();
          const base = 10 * 2_592_000_000;
          const r = request({ limit, duration, cost });
          let now = base;
          for (const step of [...past].sort((a, b) => a.at - b.at)) {
            now = base + step.at;
            await limiter.apply([{ ...r, cost: step.cost }], now);
          }
          const refused = await limiter.apply([r], now);
          if (refused.allowed) return;
          const wait = refused.retryAfterMs!;
          assert.ok(wait > 0);
          assert.equal((await limiter.apply([r], now + wait - 1)).allowed, false, 'a millisecond early');
          assert.equal((await limiter.apply([r], now + wait)).allowed, true, 'on time');
          await limiter.close();
        },
      ),
      { numRuns: 300 },
    );
  });
}

test('memory: at most the given number of limits is counted; the least recently used is forgotten', async () => {
  const limiter = new MemoryRateLimiter(2);
  const now = 5 * minute;
  const one = (tokenId: string) => request({ tokenId, limit: 1 });
  for (const token of ['a', 'b']) assert.equal(limiter.apply([one(token)], now).allowed, true);
  assert.equal(limiter.apply([one('a')], now).allowed, false);
  assert.equal(limiter.apply([one('c')], now).allowed, true);
  // b was the least recently used: forgotten, it admits again; a is still counted.
  assert.equal(limiter.apply([one('b')], now).allowed, true);
  assert.equal(limiter.apply([one('c')], now).allowed, false);
});
