// The rate limiter port: where a verification's named limits are counted. In memory
// on one node (memory-rate-limiter.ts), in Redis when several nodes share them
// (redis-rate-limiter.ts). Both count the same sliding window (docs/ARCHITECTURE.md).
import type { RatelimitState } from '@latchkey/contract';

/** One limit of one token, and what this verification costs it. */
export interface LimitRequest {
  tokenId: string;
  name: string;
  limit: number;
  /** Milliseconds. */
  duration: number;
  /** 0: report the state without consuming. */
  cost: number;
}

export interface LimitDecision {
  /** True when every limit had room: then all were consumed; otherwise none was. */
  allowed: boolean;
  /** One per request, in order, after the decision. */
  states: RatelimitState[];
  /** When refused: how long until the first exceeded limit has room again (ms). */
  retryAfterMs?: number;
}

export interface RateLimiter {
  /** All or nothing over `requests` (synchronous where no I/O is needed). */
  apply(requests: readonly LimitRequest[], now: number): LimitDecision | Promise<LimitDecision>;
  /** Gives back what an allowed `apply` consumed (its credits were then refused). */
  refund(requests: readonly LimitRequest[], now: number): void | Promise<void>;
  /** For /health: where the counters are and whether they can be reached. */
  status(): { store: 'memory' | 'redis'; reachable: boolean };
  close(): Promise<void>;
}
