// What the storage tests build their fixtures from: a token to store, two stores on
// one database, and the functions a store has.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { newId } from '@latchkey/contract';
import { hashToken } from '../../src/auth/token-hash.js';
import { openStore } from '../../src/storage/open-store.js';
import type { WebhookEventType } from '@latchkey/contract';
import type { NewToken, Store, WebhookRecord } from '../../src/storage/port.js';
import { newToken } from '../../src/tokens/api-token-wire.js';
import { freshSchema, postgresUrl, type Adapter } from './stores.js';

/** The fixtures' clock: every stored time is this one. */
export const t0 = Date.UTC(2030, 0, 1);

/** A token to store directly (never issued: its secret is derived from its id). */
export function storeToken(ownerId: string, name = 'tok', ownerType: NewToken['ownerType'] = 'application'): NewToken {
  const id = newId(t0);
  return newToken(
    { name },
    {
      id,
      owner: { ownerType, ownerId },
      creator: { creatorType: 'user', creatorId: ownerId, creatorName: 'c' },
      scope: ['all.Application'],
      at: t0,
      hash: hashToken(`secret-${id}`),
    },
  );
}

/** A webhook to store directly, on every event unless told. */
export function storeWebhook(
  ownerId: string,
  ownerType: WebhookRecord['ownerType'] = 'application',
  events: WebhookEventType[] = ['token.created', 'token.updated', 'token.deleted', 'token.expiring'],
  enabled = true,
): WebhookRecord {
  return {
    id: newId(t0),
    ownerType,
    ownerId,
    url: 'https://hooks.example.com/latchkey',
    secret: 'whsec_c2VjcmV0LW9mLXRoZS1maXh0dXJlcw==',
    events,
    enabled,
    description: '',
    createdAt: t0,
    updatedAt: t0,
  };
}

/** Two stores on one database: two nodes on one PostgreSQL schema, or two connections (a server and a CLI) to one SQLite file. */
export async function twoStores(t: TestContext, adapter: Pick<Adapter, 'name'>): Promise<[Store, Store]> {
  let url = postgresUrl;
  let options = {};
  if (adapter.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-two-stores-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    url = `sqlite:${join(dir, 'db.sqlite')}`;
  } else options = { schema: await freshSchema(t) };
  const a = await openStore(url, options);
  const b = await openStore(url, options);
  t.after(async () => {
    await a.close();
    await b.close();
  });
  return [a, b];
}

/** Every function a store object has, own and inherited, by name: its port methods. */
export function functionsOf(store: Store): string[] {
  const names = new Set<string>();
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (store as unknown as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}
