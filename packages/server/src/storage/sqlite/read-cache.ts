// Results of the hot reads, kept for as long as the database is unchanged. SQLite
// says exactly when that is: `pragma data_version` moves when another connection
// (a CLI command, say) commits, and total_changes() when this one writes. Checking
// both costs one read transaction; the queries it saves cost several. While a
// transaction is open on this connection its writes may still roll back, so reads
// then neither use nor fill the cache. Kept values are shared: callers must not
// change them.
import type BetterSqlite3 from 'better-sqlite3';

export class ReadCache {
  private readonly entries = new Map<string, { stamp: string; value: unknown }>();
  private readonly dataVersion: BetterSqlite3.Statement<[], number>;
  private readonly totalChanges: BetterSqlite3.Statement<[], number>;
  /** data_version read once per turn of the event loop: requests of one turn see one moment. */
  private turnVersion: number | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly maxEntries = 10_000,
  ) {
    this.dataVersion = db.prepare<[], number>('pragma data_version').pluck();
    this.totalChanges = db.prepare<[], number>('select total_changes()').pluck();
  }

  /**
   * The stamp is taken before reading: a write that lands during an asynchronous
   * read changes the stamp, so what was read is refetched next time, never served
   * as current for a database that moved on.
   */
  async get<V>(key: string, read: () => V | Promise<V>): Promise<V> {
    if (this.db.inTransaction) return read();
    const stamp = `${this.version()} ${this.totalChanges.get()}`;
    const hit = this.entries.get(key);
    if (hit?.stamp === stamp) return hit.value as V;
    const value = await read();
    // Maps iterate in insertion order: drop the oldest entry.
    if (!hit && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { stamp, value });
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
