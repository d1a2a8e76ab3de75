// Slows brute force on POST /auth/user: after `limit` failures for one email, or
// `limit * 4` for one address, within `windowMs`, further attempts are refused
// with 429 and Retry-After until the window has passed. In memory, per node.
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds until `email`/`address` may try again, or 0 when they may now. */
  retryAfter(email: string, address: string, now: number): number {
    return Math.max(this.wait(`e:${email}`, this.limit, now), this.wait(`a:${address}`, this.limit * 4, now));
  }

  fail(email: string, address: string, now: number): void {
    for (const key of [`e:${email}`, `a:${address}`]) {
      if (!this.failures.has(key) && this.failures.size >= this.maxKeys) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
      recent.push(now);
      this.failures.set(key, recent);
    }
  }

  succeed(email: string): void {
    this.failures.delete(`e:${email}`);
  }

  private wait(key: string, limit: number, now: number): number {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length < limit) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - limit]! + this.windowMs - now) / 1000));
  }
}
