// In-process cache of verified tokens, keyed by token hash. Every write the store
// announces (here, or on another node through PostgreSQL NOTIFY) drops what it changed
// (cache-invalidation.ts), so it never serves a stale "valid"; the TTL is only a
// backstop for an announcement that never arrived. A rotated token in its grace
// period has two secrets, so two keys: each entry says which secret its key is, and
// dropping the token drops both.
import { BoundedCache } from '@latchkey/contract';
import type { Metrics } from '../metrics/metrics.js';
import type { FoundToken, TokenSecret } from '../storage/port.js';

export class TokenCache {
  private readonly byHash: BoundedCache<string, FoundToken>;
  /** Token id -> its key in `byHash`, per secret: an index of the cache, kept in step as entries leave it. */
  private readonly keysById: Record<TokenSecret, Map<string, string>> = { current: new Map(), previous: new Map() };

  constructor(
    ttlMs = 5_000,
    now: () => number = Date.now,
    maxEntries = 100_000,
    private readonly metrics?: Metrics,
  ) {
    this.byHash = new BoundedCache({
      max: maxEntries,
      ttlMs,
      now,
      onRemove: (record, key) => {
        const index = this.keysById[record.secret];
        if (index.get(record.id) === key) index.delete(record.id);
      },
    });
  }

  /** Call before reading the store; pass the result to `set`. */
  begin(): number {
    return this.byHash.begin();
  }

  get(key: string): FoundToken | undefined {
    const found = this.byHash.get(key);
    if (this.metrics) (found === undefined ? this.metrics.cacheMiss : this.metrics.cacheHit).inc();
    return found;
  }

  set(key: string, record: FoundToken, epoch: number): void {
    if (this.byHash.set(key, record, epoch)) this.keysById[record.secret].set(record.id, key);
  }

  /** Drops the token under every key it is kept by; reads in flight are not kept either way. */
  invalidateToken(id: string): void {
    const current = this.keysById.current.get(id);
    const previous = this.keysById.previous.get(id);
    if (current === undefined && previous === undefined) this.byHash.dropReadsInFlight();
    if (current !== undefined) this.byHash.delete(current);
    if (previous !== undefined) this.byHash.delete(previous);
  }

  /** Drops every token of an owner (an application or a user). */
  invalidateOwner(ownerId: string): void {
    this.byHash.deleteWhere((record) => record.ownerId === ownerId);
  }

  /** Drops the user's login sessions but `kept` (its other tokens stay). */
  invalidateSessions(userId: string, kept: string | null): void {
    this.byHash.deleteWhere((record) => record.ownerType === 'session' && record.ownerId === userId && record.id !== kept);
  }

  clear(): void {
    this.byHash.clear();
  }
}
