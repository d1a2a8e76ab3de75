// Group commit: writes that arrive together share one transaction. A commit costs
// far more than an insert (WAL frames written, and with durability 'power' an
// fsync), so under concurrency most of it is shared; alone, a write waits only for
// the current turn of the event loop. Every write's promise settles after the
// commit that holds it, so nothing is acknowledged before it is durable.
import type BetterSqlite3 from 'better-sqlite3';

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private pending: Array<Pending<T, R>> = [];
  private readonly commit: (items: readonly T[]) => R[];

  /** `write` runs inside the transaction, once per batch, and gives each item's result. */
  constructor(
    private readonly db: BetterSqlite3.Database,
    write: (items: readonly T[]) => R[],
    private readonly maxBatch = 500,
  ) {
    this.commit = db.transaction(write);
  }

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    // A transaction of the query builder's may be open on this connection across
    // awaits; a batch must not become part of it. Its end is at most a few turns away.
    if (this.db.inTransaction) {
      setImmediate(() => this.flush());
      return;
    }
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length > 0) setImmediate(() => this.flush());
    try {
      const results = this.commit(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One bad write must not fail the others: each alone, in its own transaction.
      for (const p of batch) {
        try {
          p.resolve(this.commit([p.item])[0]!);
        } catch (single) {
          p.reject(single);
        }
      }
    }
  }
}
