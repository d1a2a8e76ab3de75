// Opens a database URL as its Kysely tables rather than as a Store, on the current
// schema (the adapters' own opening and migrations): for `latchkey migrate`, which
// copies rows table by table and so works below the storage port.
import type { Kysely } from 'kysely';
import { openPostgresDatabase, postgresAdapter } from './postgres/index.js';
import { postgresDialect } from './postgres/dialect.js';
import type { SqlDialect } from './sql/dialect.js';
import type { Database } from './sql/tables.js';
import { openSqliteDatabase, sqliteAdapter, sqlitePathOf } from './sqlite/index.js';
import { sqliteDialect } from './sqlite/dialect.js';

export interface SqlDatabase {
  db: Kysely<Database>;
  dialect: SqlDialect;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<SqlDatabase> {
  if (postgresAdapter.accepts(url)) {
    // One connection reads or writes the copy; a second is spare.
    const { db } = await openPostgresDatabase({ url, poolSize: 2 });
    return { db, dialect: postgresDialect, close: () => db.destroy() };
  }
  if (sqliteAdapter.accepts(url)) {
    const { db, raw } = await openSqliteDatabase({ path: sqlitePathOf(url) });
    return {
      db,
      dialect: sqliteDialect,
      close: async () => {
        await db.destroy();
        if (raw.open) raw.close();
      },
    };
  }
  throw new Error(`Invalid database URL: ${url}`);
}
