// SQLite adapter: the embedded default. One process owns the file (WAL mode lets
// readers run beside the writer, but several latchkey processes on one file is
// not supported: their in-process caches would not see each other's writes). Its
// hot reads are in hot-reads.ts, its dialect's capabilities in dialect.ts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store, StoreAdapter } from '../port.js';
import { migrationsFor } from '../sql/migrations.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Database } from '../sql/tables.js';
import { runMigrations } from '../sql/migrate.js';
import { sqliteDialect } from './dialect.js';
import { SqliteHotReads } from './hot-reads.js';
import { withStatementCache } from './support/statement-cache.js';

import type { OpenStoreOptions } from '../port.js';

export type Durability = NonNullable<OpenStoreOptions['durability']>;

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /**
   * 'process' (default): WAL + synchronous=NORMAL; a commit is in the OS before the
   * response, so a crash of the process loses nothing. 'power': synchronous=FULL,
   * which also survives power loss at the cost of an fsync per commit.
   */
  durability?: Durability;
}

/** The file's Kysely database (and its raw connection) on the current schema: what the store and `latchkey migrate` open. */
export async function openSqliteDatabase(options: SqliteOptions): Promise<{ db: Kysely<Database>; raw: BetterSqlite3.Database }> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.durability === 'power' ? 'FULL' : 'NORMAL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  try {
    await runMigrations(db, migrationsFor(sqliteDialect));
  } catch (error) {
    raw.close();
    throw error;
  }
  return { db, raw };
}

export async function openSqliteStore(options: SqliteOptions): Promise<Store> {
  const { db, raw } = await openSqliteDatabase(options);
  const hotReads = new SqliteHotReads(db, raw);
  return SqlStore.start(db, {
    dialect: sqliteDialect,
    hotReads,
    pool: () => hotReads.connection(),
    close: async () => {
      if (raw.open) raw.close();
    },
  });
}

export const sqlitePathOf = (url: string) => (url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url);

/** `sqlite:PATH`, or a bare path: whatever the adapters before it do not take. */
export const sqliteAdapter: StoreAdapter = {
  accepts: (url) => sqlitePathOf(url) !== '',
  open: (url, options) => openSqliteStore({ path: sqlitePathOf(url), durability: options.durability ?? 'process' }),
  async openDatabase(url) {
    const { db, raw } = await openSqliteDatabase({ path: sqlitePathOf(url) });
    return {
      db,
      dialect: sqliteDialect,
      close: async () => {
        await db.destroy();
        if (raw.open) raw.close();
      },
    };
  },
};
