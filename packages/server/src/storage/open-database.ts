// Opens a database URL as its Kysely tables rather than as a Store, on the current
// schema (the adapters' own opening and migrations): for `latchkey migrate`, which
// copies rows table by table and so works below the storage port.
import type { Kysely } from 'kysely';
import pg from 'pg';
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
    // One connection reads or writes the copy; a second is spare. The schema is named
    // to the migrator: without one, Kysely takes a migration table in any schema of
    // the database for its own.
    const { db } = await openPostgresDatabase({ url, schema: await currentSchema(url), poolSize: 2 });
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

/** The schema a URL's connections use (its search_path, e.g. `?options=-c search_path=NAME`). */
async function currentSchema(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string | null }>('select current_schema() as schema');
    const schema = rows[0]?.schema;
    if (!schema) throw new Error(`no schema of the search_path of ${url.replace(/\/\/[^@/]*@/, '//')} exists: create it first`);
    return schema;
  } finally {
    await client.end();
  }
}
