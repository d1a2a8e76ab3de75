// Counts failures per key (an email, an address) in fixed windows. Used to refuse
// brute force with 429 and Retry-After. In memory, per node; bounded in keys.
export class FailureCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  add(key: string, now: number): void {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (!window && this.windows.size >= this.maxKeys) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
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
