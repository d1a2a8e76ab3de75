// The rate limiter of one node: every limit's counters in this process's memory.
// The sliding window of rate-limiter.ts's port (as Unkey counts it), with the
// arithmetic the Redis limiter shares (sliding-window.ts); its bound of error is in
// docs/ARCHITECTURE.md.
import { BoundedCache } from '@latchkey/contract';
import type { LimitDecision, LimitRequest, RateLimiter } from './rate-limiter.js';
import { fits, retryAfterMs, usedNow } from './sliding-window.js';

/** The counts of one limit of one token. */
interface Windows {
  /** floor(time / duration) of the window `current` counts. */
  window: number;
  current: number;
  previous: number;
}

/** Most limits counted at once; past it the least recently used are forgotten (they admit again). */
export const defaultMaxCountedLimits = 1_000_000;

// A limit's identity includes its duration and quota: a patched limit starts afresh.
const keyOf = (r: LimitRequest) => `${r.tokenId} ${r.name} ${r.duration} ${r.limit}`;

export class MemoryRateLimiter implements RateLimiter {
  /** The clock the cache's TTLs see: the time of the latest call. */
  private clock = 0;
  private readonly counts: BoundedCache<string, Windows>;

  constructor(maxCountedLimits = defaultMaxCountedLimits) {
    this.counts = new BoundedCache({ max: maxCountedLimits, ttlMs: Number.MAX_SAFE_INTEGER, now: () => this.clock });
  }

  /** The counts of `r` at `now`, windows moved on to now's (not kept yet). */
  private windowsOf(r: LimitRequest, now: number): Windows {
    const window = Math.floor(now / r.duration);
    const kept = this.counts.get(keyOf(r));
    if (!kept) return { window, current: 0, previous: 0 };
    if (kept.window === window) return kept;
    return { window, current: 0, previous: kept.window === window - 1 ? kept.current : 0 };
  }

  apply(requests: readonly LimitRequest[], now: number): LimitDecision {
    this.clock = now;
    const windows = requests.map((r) => this.windowsOf(r, now));
    const used = requests.map((r, i) => usedNow(windows[i]!, r.duration, now));
    const allowed = requests.every((r, i) => fits(used[i]!, r.limit, r.cost));
    let wait = 0;
    const states = requests.map((r, i) => {
      const w = windows[i]!;
      if (allowed && r.cost > 0) {
        w.current += r.cost;
        // Kept until both windows it counts have passed: then it weighs nothing.
        this.counts.set(keyOf(r), w, undefined, (w.window + 2) * r.duration - now);
      } else if (!allowed && !fits(used[i]!, r.limit, r.cost)) {
        wait = Math.max(wait, retryAfterMs(r, w, now));
      }
      const remaining = Math.max(0, r.limit - used[i]! - (allowed ? r.cost : 0));
      return { name: r.name, limit: r.limit, duration: r.duration, remaining, reset: (w.window + 1) * r.duration };
    });
    return allowed ? { allowed, states } : { allowed, states, retryAfterMs: wait };
  }

  /** `now` is the time the refunded apply was given. */
  refund(requests: readonly LimitRequest[], now: number): void {
    for (const r of requests) {
      const kept = this.counts.peek(keyOf(r));
      if (!kept) continue;
      const window = Math.floor(now / r.duration);
      if (kept.window === window) kept.current = Math.max(0, kept.current - r.cost);
      else if (kept.window === window + 1) kept.previous = Math.max(0, kept.previous - r.cost);
    }
  }

  status(): { store: 'memory'; reachable: boolean } {
    return { store: 'memory', reachable: true };
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}
