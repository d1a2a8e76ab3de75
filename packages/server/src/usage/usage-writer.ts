// Makes the in-memory usage counts durable: every `flushIntervalMs` (5 s by
// default) it takes what UsageCounter accumulated and adds it to the store in one
// batch (one transaction); a batch that fails is put back into the counter, so the
// next one carries it. On close (the app's onClose) it writes what is left. A
// process killed without closing (kill -9, power loss) loses at most the counts
// since the last batch. On a slower timer it drops buckets past their retention.
import type { FastifyBaseLogger } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';
import type { Store, UsageCutoffs } from '../storage/port.js';
import type { UsageCounter } from './usage-counter.js';

const hourMs = 3_600_000;

/** How long buckets are kept, by resolution (ms); days are kept unless `dayMs` is given. */
export interface UsageRetention {
  minuteMs: number;
  hourMs: number;
  dayMs?: number;
}

export interface UsageWriterOptions {
  /** Longest time a count stays in memory only (default 5 s). */
  flushIntervalMs?: number;
  /** How often expired buckets are dropped (default 1 h). */
  pruneIntervalMs?: number;
  retention?: Partial<UsageRetention>;
}

export const defaultUsageRetention: UsageRetention = { minuteMs: 48 * hourMs, hourMs: 90 * 24 * hourMs };
export const defaultUsageFlushIntervalMs = 5_000;
const defaultPruneIntervalMs = hourMs;

export class UsageWriter {
  readonly retention: UsageRetention;
  readonly #flushIntervalMs: number;
  readonly #pruneIntervalMs: number;
  #timers: NodeJS.Timeout[] = [];
  /** The last write started: each waits for the one before, so batches never overlap. */
  #writing: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(
    private readonly store: Store,
    private readonly counter: UsageCounter,
    private readonly now: () => number,
    private readonly log: FastifyBaseLogger,
    options: UsageWriterOptions = {},
    private readonly metrics?: Metrics,
  ) {
    this.retention = { ...defaultUsageRetention, ...options.retention };
    this.#flushIntervalMs = options.flushIntervalMs ?? defaultUsageFlushIntervalMs;
    this.#pruneIntervalMs = options.pruneIntervalMs ?? defaultPruneIntervalMs;
  }

  /** Starts the timers; they never keep the process alive. */
  start(): void {
    const flush = setInterval(() => {
      // A batch still being written carries on; the next tick takes what came since.
      if (this.#pending === 0) void this.flush();
    }, this.#flushIntervalMs);
    const prune = setInterval(() => void this.prune(), this.#pruneIntervalMs);
    flush.unref();
    prune.unref();
    this.#timers = [flush, prune];
  }

  /**
   * Writes everything counted so far, after any batch already being written. Resolves
   * once it is stored; never rejects (a failed batch goes back into the counter and
   * is logged). Reads of usage call this first, so they include this node's counts.
   */
  flush(): Promise<void> {
    this.#pending++;
    const run = this.#writing.then(() => this.#write());
    this.#writing = run;
    return run;
  }

  async #write(): Promise<void> {
    this.#pending--;
    const batch = this.counter.take();
    if (batch.length === 0) return;
    try {
      await this.store.addUsage(batch);
      if (this.metrics) {
        this.metrics.usageBatchWritten.inc();
        const oldest = batch.reduce((min, c) => Math.min(min, c.minute), Infinity);
        this.metrics.usageBatchLag.set(Math.max(0, this.now() - oldest) / 1000);
      }
    } catch (error) {
      this.metrics?.usageBatchFailed.inc();
      this.counter.restore(batch);
      this.log.warn({ err: error, counts: batch.length }, 'could not write usage counts; kept for the next batch');
    }
  }

  /** Drops buckets past their retention; never rejects (logged). */
  async prune(): Promise<void> {
    const now = this.now();
    const cutoffs: UsageCutoffs = { minute: now - this.retention.minuteMs, hour: now - this.retention.hourMs };
    if (this.retention.dayMs !== undefined) cutoffs.day = now - this.retention.dayMs;
    try {
      await this.store.pruneUsage(cutoffs);
    } catch (error) {
      this.log.warn({ err: error }, 'could not drop expired usage buckets; will try again');
    }
  }

  /** Stops the timers and writes what is left (the app's onClose, before the store closes). */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.flush();
    const lost = this.counter.take();
    if (lost.length > 0) this.log.error({ counts: lost.length }, 'usage counts could not be written before shutdown and are lost');
  }
}
