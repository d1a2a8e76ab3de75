// The one cache of latchkey: a bounded map (lru-cache: entry and weight bounds, TTLs)
// with an epoch guard. Every in-memory cache of the server and of the client's
// verifier is one of these, so eviction, expiry and the race between a read and an
// invalidation are handled in one place. Pure: runs in browsers too.
import { LRUCache } from 'lru-cache';

export interface BoundedCacheOptions<K, V> {
  /** Most entries kept (or give `maxWeight` and `weigh` instead). */
  max?: number;
  /** Most total weight kept, as measured by `weigh` (both or neither, instead of `max`). */
  maxWeight?: number;
  weigh?: (value: V, key: K) => number;
  /** Entries older than this (strictly) are not served; 0 keeps nothing at all. */
  ttlMs?: number;
  /** The clock TTLs are measured by (milliseconds); tests move it. */
  now?: () => number;
  /** Called for every entry that leaves the cache: evicted, expired, replaced or deleted. */
  onRemove?: (value: V, key: K) => void;
}

export class BoundedCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<K, V>;
  private readonly keeps: boolean;
  /**
   * Bumped by every invalidation. A reader takes it (`begin`) before reading the
   * source and hands it to `set`: what it read is dropped if an invalidation came
   * in between, so a stale value read before a write is never kept after it.
   */
  private epoch = 0;

  constructor(options: BoundedCacheOptions<K, V>) {
    const { max, maxWeight, weigh, ttlMs, now, onRemove } = options;
    this.keeps = ttlMs !== 0;
    if (max !== undefined && maxWeight !== undefined) throw new Error('BoundedCache: give max or maxWeight, not both');
    // An entry bound is a weight of one per entry. lru-cache's own `max` would allocate
    // its arrays for every entry up front, in old space, when the app starts; with
    // those there, V8 was seen to start allocating each request's short-lived objects
    // in old space too, in some processes and not others, and to spend much of the
    // process's time collecting them (bench/results/floor.md).
    const bound = max === undefined ? { maxSize: maxWeight, sizeCalculation: weigh } : { maxSize: max, sizeCalculation: () => 1 };
    // One of the two bounds is always given (lru-cache checks at run time too).
    this.entries = new LRUCache<K, V>({
      ...bound,
      ...(ttlMs ? { ttl: ttlMs, ttlResolution: 0, ...(now ? { perf: { now } } : {}) } : {}),
      ...(onRemove ? { dispose: onRemove } : {}),
    } as LRUCache.Options<K, V, unknown>);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The epoch to pass to `set` after reading the source. */
  begin(): number {
    return this.epoch;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Like get, without counting as a use: entries read only so leave in the order they were set. */
  peek(key: K): V | undefined {
    return this.entries.peek(key);
  }

  /**
   * Keeps `value` unless an invalidation happened since `epoch` was taken, or it
   * weighs more than the whole cache may. Returns whether it was kept. `ttlMs`
   * shortens this entry's life (a value that goes stale sooner than the others).
   */
  set(key: K, value: V, epoch = this.epoch, ttlMs?: number): boolean {
    if (!this.keeps || epoch !== this.epoch) return false;
    if (ttlMs === undefined) this.entries.set(key, value);
    else this.entries.set(key, value, { ttl: ttlMs });
    return this.entries.has(key);
  }

  /**
   * Reads in flight are not kept, though nothing kept changes: what they read may
   * be what a write just changed, before it reached the cache.
   */
  dropReadsInFlight(): void {
    this.epoch++;
  }

  /** Drops one entry; reads in flight are not kept. */
  delete(key: K): void {
    this.epoch++;
    this.entries.delete(key);
  }

  /** Drops every entry the predicate holds for; reads in flight are not kept. */
  deleteWhere(predicate: (value: V, key: K) => boolean): void {
    this.epoch++;
    for (const [key, value] of this.entries.entries()) if (predicate(value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
