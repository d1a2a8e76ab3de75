// PostgreSQL adapter: several stateless latchkey nodes on one database. Its hot
// reads are prepared statements (hot-reads.ts); its nodes tell each other of their
// writes (peers.ts); its dialect's capabilities are in dialect.ts.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store, StoreAdapter } from '../port.js';
import { runMigrations } from '../sql/migrate.js';
import { migrationsFor } from '../sql/migrations.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Database } from '../sql/tables.js';
import { postgresDialect } from './dialect.js';
import { PostgresHotReads } from './hot-reads.js';
import { PostgresPeers } from './support/peers.js';

// int8 (bigint) columns hold epoch milliseconds: well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  url: string;
  /** Tables live in this schema (created if missing); default: the connection's search_path. */
  schema?: string;
  poolSize?: number;
}

function connectionConfig(options: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    // Fail fast rather than hang when the database is away.
    connectionTimeoutMillis: 2_000,
    query_timeout: 10_000,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
}

/** A pool's Kysely database on the current schema: what the store and `latchkey migrate` open. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<{ db: Kysely<Database>; pool: pg.Pool }> {
  const pool = new pg.Pool({ ...connectionConfig(options), max: options.poolSize ?? 10 });
  // A client losing its connection must not crash the process: an idle one's error
  // reaches the pool (which replaces it on the next query); a checked-out one's
  // reaches its query too, which rejects, but pg also emits it on the client, which
  // the pool leaves without a listener while the client is out.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Kysely's migrator creates the schema (tolerating a concurrent creator) and
    // applies migrations under an advisory lock. Told no schema, it may take another
    // schema's migration table for its own: name the one this URL's connections use
    // (a search_path in the URL), when none is given.
    const schema =
      options.schema ?? (await pool.query<{ schema: string | null }>('select current_schema() as schema')).rows[0]?.schema ?? undefined;
    await runMigrations(db, migrationsFor(postgresDialect), schema);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
  return { db, pool };
}

export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const { db, pool } = await openPostgresDatabase(options);
  const peers = new PostgresPeers(pool, connectionConfig(options));
  try {
    return await SqlStore.start(db, {
      dialect: postgresDialect,
      hotReads: new PostgresHotReads(db, pool),
      peers,
      pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    });
  } catch (error) {
    await peers.close();
    await db.destroy().catch(() => {});
    throw error;
  }
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

export const postgresAdapter: StoreAdapter = {
  accepts: (url) => url.startsWith('postgres://') || url.startsWith('postgresql://'),
  open: (url, options) => openPostgresStore({ url, ...(options.schema === undefined ? {} : { schema: options.schema }) }),
  async openDatabase(url) {
    // One connection reads or writes the copy; a second is spare. The schema is named
    // to the migrator: without one, Kysely takes a migration table in any schema of
    // the database for its own.
    const { db } = await openPostgresDatabase({ url, schema: await currentSchema(url), poolSize: 2 });
    return { db, dialect: postgresDialect, close: () => db.destroy() };
  },
};
