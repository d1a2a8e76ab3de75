// In-process cost of authentication, against one SHA-256 of the token string.
import { hash } from 'node:crypto';
import { createAuthenticator } from '../../packages/server/dist/auth/authenticate.js';
import { TokenCache } from '../../packages/server/dist/auth/token-cache.js';
import { openStore } from '@latchkey/server/storage';
import { createVerifier } from '@latchkey/client';

async function nsPerOp(iterations: number, op: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) await op(); // warm up the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await op();
  return Number(process.hrtime.bigint() - start) / iterations;
}

export interface MicroResult {
  sha256Ns: number;
  cachedNs: number;
  uncachedNs: number;
  malformedNs: number;
}

export async function micro(databaseUrl: string, token: string, iterations: number): Promise<MicroResult> {
  const store = await openStore(databaseUrl);
  try {
    const now = Date.now();
    const cached = createAuthenticator(store, new TokenCache(), () => {});
    // A zero TTL makes every verification read the store.
    const uncached = createAuthenticator(store, new TokenCache(0), () => {});
    await cached.verify(token, now);
    const sha256Ns = await nsPerOp(iterations, () => hash('sha256', token, 'buffer'));
    const cachedNs = await nsPerOp(iterations, () => cached.verify(token, now));
    const uncachedNs = await nsPerOp(iterations, () => uncached.verify(token, now));
    const malformedNs = await nsPerOp(iterations, () => cached.verify('lka_garbage', now));
    return { sha256Ns, cachedNs, uncachedNs, malformedNs };
  } finally {
    await store.close();
  }
}

export interface SdkMicroResult {
  sha256Ns: number;
  cachedVerifyNs: number;
}

/**
 * In-process cost of the SDK verifier answering a token from its cache, against one
 * SHA-256 of the token string: the server at `url` answers the first verification only.
 */
export async function sdkMicro(url: string, introspectionSecret: string, token: string, iterations: number): Promise<SdkMicroResult> {
  // A TTL longer than the loop, so every measured call is answered from the cache.
  const verifier = createVerifier({ url, introspectionSecret, cacheTtlMs: 600_000 });
  await verifier.verify(token);
  const sha256Ns = await nsPerOp(iterations, () => hash('sha256', token, 'buffer'));
  const cachedVerifyNs = await nsPerOp(iterations, () => verifier.verify(token));
  return { sha256Ns, cachedVerifyNs };
}
