// In-process cache of verified tokens, keyed by token hash. Every write the store
// announces (here, or on another node through PostgreSQL NOTIFY) drops what it changed
// (cache-invalidation.ts), so it never serves a stale "valid"; the TTL is only a
// backstop for an announcement that never arrived.
import { BoundedCache } from '@latchkey/contract';
import type { TokenRecord } from '../storage/port.js';

export class TokenCache {
  private readonly byHash: BoundedCache<string, TokenRecord>;
  /** Token id -> its key in `byHash`: an index of the cache, kept in step as entries leave it. */
  private readonly hashById = new Map<string, string>();

  constructor(ttlMs = 5_000, now: () => number = Date.now, maxEntries = 100_000) {
    this.byHash = new BoundedCache({
      max: maxEntries,
      ttlMs,
      now,
      onRemove: (record, key) => {
        if (this.hashById.get(record.id) === key) this.hashById.delete(record.id);
      },
    });
  }

  /** Call before reading the store; pass the result to `set`. */
  begin(): number {
    return this.byHash.begin();
  }

  get(key: string): TokenRecord | undefined {
    return this.byHash.get(key);
  }

  set(key: string, record: TokenRecord, epoch: number): void {
    if (this.byHash.set(key, record, epoch)) this.hashById.set(record.id, key);
  }

  invalidateToken(id: string): void {
    const key = this.hashById.get(id);
    if (key === undefined) this.byHash.dropReadsInFlight();
    else this.byHash.delete(key);
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
