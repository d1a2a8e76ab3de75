// `latchkey serve` with Redis for rate limits, through the spawned bin: REDIS_URL and
// --redis-url, --ratelimit-on-error, the /health report, and the outage logged once
// without the URL's password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { countOf, freePort, listening, sandbox, stopsCleanly, waitForStdout } from './helpers/cli.js';
import { redisSkipReason, redisUrl } from './helpers/redis.js';

interface Health {
  status: string;
  ratelimits?: { store: string; reachable: boolean };
}

async function healthUntil(port: number, done: (health: Health) => boolean): Promise<Health> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(response.status, 200);
    const health = (await response.json()) as Health;
    if (done(health) || Date.now() > deadline) return health;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('serve with REDIS_URL counts rate limits in Redis, and /health says it answers', async (t) => {
  const reason = await redisSkipReason();
  if (reason) return t.skip(reason);
  const box = await sandbox(t);
  const port = await freePort();
  const server = box.spawn(['serve', '--port', String(port), '--database', `sqlite:${join(box.dir, 'x.db')}`], {
    env: { REDIS_URL: redisUrl, LATCHKEY_REDIS_KEY_PREFIX: 'lk_test_cli:' },
  });
  await waitForStdout(server, listening);
  const health = await healthUntil(port, (h) => h.ratelimits?.reachable === true);
  assert.deepEqual(health, { status: 'ok', database: 'sqlite', ratelimits: { store: 'redis', reachable: true } });
  await stopsCleanly(server, 'SIGTERM');
  assert.equal(countOf(server.stdout, 'Redis unreachable'), 0);
});

test('serve with an unreachable --redis-url starts anyway, reports it degraded and logs it once, without the password', async (t) => {
  const box = await sandbox(t);
  const [port, nobody] = [await freePort(), await freePort()];
  const server = box.spawn([
    'serve',
    '--port',
    String(port),
    '--database',
    `sqlite:${join(box.dir, 'x.db')}`,
    '--redis-url',
    `redis://:hunter2secret@127.0.0.1:${nobody}`,
    '--ratelimit-on-error',
    'deny',
  ]);
  await waitForStdout(server, listening);
  await waitForStdout(server, /Redis unreachable/);
  const health = await healthUntil(port, (h) => h.status === 'degraded');
  // Meanwhile the limiter retries (100, 200, 300, 400 ms apart): each failure is no new line.
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.deepEqual(health, { status: 'degraded', database: 'sqlite', ratelimits: { store: 'redis', reachable: false } });
  await stopsCleanly(server, 'SIGTERM');
  assert.equal(countOf(server.stdout, 'Redis unreachable'), 1, 'reconnection attempts are not logged again');
  assert.match(server.stdout, /--ratelimit-on-error deny/);
  assert.equal(countOf(server.stdout + server.stderr, 'hunter2secret'), 0);
});

test('serve refuses an unknown --ratelimit-on-error', async (t) => {
  const box = await sandbox(t);
  const result = await box.run(['serve', '--ratelimit-on-error', 'maybe', '--database', `sqlite:${join(box.dir, 'x.db')}`]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /ratelimit-on-error.*allow or deny/);
});
