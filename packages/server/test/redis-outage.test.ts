// Redis cut away under load, through a TCP proxy (as the PostgreSQL fault test does):
// with each --ratelimit-on-error setting, POST /verify answers by it (VALID or
// RATE_LIMITED), /health reports the store unreachable (degraded, still 200), the
// outage is logged once however many commands fail, and once Redis is back the
// limits are counted there again. /metrics counts the errors and the answers given without Redis.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { RedisRateLimiter, type RatelimitOnError } from '../src/limits/redis-rate-limiter.js';
import { Metrics } from '../src/metrics/metrics.js';
import { openStore } from '../src/storage/open-store.js';
import { parseScrape } from './helpers/metrics-scrape.js';
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

const secret = 'redis-outage-secret-of-the-test-suite';
const metricsSecret = 'redis-outage-metrics-secret';
// One moment for every verification of a test, so no window boundary falls between counts compared.
const now = Date.now();

async function nodeBehindProxy(t: TestContext, onError: RatelimitOnError) {
  const target = new URL(redisUrl);
  const proxy = await startProxy(target.hostname, Number(target.port || 6379));
  const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
  const proxied = new URL(redisUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const metrics = new Metrics({ processMetrics: false });
  const rateLimiter = new RedisRateLimiter({
    url: proxied.toString(),
    metrics,
    onError,
    keyPrefix: freshPrefix(t),
    log: {
      warn: (_fields, message) => lines.push({ level: 'warn', message }),
      info: (_fields, message) => lines.push({ level: 'info', message }),
    },
  });
  const store = await openStore('sqlite::memory:');
  const app = await buildApp({ store, rateLimiter, introspectionSecret: secret, now: () => now, metrics, metricsSecret });
  t.after(async () => {
    await app.close();
    await rateLimiter.close();
    await store.close();
    await proxy.close();
  });
  rateLimiter.connect();
  await rateLimiter.ready();
  const boot = await bootstrap(store, { email: 'ops@example.com', password: 'correct horse battery', applicationName: 'Fleet' });
  const created = await app.inject({
    method: 'POST',
    url: `/applications/${boot.applicationId}/tokens`,
    headers: { authorization: `Bearer ${boot.token}` },
    payload: {
      name: 'metered',
      ratelimits: [
        { name: 'requests', limit: 1_000_000, duration: 60_000 },
        { name: 'burst', limit: 1_000_000, duration: 1_000 },
      ],
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { token } = created.json() as { token: string };
  const verify = async (payload: object = {}): Promise<Answer> => {
    const response = await app.inject({
      method: 'POST',
      url: '/verify',
      headers: { authorization: `Bearer ${secret}` },
      payload: { token, ...payload },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  /** What the shared count leaves of 'requests', by a check that consumes nothing. */
  const requestsLeft = async () => (await verify({ ratelimits: [{ name: 'requests', cost: 0 }] })).ratelimits![0]!.remaining;
  const health = async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    return response.json() as { status: string; ratelimits: { store: string; reachable: boolean } };
  };
  const scrape = async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsSecret}` } });
    assert.equal(response.statusCode, 200);
    return parseScrape(response.body);
  };
  return { proxy, rateLimiter, lines, health, verify, requestsLeft, scrape };
}

interface Answer {
  code: string;
  ratelimits?: Array<{ name: string; remaining: number }>;
}

/** Verifications in a loop, 20 at a time, until stopped: the load Redis is cut under. */
function load(verify: () => Promise<Answer>) {
  const answers: Answer[] = [];
  let running = true;
  const done = (async () => {
    while (running) answers.push(...(await Promise.all(Array.from({ length: 20 }, () => verify()))));
  })();
  return {
    answers,
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
    const { proxy, rateLimiter, lines, health, verify, requestsLeft, scrape } = await nodeBehindProxy(t, onError);
    assert.deepEqual(await health(), { status: 'ok', database: 'sqlite', ratelimits: { store: 'redis', reachable: true } });
    const unreachable = 'latchkey_ratelimit_unreachable_total';
    const answer = onError === 'allow' ? 'allowed' : 'refused';
    const other = onError === 'allow' ? 'refused' : 'allowed';
    const healthy = await scrape();
    assert.equal(healthy.value('latchkey_redis_errors_total'), 0);
    assert.equal(healthy.value(unreachable, { answer }), 0);

    const traffic = load(verify);
    await until('some verifications counted', () => traffic.answers.length >= 100);
    assert.ok(traffic.answers.every((a) => a.code === 'VALID'));
    const counted = await requestsLeft();
    assert.ok(counted < 1_000_000, 'the traffic was counted in Redis');

    proxy.cut();
    await until('the node sees Redis gone', () => !rateLimiter.status().reachable);
    const before = traffic.answers.length;
    await until('verifications go on during the outage', () => traffic.answers.length >= before + 200);
    // Every answer since the outage was seen follows the setting (none waits for Redis to come back).
    const expected = onError === 'allow' ? 'VALID' : 'RATE_LIMITED';
    const during = traffic.answers.slice(before + 20);
    assert.deepEqual(new Set(during.map((a) => a.code)), new Set([expected]), `every verification ${expected} while Redis is away`);
    assert.deepEqual(await health(), { status: 'degraded', database: 'sqlite', ratelimits: { store: 'redis', reachable: false } });
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn'],
      'one line for the whole outage',
    );
    assert.match(lines[0]!.message, new RegExp(`Redis unreachable.*--ratelimit-on-error ${onError}`));
    // Every answer already in the array was counted before it resolved: read its length before scraping.
    const answered = traffic.answers.length;
    const outage = await scrape();
    assert.ok(outage.value('latchkey_redis_errors_total') >= 1, 'the errors are counted');
    const decided = outage.value(unreachable, { answer });
    assert.ok(decided >= answered - before - 20, `every verification since the cut was seen is counted ${answer} (${decided})`);
    assert.equal(outage.value(unreachable, { answer: other }), 0);

    proxy.restore();
    await until('the node sees Redis back', () => rateLimiter.status().reachable);
    const resumed = traffic.answers.length;
    await until('verifications go on after the outage', () => traffic.answers.length >= resumed + 100);
    await traffic.stop();
    assert.ok(traffic.answers.slice(resumed + 20).every((a) => a.code === 'VALID'));
    assert.ok((await requestsLeft()) < counted, 'verifications are counted in Redis again');
    assert.deepEqual(await health(), { status: 'ok', database: 'sqlite', ratelimits: { store: 'redis', reachable: true } });
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn', 'info'],
      'and one line when it is back',
    );
  });
}

test('Redis gone silent (a partition: nothing closes): the dead connection is dropped and dialled again, verifications go on', async (t) => {
  const reason = await redisSkipReason();
  if (reason) return t.skip(reason);
  const { proxy, rateLimiter, lines, health, verify, requestsLeft } = await nodeBehindProxy(t, 'allow');
  const traffic = load(verify);
  await until('some verifications counted', () => traffic.answers.length >= 100);
  const counted = await requestsLeft();

  proxy.freeze();
  const acceptedAtFreeze = proxy.accepted;
  await until('the node sees Redis gone', () => !rateLimiter.status().reachable);
  // No reply ever comes and no connection closes: only the limiter's own timeout can
  // drop the silent connection, and then it dials again.
  await until('the silent connection is dropped and a new one dialled', () => proxy.accepted > acceptedAtFreeze);
  const before = traffic.answers.length;
  await until('verifications go on while Redis is silent', () => traffic.answers.length >= before + 100);
  assert.ok(traffic.answers.slice(before).every((a) => a.code === 'VALID'));
  assert.equal((await health()).status, 'degraded');

  proxy.restore();
  await until('the node sees Redis back', () => rateLimiter.status().reachable);
  const resumed = traffic.answers.length;
  await until('verifications go on after the partition', () => traffic.answers.length >= resumed + 100);
  await traffic.stop();
  assert.ok((await requestsLeft()) < counted, 'verifications are counted in Redis again');
  assert.deepEqual(
    lines.map((l) => l.level),
    ['warn', 'info'],
    'one line for the partition, one when it ends',
  );
});
