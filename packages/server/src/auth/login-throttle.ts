// Slows brute force on POST /auth/user: after `limit` failures for one email, or
// `limit * 4` from one address, within the window, further attempts are refused
// with 429 and Retry-After until the window has passed.
//
// An attempt is counted as a failure before its password is checked, and taken back
// if it succeeds: counted only after the check, any number of attempts arriving
// together would all pass the throttle before the first failure was recorded.
import { FailureCounter } from './failure-counter.js';

export class LoginThrottle {
  private readonly counter: FailureCounter;

  constructor(
    private readonly limit = 5,
    windowMs = 15 * 60_000,
  ) {
    this.counter = new FailureCounter(windowMs);
  }

  /**
   * Reserves a failure for `email` and `address` and answers 0, or answers the
   * seconds until they may try again (reserving nothing) when either is at its limit.
   */
  reserve(email: string, address: string, now: number): number {
    const wait = Math.max(
      this.counter.retryAfter(`e:${email}`, this.limit, now),
      this.counter.retryAfter(`a:${address}`, this.limit * 4, now),
    );
    if (wait > 0) return wait;
    this.counter.add(`e:${email}`, now);
    this.counter.add(`a:${address}`, now);
    return 0;
  }

  /** The reserved attempt succeeded: the email starts afresh, and the address's reservation is taken back. */
  succeed(email: string, address: string): void {
    this.counter.clear(`e:${email}`);
    this.counter.remove(`a:${address}`);
  }
}
