// Rate limit counters in Redis, so several nodes share them exactly: one atomic
// script per verification covering all its limits (redis-script.ts), sent as EVALSHA
// (ioredis loads the script on NOSCRIPT) and auto-pipelined with the verifications
// that arrive in the same turn. Redis unreachable: every apply answers at once by the
// on-error setting (no offline queue, short timeouts), and the outage is logged once.
import { Redis } from 'ioredis';
import type { LimitDecision, LimitRequest, RateLimiter } from './rate-limiter.js';
import type { Metrics } from '../metrics/metrics.js';
import { RedisReachability, type ReachabilityLog } from './redis-reachability.js';
import { applyScript, refundScript } from './redis-script.js';
import { retryAfterMs, stateOf, windowOf, type WindowCounts } from './sliding-window.js';

export type RatelimitOnError = 'allow' | 'deny';

export interface RedisRateLimiterOptions {
  url: string;
  /** Redis unreachable: 'allow' answers as if every limit had room (fail open), 'deny' refuses. */
  onError: RatelimitOnError;
  /** Put before every key, so several deployments (or test runs) can share one Redis. */
  keyPrefix?: string;
  /** Longest wait for one script's answer before it counts as an outage (ms, default 500). */
  commandTimeoutMs?: number;
  /** Longest wait for a connection (ms, default 1000). */
  connectTimeoutMs?: number;
  log?: ReachabilityLog;
  /** Where Redis errors and the verifications decided without Redis are counted. */
  metrics?: Metrics;
}

/** How long a refusal for an unreachable Redis asks the caller to wait. */
const outageRetryAfterMs = 1_000;

interface LimitCommands {
  latchkeyApply(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
  latchkeyRefund(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number>;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly commands: LimitCommands;
  private readonly reachability: RedisReachability;
  private readonly prefix: string;
  private closed = false;

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.prefix = options.keyPrefix ?? 'latchkey:rl:';
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      // A Redis that stops answering without closing the connection (a partition): the
      // connection is dropped after the same wait, so later verifications answer at once
      // instead of each waiting out its own timeout on a dead socket.
      socketTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: options.connectTimeoutMs ?? 1_000,
      // Reconnect quickly, then every second: a verification never waits for it.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
    this.redis.defineCommand('latchkeyApply', { lua: applyScript });
    this.redis.defineCommand('latchkeyRefund', { lua: refundScript });
    this.commands = this.redis as unknown as LimitCommands;
    this.reachability = new RedisReachability(options.onError, options.log, options.metrics);
    this.redis.on('ready', () => this.reachability.up());
    this.redis.on('error', (error: Error) => this.reachability.down(error));
    this.redis.on('close', () => this.reachability.down(new Error('connection closed')));
  }

  /** Starts connecting (without waiting: until Redis answers, applies follow the on-error setting). */
  connect(): void {
    this.redis.connect().catch((error: Error) => this.reachability.down(error));
  }

  /** Resolves once Redis answers (tests and start-up checks). */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => this.redis.once('ready', () => resolve()));
  }

  /**
   * One counter per token, limit (name, quota, duration) and window: a patched limit
   * counts afresh, as in memory. The token id in braces is a hash tag: all of one
   * verification's keys land in one slot of a cluster.
   */
  private key(request: LimitRequest, window: number): string {
    return `${this.prefix}{${request.tokenId}}:${request.name}:${request.limit}:${request.duration}:${window}`;
  }

  apply(requests: readonly LimitRequest[], now: number): LimitDecision | Promise<LimitDecision> {
    if (requests.length === 0) return { allowed: true, states: [] };
    const keys: string[] = [];
    const args: number[] = [now];
    for (const request of requests) {
      const window = windowOf(now, request.duration);
      keys.push(this.key(request, window), this.key(request, window - 1));
      args.push(request.limit, request.duration, request.cost);
    }
    return this.commands.latchkeyApply(keys.length, ...keys, ...args).then(
      (reply) => {
        this.reachability.up();
        return decide(requests, reply, now);
      },
      (error: Error) => {
        this.reachability.down(error);
        return this.unreachable(requests, now);
      },
    );
  }

  /** The on-error setting's answer: every limit had room (nothing counted), or none had. */
  private unreachable(requests: readonly LimitRequest[], now: number): LimitDecision {
    const allowed = this.options.onError === 'allow';
    const { metrics } = this.options;
    if (metrics) (allowed ? metrics.rateLimitFailOpen : metrics.rateLimitFailClosed).inc();
    const states = requests.map((request) => ({
      ...stateOf(request, { current: 0, previous: 0 }, now, allowed),
      ...(allowed ? {} : { remaining: 0 }),
    }));
    return allowed ? { allowed, states } : { allowed, states, retryAfterMs: outageRetryAfterMs };
  }

  async refund(requests: readonly LimitRequest[], now: number): Promise<void> {
    const spent = requests.filter((request) => request.cost > 0);
    if (spent.length === 0) return;
    const keys = spent.map((request) => this.key(request, windowOf(now, request.duration)));
    try {
      await this.commands.latchkeyRefund(keys.length, ...keys, ...spent.map((request) => request.cost));
    } catch (error) {
      // Unreachable: what was counted stays counted (the window forgets it in time).
      this.reachability.down(error as Error);
    }
  }

  status(): { store: 'redis'; reachable: boolean } {
    return { store: 'redis', reachable: this.reachability.reachable };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reachability.closing();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

/** The script's reply as a decision: the counts read, rendered as each limit's state. */
function decide(requests: readonly LimitRequest[], reply: number[], now: number): LimitDecision {
  const allowed = reply[0] === 1;
  const counts: WindowCounts[] = requests.map((_, i) => ({ current: reply[2 * i + 1]!, previous: reply[2 * i + 2]! }));
  const states = requests.map((request, i) => stateOf(request, counts[i]!, now, allowed));
  if (allowed) return { allowed, states };
  // Until every limit that refused has room again.
  let wait = 0;
  requests.forEach((request, i) => {
    const after = retryAfterMs(request, counts[i]!, now);
    if (after > wait) wait = after;
  });
  return { allowed, states, retryAfterMs: wait };
}
