// Counts failures per key (an email, an address) in fixed windows. Used to refuse
// brute force with 429 and Retry-After. In memory, per node; bounded in keys (the
// least recently seen keys go first).
import { BoundedCache } from '@latchkey/contract';

interface Window {
  start: number;
  count: number;
}

export class FailureCounter {
  private readonly windows: BoundedCache<string, Window>;

  constructor(
    private readonly windowMs: number,
    maxKeys = 100_000,
  ) {
    // Windows end by the caller's clock (`now` arguments), not by a TTL of the cache.
    this.windows = new BoundedCache({ max: maxKeys });
  }

  add(key: string, now: number): void {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
  }

  /** Failures of `key` in its current window. */
  count(key: string, now: number): number {
    const window = this.windows.get(key);
    return window && now - window.start < this.windowMs ? window.count : 0;
  }

  clear(key: string): void {
    this.windows.delete(key);
  }

  /** Seconds until `key` may try again once it reached `limit` failures; 0 when it may now. */
  retryAfter(key: string, limit: number, now: number): number {
    const window = this.windows.get(key);
    if (!window || limit <= 0 || window.count < limit || now - window.start >= this.windowMs) return 0;
    return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }
}
