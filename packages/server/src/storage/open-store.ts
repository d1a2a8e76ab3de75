// Chooses the adapter from a database URL: `sqlite:PATH` (or a bare path) or `postgres://...`.
import type { Store } from './port.js';
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore, type Durability } from './sqlite/index.js';

export interface OpenStoreOptions {
  durability?: Durability;
  /** PostgreSQL only: the schema holding latchkey's tables. */
  schema?: string;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgresStore({ url, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  }
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path === '') throw new Error(`Invalid database URL: ${url}`);
  return openSqliteStore({ path, durability: options.durability ?? 'process' });
}
