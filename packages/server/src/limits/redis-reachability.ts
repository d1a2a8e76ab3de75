// Whether Redis answers, for /health, and the log of its outages: one warning when an
// outage starts and one line when it ends, however many connection errors and
// refused commands come in between (a flapping connection must not flood the log).
import type { Metrics } from '../metrics/metrics.js';

export interface ReachabilityLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export class RedisReachability {
  /** False until the first connection is ready. */
  reachable = false;
  private outage = false;
  private shuttingDown = false;

  constructor(
    private readonly onError: 'allow' | 'deny',
    private readonly log?: ReachabilityLog,
    private readonly metrics?: Metrics,
  ) {}

  up(): void {
    this.reachable = true;
    if (!this.outage) return;
    this.outage = false;
    this.log?.info({}, 'Redis reachable again: rate limits are counted there again');
  }

  down(error: Error): void {
    this.reachable = false;
    // Every error is counted, even within an outage the log reports once.
    if (!this.shuttingDown) this.metrics?.redisErrors.inc();
    if (this.outage || this.shuttingDown) return;
    this.outage = true;
    const answer = this.onError === 'allow' ? 'allowed without counting' : 'refused';
    this.log?.warn(
      { err: { message: error.message } },
      `Redis unreachable: verifications that apply rate limits are ${answer} until it is back (--ratelimit-on-error ${this.onError})`,
    );
  }

  /** Closing the connection on purpose is no outage. */
  closing(): void {
    this.shuttingDown = true;
  }
}
