// POST /verify on two nodes (two apps on one database) whose rate limits live in one
// Redis: a concurrent burst split over both is admitted exactly `limit` times, and a
// verification refused for its credits gives back what the limits took.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { RedisRateLimiter } from '../src/limits/redis-rate-limiter.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/port.js';
import { freshPrefix, redisSkipReason, redisUrl } from './helpers/redis.js';

const secret = 'redis-verify-secret-of-the-test-suite';

interface VerifyAnswer {
  valid: boolean;
  code: string;
  credits?: { remaining: number };
  ratelimits?: Array<{ name: string; remaining: number }>;
}

/** Two nodes on one SQLite file, counting rate limits in one Redis under a fresh prefix. */
async function twoNodes(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-redis-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const keyPrefix = freshPrefix(t);
  const nodes: FastifyInstance[] = [];
  const stores: Store[] = [];
  for (let i = 0; i < 2; i++) {
    const store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
    const rateLimiter = new RedisRateLimiter({ url: redisUrl, onError: 'deny', keyPrefix });
    const app = await buildApp({ store, rateLimiter, introspectionSecret: secret });
    t.after(async () => {
      await app.close();
      await rateLimiter.close();
      await store.close();
    });
    rateLimiter.connect();
    await rateLimiter.ready();
    nodes.push(app);
    stores.push(store);
  }
  const boot = await bootstrap(stores[0]!, { email: 'ops@example.com', password: 'correct horse battery', applicationName: 'Fleet' });
  const manage = async (method: 'POST' | 'PATCH', path: string, body: object) => {
    const response = await nodes[0]!.inject({
      method,
      url: `/applications/${boot.applicationId}/tokens${path}`,
      headers: { authorization: `Bearer ${boot.token}` },
      payload: body,
    });
    assert.ok(response.statusCode < 300, response.body);
    return response.json() as { token: string; id: string };
  };
  const verify = async (node: FastifyInstance, payload: object): Promise<VerifyAnswer> => {
    const response = await node.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${secret}` }, payload });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  return {
    nodes,
    createToken: (body: object) => manage('POST', '', body),
    patchToken: (id: string, body: object) => manage('PATCH', `/${id}`, body),
    verify,
  };
}

const codes = (answers: VerifyAnswer[]) =>
  answers.reduce<Record<string, number>>((counts, a) => ({ ...counts, [a.code]: (counts[a.code] ?? 0) + 1 }), {});

test('a Redis limit shared by two nodes admits exactly `limit` of a concurrent burst split over both', async (t) => {
  const reason = await redisSkipReason();
  if (reason) return t.skip(reason);
  const { nodes, createToken, verify } = await twoNodes(t);
  const { token } = await createToken({ name: 'metered', ratelimits: [{ name: 'requests', limit: 25, duration: 3_600_000 }] });
  const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => verify(nodes[i % 2]!, { token })));
  assert.deepEqual(codes(answers), { VALID: 25, RATE_LIMITED: 75 });
  // Each admitted one saw a different remaining: 24 down to 0, once each.
  const remaining = answers.filter((a) => a.valid).map((a) => a.ratelimits![0]!.remaining);
  assert.deepEqual(
    remaining.sort((a, b) => a - b),
    Array.from({ length: 25 }, (_, i) => i),
  );
  // A check on either node sees the shared count used up.
  for (const node of nodes) {
    assert.equal((await verify(node, { token, ratelimits: [{ name: 'requests', cost: 0 }] })).code, 'RATE_LIMITED');
  }
});

test('credits refused after the Redis limits admitted: the limits are given back', async (t) => {
  const reason = await redisSkipReason();
  if (reason) return t.skip(reason);
  const { nodes, createToken, patchToken, verify } = await twoNodes(t);
  const { token, id } = await createToken({
    name: 'prepaid',
    credits: { remaining: 5 },
    ratelimits: [{ name: 'requests', limit: 100, duration: 3_600_000 }],
  });
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(nodes[i % 2]!, { token })));
  assert.deepEqual(codes(answers), { VALID: 5, USAGE_EXCEEDED: 15 });
  // Only the five that spent credits were counted against the limit (checked once the
  // token has credits again, since a token without any is refused before its limits show).
  await patchToken(id, { credits: { remaining: 1_000 } });
  const check = await verify(nodes[1]!, { token, cost: 0, ratelimits: [{ name: 'requests', cost: 0 }] });
  assert.equal(check.code, 'VALID');
  assert.equal(check.ratelimits![0]!.remaining, 95);
});
