// Slows brute force on POST /auth/user: after `limit` failures for one email, or
// `limit * 4` from one address, within the window, further attempts are refused
// with 429 and Retry-After until the window has passed.
//
// Attempts still being checked hold a place: an email or address may have no more
// checks running than the failures it has left, and the others wait for one to end.
// Counted only once checked, any number of attempts arriving together would pass
// the throttle before the first failure was recorded.
import { FailureCounter } from './failure-counter.js';

interface Allowance {
  key: string;
  limit: number;
}

export class LoginThrottle {
  private readonly counter: FailureCounter;
  /** Checks running per key: only while they run (a key leaves at 0), so bounded by the requests in flight. */
  private readonly running = new Map<string, number>();
  /** Attempts waiting for a running check to end; each looks again when one does. */
  private waiting: Array<() => void> = [];

  constructor(
    private readonly limit = 5,
    windowMs = 15 * 60_000,
  ) {
    this.counter = new FailureCounter(windowMs);
  }

  /**
   * Runs `check` (a password check; `ok` when it succeeded) once `email` and
   * `address` have a failure to spare, or answers the seconds until they may try
   * again. A failed check counts against both; a successful one starts the email
   * afresh. A check that throws counts as neither.
   */
  async attempt<T extends { ok: boolean }>(
    email: string,
    address: string,
    now: number,
    check: () => Promise<T>,
  ): Promise<{ wait: number; result?: T }> {
    const allowances: Allowance[] = [
      { key: `e:${email}`, limit: this.limit },
      { key: `a:${address}`, limit: this.limit * 4 },
    ];
    for (;;) {
      const wait = Math.max(...allowances.map(({ key, limit }) => this.counter.retryAfter(key, limit, now)));
      if (wait > 0) return { wait };
      if (allowances.every(({ key, limit }) => this.counter.count(key, now) + (this.running.get(key) ?? 0) < limit)) break;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    for (const { key } of allowances) this.running.set(key, (this.running.get(key) ?? 0) + 1);
    let result: T | undefined;
    try {
      result = await check();
    } finally {
      for (const { key } of allowances) {
        const left = this.running.get(key)! - 1;
        if (left === 0) this.running.delete(key);
        else this.running.set(key, left);
      }
      if (result?.ok === false) for (const { key } of allowances) this.counter.add(key, now);
      else if (result?.ok) this.counter.clear(`e:${email}`);
      const waiting = this.waiting;
      this.waiting = [];
      for (const wake of waiting) wake();
    }
    return { wait: 0, result };
  }
}
