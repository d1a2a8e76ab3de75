// Redis cut away under load, through a TCP proxy (as the PostgreSQL fault test does):
// with each --ratelimit-on-error setting, verifications answer by it, /health reports
// the store unreachable (degraded, still 200), the outage is logged once however many
// commands fail, and once Redis is back the limits are counted there again.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';
import type { LimitDecision, LimitRequest } from '../src/limits/rate-limiter.js';
import { RedisRateLimiter, type RatelimitOnError } from '../src/limits/redis-rate-limiter.js';
import { openStore } from '../src/storage/open-store.js';
import { freshPrefix, redisSkipReason, redisUrl } from './helpers/redis.js';
import { startProxy } from './helpers/tcp-proxy.js';

/** Polls `condition` every 10 ms for at most 10 s; fails the test with `what` if it never holds. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function nodeBehindProxy(t: TestContext, onError: RatelimitOnError) {
  const target = new URL(redisUrl);
  const proxy = await startProxy(target.hostname, Number(target.port || 6379));
  const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
  const proxied = new URL(redisUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const rateLimiter = new RedisRateLimiter({
    url: proxied.toString(),
    onError,
    keyPrefix: freshPrefix(t),
    log: {
      warn: (_fields, message) => lines.push({ level: 'warn', message }),
      info: (_fields, message) => lines.push({ level: 'info', message }),
    },
  });
  const store = await openStore('sqlite::memory:');
  const app = await buildApp({ store, rateLimiter });
  t.after(async () => {
    await app.close();
    await rateLimiter.close();
    await store.close();
    await proxy.close();
  });
  rateLimiter.connect();
  await rateLimiter.ready();
  const health = async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    return response.json() as { status: string; ratelimits: { store: string; reachable: boolean } };
  };
  return { proxy, rateLimiter, lines, health };
}

const requests: LimitRequest[] = [
  { tokenId: 'b'.repeat(24), name: 'requests', limit: 1_000_000, duration: 60_000, cost: 1 },
  { tokenId: 'b'.repeat(24), name: 'burst', limit: 1_000_000, duration: 1_000, cost: 1 },
];

// One moment for every verification of a test, so no window boundary falls between counts compared.
const now = Date.now();

/** Verifications in a loop, 20 at a time, until stopped: the load Redis is cut under. */
function load(rateLimiter: RedisRateLimiter) {
  const decisions: LimitDecision[] = [];
  let running = true;
  const done = (async () => {
    while (running) decisions.push(...(await Promise.all(Array.from({ length: 20 }, () => rateLimiter.apply(requests, now)))));
  })();
  return {
    decisions,
    async stop() {
      running = false;
      await done;
    },
  };
}

for (const onError of ['allow', 'deny'] as const) {
  test(`Redis cut under load with --ratelimit-on-error ${onError}: answers by it, /health degraded, logged once, counted again once back`, async (t) => {
    const reason = await redisSkipReason();
    if (reason) return t.skip(reason);
    const { proxy, rateLimiter, lines, health } = await nodeBehindProxy(t, onError);
    assert.deepEqual(await health(), { status: 'ok', database: 'sqlite', ratelimits: { store: 'redis', reachable: true } });

    const traffic = load(rateLimiter);
    await until('some verifications counted', () => traffic.decisions.length >= 100);
    assert.ok(traffic.decisions.every((d) => d.allowed));
    const counted = (await rateLimiter.apply([{ ...requests[0]!, cost: 0 }], now)).states[0]!.remaining;
    assert.ok(counted < requests[0]!.limit, 'the traffic was counted in Redis');

    proxy.cut();
    await until('the node sees Redis gone', () => !rateLimiter.status().reachable);
    const before = traffic.decisions.length;
    await until('verifications go on during the outage', () => traffic.decisions.length >= before + 200);
    // Every answer since the outage was seen follows the setting, and at once: none waits for Redis.
    const during = traffic.decisions.slice(before + 20);
    assert.ok(
      during.every((d) => d.allowed === (onError === 'allow')),
      `every verification ${onError === 'allow' ? 'allowed' : 'refused'} while Redis is away`,
    );
    if (onError === 'deny') assert.ok(during.every((d) => d.retryAfterMs! > 0 && d.states.every((s) => s.remaining === 0)));
    assert.deepEqual(await health(), { status: 'degraded', database: 'sqlite', ratelimits: { store: 'redis', reachable: false } });
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn'],
      'one line for the whole outage',
    );
    assert.match(lines[0]!.message, new RegExp(`Redis unreachable.*--ratelimit-on-error ${onError}`));

    proxy.restore();
    await until('the node sees Redis back', () => rateLimiter.status().reachable);
    const resumed = traffic.decisions.length;
    await until('verifications go on after the outage', () => traffic.decisions.length >= resumed + 100);
    await traffic.stop();
    assert.ok(traffic.decisions.slice(resumed + 20).every((d) => d.allowed));
    const after = (await rateLimiter.apply([{ ...requests[0]!, cost: 0 }], now)).states[0]!.remaining;
    assert.ok(after < counted, 'verifications are counted in Redis again');
    assert.deepEqual(await health(), { status: 'ok', database: 'sqlite', ratelimits: { store: 'redis', reachable: true } });
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn', 'info'],
      'and one line when it is back',
    );
  });
}
