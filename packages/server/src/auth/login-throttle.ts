// Slows brute force on POST /auth/user: after `limit` failures for one email, or
// `limit * 4` from one address, within the window, further attempts are refused
// with 429 and Retry-After until the window has passed.
import { FailureCounter } from './failure-counter.js';

export class LoginThrottle {
  private readonly counter: FailureCounter;

  constructor(
    private readonly limit = 5,
    windowMs = 15 * 60_000,
  ) {
    this.counter = new FailureCounter(windowMs);
  }

  /** Seconds until `email`/`address` may try again, or 0 when they may now. */
  retryAfter(email: string, address: string, now: number): number {
    return Math.max(this.counter.retryAfter(`e:${email}`, this.limit, now), this.counter.retryAfter(`a:${address}`, this.limit * 4, now));
  }

  fail(email: string, address: string, now: number): void {
    this.counter.add(`e:${email}`, now);
    this.counter.add(`a:${address}`, now);
  }

  succeed(email: string): void {
    this.counter.clear(`e:${email}`);
  }
}
