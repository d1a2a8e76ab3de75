// The rate limiter of one node: every limit's counters in this process's memory.
// The sliding window of rate-limiter.ts's port (as Unkey counts it): fixed windows of
// `duration` aligned to the epoch; a request sees the current window's count plus
// the previous window's, weighted by how much of the sliding window still overlaps
// it. Exact for traffic spread evenly over the previous window; otherwise its error
// is bounded by the previous window's count times the overlap it assumes.
import { BoundedCache } from '@latchkey/contract';
import type { LimitDecision, LimitRequest, RateLimiter } from './rate-limiter.js';

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

/** What the previous window still weighs at `now`: the sliding window's estimate. */
function usedAt(w: Windows, duration: number, now: number): number {
  return w.current + Math.floor((w.previous * (duration - (now % duration))) / duration);
}

/** A cost of 0 is a check: it fits while any quota is left. */
const fits = (used: number, cost: number, limit: number) => (cost === 0 ? used < limit : used + cost <= limit);

/**
 * How long until `cost` fits if nothing else is counted: within this window while the
 * previous one's weight decays, else into the next one (then `current` becomes the
 * previous). A cost above the limit never fits: one whole window is answered.
 */
function waitFor(w: Windows, r: LimitRequest, now: number): number {
  const need = Math.max(r.cost, 1);
  const { duration, limit } = r;
  if (need > limit) return duration;
  const left = duration - (now % duration);
  // With weight `previous` over the window, `floor(previous * x / duration) <= room`
  // holds once the time left in the window, x, is at most this.
  const latestFit = (previous: number, room: number) =>
    previous === 0 ? duration : Math.min(duration, Math.ceil(((room + 1) * duration) / previous) - 1);
  if (w.current + need <= limit) return Math.max(0, left - latestFit(w.previous, limit - need - w.current));
  return left + (duration - latestFit(w.current, limit - need));
}

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
    const used = requests.map((r, i) => usedAt(windows[i]!, r.duration, now));
    const allowed = requests.every((r, i) => fits(used[i]!, r.cost, r.limit));
    let retryAfterMs = 0;
    const states = requests.map((r, i) => {
      const w = windows[i]!;
      if (allowed && r.cost > 0) {
        w.current += r.cost;
        // Kept until both windows it counts have passed: then it weighs nothing.
        this.counts.set(keyOf(r), w, undefined, (w.window + 2) * r.duration - now);
      } else if (!allowed && !fits(used[i]!, r.cost, r.limit)) {
        retryAfterMs = Math.max(retryAfterMs, waitFor(w, r, now));
      }
      const remaining = Math.max(0, r.limit - used[i]! - (allowed ? r.cost : 0));
      return { name: r.name, limit: r.limit, duration: r.duration, remaining, reset: (w.window + 1) * r.duration };
    });
    return allowed ? { allowed, states } : { allowed, states, retryAfterMs };
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
