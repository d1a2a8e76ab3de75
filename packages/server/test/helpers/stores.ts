// The storage adapters every storage test loops over (Kysely style). PostgreSQL is
// the one in DATABASE_URL when that is a postgres:// URL, else the machine's local
// server; each test gets a schema of its own, dropped afterwards. When PostgreSQL
// cannot be reached, its tests are reported as skipped with the reason.
import type { TestContext } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/port.js';

export const postgresUrl = process.env.DATABASE_URL?.startsWith('postgres')
  ? process.env.DATABASE_URL
  : 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL answers; otherwise why not. */
export function postgresSkipReason(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL not reachable at ${postgresUrl}: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/** A fresh schema name, dropped (with everything in it) when the test ends. */
export async function freshSchema(t: TestContext): Promise<string> {
  const schema = `lk_test_${randomBytes(6).toString('hex')}`;
  t.after(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });
  return schema;
}

export interface Adapter {
  name: 'sqlite' | 'postgres';
  /** Opens a store on empty tables; closed when the test ends. */
  open(t: TestContext): Promise<Store>;
}

export const adapters: Adapter[] = [
  {
    name: 'sqlite',
    async open(t) {
      const store = await openStore('sqlite::memory:');
      t.after(() => store.close());
      return store;
    },
  },
  {
    name: 'postgres',
    async open(t) {
      const store = await openStore(postgresUrl, { schema: await freshSchema(t) });
      t.after(() => store.close());
      return store;
    },
  },
];

/** Skips the test (visibly, with the reason) when the adapter's database is away. */
export async function skipUnavailable(t: TestContext, adapter: Adapter): Promise<boolean> {
  if (adapter.name !== 'postgres') return false;
  const reason = await postgresSkipReason();
  if (reason) t.skip(reason);
  return reason !== undefined;
}

/** The URL a separate process (the CLI, a server) takes to use `schema` (its search_path). */
export const schemaUrl = (schema: string) => `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
