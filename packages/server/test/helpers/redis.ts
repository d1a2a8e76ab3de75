// Redis for the rate limiter tests: the one in REDIS_URL, else the machine's local
// server. Each test counts under a key prefix of its own, whose keys are deleted
// afterwards (never FLUSHALL: other runs share the server). When Redis cannot be
// reached, the tests are reported as skipped with the reason.
import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

let reachable: Promise<string | undefined> | undefined;

/** undefined when Redis answers; otherwise why not. */
export function redisSkipReason(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (error) {
      return `Redis not reachable at ${redisUrl}: ${(error as Error).message}`;
    } finally {
      client.disconnect();
    }
  })();
  return reachable;
}

/** A fresh key prefix; its keys are deleted when the test ends. */
export function freshPrefix(t: TestContext): string {
  const prefix = `lk_test_${randomBytes(6).toString('hex')}:`;
  t.after(async () => {
    const client = new Redis(redisUrl);
    try {
      for await (const keys of client.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await client.del(...keys);
      }
    } finally {
      client.disconnect();
    }
  });
  return prefix;
}

/** Keys under `prefix` (to check what a test left counted). */
export async function keysUnder(prefix: string): Promise<string[]> {
  const client = new Redis(redisUrl);
  try {
    return await client.keys(`${prefix}*`);
  } finally {
    client.disconnect();
  }
}
