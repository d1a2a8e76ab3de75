// In-process cache of verified tokens, keyed by token hash. Writes invalidate it
// directly (patch, delete, and later the deletion of owners), so it never serves a
// stale "valid"; the TTL is only a backstop for writes made by other processes.
import type { TokenRecord } from '../storage/port.js';

interface Entry {
  record: TokenRecord;
  cachedAt: number;
}

export class TokenCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashById = new Map<string, string>();
  /** Bumped by every invalidation, so a lookup that raced with one is not cached. */
  private epoch = 0;

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 100_000,
  ) {}

  /** Call before reading the store; pass the result to `set`. */
  begin(): number {
    return this.epoch;
  }

  get(key: string, now: number): TokenRecord | undefined {
    const entry = this.byHash.get(key);
    if (!entry) return undefined;
    if (now - entry.cachedAt >= this.ttlMs) {
      this.delete(key, entry.record.id);
      return undefined;
    }
    return entry.record;
  }

  set(key: string, record: TokenRecord, now: number, epoch: number): void {
    if (epoch !== this.epoch || this.ttlMs <= 0) return;
    if (this.byHash.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.delete(oldest, this.byHash.get(oldest)!.record.id);
    }
    this.byHash.set(key, { record, cachedAt: now });
    this.hashById.set(record.id, key);
  }

  invalidateToken(id: string): void {
    this.epoch++;
    const key = this.hashById.get(id);
    if (key !== undefined) this.delete(key, id);
  }

  /** Drops every token of an owner (an application or a user). */
  invalidateOwner(ownerId: string): void {
    this.epoch++;
    for (const [key, entry] of this.byHash) if (entry.record.ownerId === ownerId) this.delete(key, entry.record.id);
  }

  clear(): void {
    this.epoch++;
    this.byHash.clear();
    this.hashById.clear();
  }

  private delete(key: string, id: string): void {
    this.byHash.delete(key);
    this.hashById.delete(id);
  }
}
