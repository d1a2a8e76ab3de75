// Results of the hot reads, kept for as long as the database is unchanged. SQLite
// says exactly when that is: `pragma data_version` moves when another connection
// (a CLI command, say) commits, and total_changes() when this one writes. Checking
// both costs one read transaction; the queries it saves cost several. While a
// transaction is open on this connection its writes may still roll back, so reads
// then neither use nor fill the cache. Kept values are shared: callers must not
// change them. The cache is bounded by weight, not by entries: a kept page of 100
// refs holds a hundred times what a kept token does, and with a bound of entries
// alone, a walk over many pages (bench:scale reads ten thousand) kept about 80 MB.
// Entries leave in the order they were kept (a hit does not renew one).
import { BoundedCache } from '@latchkey/contract';
import type BetterSqlite3 from 'better-sqlite3';

interface Kept {
  stamp: string;
  value: unknown;
  weight: number;
}

export class ReadCache {
  private readonly entries: BoundedCache<string, Kept>;
  private readonly dataVersion: BetterSqlite3.Statement<[], number>;
  private readonly totalChanges: BetterSqlite3.Statement<[], number>;
  /** data_version read once per turn of the event loop: requests of one turn see one moment. */
  private turnVersion: number | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    /** In the callers' units: one per token, kept or listed on a page. */
    maxWeight = 20_000,
  ) {
    this.entries = new BoundedCache({ maxWeight, weigh: (kept) => kept.weight });
    this.dataVersion = db.prepare<[], number>('pragma data_version').pluck();
    this.totalChanges = db.prepare<[], number>('select total_changes()').pluck();
  }

  /**
   * The stamp is taken before reading: a write that lands during an asynchronous
   * read changes the stamp, so what was read is refetched next time, never served
   * as current for a database that moved on.
   */
  async get<V>(key: string, read: () => V | Promise<V>, weigh: (value: V) => number = () => 1): Promise<V> {
    if (this.db.inTransaction) return read();
    const stamp = `${this.version()} ${this.totalChanges.get()}`;
    const hit = this.entries.peek(key);
    if (hit?.stamp === stamp) return hit.value as V;
    const value = await read();
    // Replaced, or dropped if too heavy to keep (nothing else is dropped for it).
    this.entries.delete(key);
    this.entries.set(key, { stamp, value, weight: weigh(value) });
    return value;
  }

  private version(): number {
    if (this.turnVersion === undefined) {
      this.turnVersion = this.dataVersion.get()!;
      setImmediate(() => (this.turnVersion = undefined));
    }
    return this.turnVersion;
  }
}
