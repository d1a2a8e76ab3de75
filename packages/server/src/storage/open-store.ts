// Chooses the adapter from a database URL: `sqlite:PATH` (or a bare path) or
// `postgres://...`. Adding an adapter is a folder beside these and a line here.
import type { OpenStoreOptions, Store, StoreAdapter } from './port.js';
import { postgresAdapter } from './postgres/index.js';
import { sqliteAdapter } from './sqlite/index.js';

export type { OpenStoreOptions };

/** The first that accepts a URL opens it: SQLite, which takes bare paths, comes last. */
const adapters: readonly StoreAdapter[] = [postgresAdapter, sqliteAdapter];

export function adapterFor(url: string): StoreAdapter {
  const adapter = adapters.find((candidate) => candidate.accepts(url));
  if (!adapter) throw new Error(`Invalid database URL: ${url}`);
  return adapter;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  return adapterFor(url).open(url, options);
}
