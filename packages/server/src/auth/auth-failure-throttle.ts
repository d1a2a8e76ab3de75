// Failed authentications per address: past the limit in a minute, the address gets
// 429 until the window ends (0 turns the throttle off). Shared by the authenticate
// hook and the early refusal, so both count towards, and answer by, one limit.
import { FailureCounter } from './failure-counter.js';

export class AuthFailureThrottle {
  private readonly failures = new FailureCounter(60_000);

  constructor(private readonly limit: number) {}

  /** Seconds until `address` may try again; 0 when it may now. */
  retryAfter(address: string, now: number): number {
    return this.limit > 0 ? this.failures.retryAfter(address, this.limit, now) : 0;
  }

  failed(address: string, now: number): void {
    if (this.limit > 0) this.failures.add(address, now);
  }
}
