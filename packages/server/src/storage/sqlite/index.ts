// SQLite adapter: the embedded default. One process owns the file (WAL mode lets
// readers run beside the writer, but several latchkey processes on one file is
// not supported: their in-process caches would not see each other's writes).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { TokenRecord } from '../port.js';
import { migrationsFor } from '../sql/migrations.js';
import { tokenColumns, tokenFromRow, type TokenRow } from '../sql/rows.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Database } from '../sql/tables.js';
import { runMigrations } from '../sql/migrate.js';
import { withStatementCache } from './statement-cache.js';

export type Durability = 'process' | 'power';

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

class SqliteStore extends SqlStore {
  readonly kind = 'sqlite' as const;
  private readonly byHash: BetterSqlite3.Statement<[Uint8Array], TokenRow>;

  constructor(db: Kysely<Database>, private readonly raw: BetterSqlite3.Database) {
    super(db);
    // The hot path skips the query builder: one prepared statement, reused.
    this.byHash = raw.prepare(`select ${tokenColumns.join(', ')} from api_tokens where token_hash = ?`);
  }

  override async findTokenByHash(hash: Uint8Array): Promise<TokenRecord | undefined> {
    const row = this.byHash.get(hash);
    return row && tokenFromRow(row);
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.raw.open) this.raw.close();
  }
}

export async function openSqliteStore(options: SqliteOptions): Promise<SqlStore> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.durability === 'power' ? 'FULL' : 'NORMAL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  await runMigrations(db, migrationsFor('sqlite'));
  return new SqliteStore(db, raw);
}
