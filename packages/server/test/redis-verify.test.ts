// POST /verify on two nodes (two apps on one database) whose rate limits live in one
// Redis: a concurrent burst split over both is admitted exactly `limit` times, a
// verification refused for its credits gives back what the limits took, and latchkey's
// own API counts a token's autoApply limits there too.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
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
  // Node B listens: its verifications come over HTTP, through the path served ahead of
  // Fastify (http/early-verify.ts); node A's are injected, through Fastify's route.
  await nodes[1]!.listen({ port: 0, host: '127.0.0.1' });
  const { port } = nodes[1]!.server.address() as AddressInfo;
  const verify = async (node: FastifyInstance, payload: object): Promise<VerifyAnswer> => {
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    if (node === nodes[1]) {
      const response = await fetch(`http://127.0.0.1:${port}/verify`, { method: 'POST', headers, body: JSON.stringify(payload) });
      assert.equal(response.status, 200);
      return (await response.json()) as VerifyAnswer;
    }
    const response = await node.inject({ method: 'POST', url: '/verify', headers, payload });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const listTokens = (node: FastifyInstance, token: string) =>
    node.inject({ method: 'GET', url: `/applications/${boot.applicationId}/tokens`, headers: { authorization: `Bearer ${token}` } });
  return {
    nodes,
    listTokens,
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

test("latchkey's own API: a token's autoApply limit in Redis is shared by both nodes", async (t) => {
  const reason = await redisSkipReason();
  if (reason) return t.skip(reason);
  const { nodes, createToken, listTokens } = await twoNodes(t);
  const { token } = await createToken({
    name: 'caller',
    scope: ['all.Application'],
    ratelimits: [{ name: 'requests', limit: 3, duration: 3_600_000 }],
  });
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await listTokens(nodes[i % 2]!, token)).statusCode);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
  const refused = await listTokens(nodes[1]!, token);
  assert.equal(refused.json().type, 'TooManyRequests');
  assert.ok(Number(refused.headers['retry-after']) > 0);
});
