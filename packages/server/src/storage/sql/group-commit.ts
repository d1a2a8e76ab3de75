// Group commit: writes that arrive together share one transaction. A commit costs
// far more than an insert (WAL written, and with SQLite's durability 'power' or
// PostgreSQL's default an fsync), so under concurrency most of it is shared; alone,
// a write waits only for the current turn of the event loop. One batch is in flight
// at a time; what arrives meanwhile forms the next. Each write's promise settles
// after the commit that holds it, so nothing is acknowledged before it is durable.
import { setImmediate as nextTurn } from 'node:timers/promises';

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface BatchWriter<T, R> {
  /** Writes the items in one transaction; a result per item, in order. */
  many(items: readonly T[]): Promise<R[]>;
  /** Writes one item alone: after a failed batch, so one bad write fails alone. */
  one(item: T): Promise<R>;
}

export class GroupCommit<T, R> {
  private pending: Array<Pending<T, R>> = [];
  private writing = false;

  constructor(
    private readonly writer: BatchWriter<T, R>,
    private readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length === 1 && !this.writing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    try {
      const results = await this.writer.many(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const p of batch) await this.writer.one(p.item).then(p.resolve, p.reject);
    } finally {
      this.writing = false;
    }
    if (this.pending.length > 0) await nextTurn().then(() => this.flush());
  }
}
