// SQLite keeps hot reads in memory while the database is unchanged. Another process
// on the same file (an operator's CLI command) and this process's own writes must
// both show in the next read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@latchkey/contract';
import BetterSqlite3 from 'better-sqlite3';
import { ReadCache } from '../src/storage/sqlite/support/read-cache.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/port.js';
import { build } from './helpers/build.js';
import { storeToken as token, t0 } from './helpers/store-fixtures.js';

const query = { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 } as const;

test('sqlite: kept pages and tokens follow writes made by this process and by another one on the same file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-read-cache-'));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  const server: Store = await openStore(url);
  const cli: Store = await openStore(url);
  t.after(async () => {
    await server.close();
    await cli.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const app = newId();
  await server.createApplication({
    id: app,
    ownerType: 'user',
    ownerId: newId(),
    name: 'A',
    description: '',
    createdAt: t0,
    updatedAt: t0,
  });
  const first = token(app, 'first');
  await server.createToken(first);
  const names = async () =>
    (
      await server.getTokens(
        'application',
        app,
        (await server.listTokenRefs('application', app, query)).items.map((r) => r.id),
      )
    )
      .map((r) => r.name)
      .sort();
  assert.deepEqual(await names(), ['first']);
  assert.equal((await server.getToken('application', app, first.id))?.name, 'first');

  // Another process writes: the very next reads see it.
  const second = token(app, 'second');
  await cli.createToken(second);
  await cli.updateToken('application', app, first.id, { name: 'renamed' }, t0 + 1);
  assert.deepEqual(await names(), ['renamed', 'second']);
  assert.equal((await server.listTokenRefs('application', app, query)).totalCount, 2);
  assert.equal((await server.getToken('application', app, first.id))?.name, 'renamed');

  // This process writes: likewise.
  await server.deleteToken('application', app, second.id);
  await server.touchToken(first.id, t0 + 5);
  assert.deepEqual(await names(), ['renamed']);
  assert.equal((await server.getToken('application', app, first.id))?.lastUsedAt, t0 + 5);
  assert.deepEqual((await server.listTokenRefs('application', app, query)).items, [{ id: first.id, version: 2 }]);
});

test('kept reads are bounded by weight: the oldest go first, and one heavier than the bound is not kept', async (t) => {
  const db = new BetterSqlite3(':memory:');
  t.after(() => db.close());
  const cache = new ReadCache(db, 10);
  const reads: string[] = [];
  const get = (key: string, weight: number) =>
    cache.get(
      key,
      () => (reads.push(key), weight),
      (value) => value,
    );
  await get('a', 4);
  await get('b', 4);
  await get('a', 4);
  assert.deepEqual(reads, ['a', 'b'], 'kept while within the bound');
  await get('c', 4); // 12 > 10: the oldest, a, goes
  await get('b', 4);
  await get('a', 4); // read again; b is now the oldest and goes
  assert.deepEqual(reads, ['a', 'b', 'c', 'a']);
  await get('big', 11);
  await get('big', 11);
  await get('c', 4);
  assert.deepEqual(reads, ['a', 'b', 'c', 'a', 'big', 'big'], 'too heavy to keep, and nothing else was dropped for it');
  await get('b', 4);
  assert.deepEqual(reads.at(-1), 'b');
});

test('a list answer asked again is the same until anything changes, whoever writes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-list-answers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  const h = await build(t, { databaseUrl: url });
  const cli: Store = await openStore(url);
  t.after(() => cli.close());
  const created = await h.createToken({ name: 'listed', scope: ['all.Device'] });
  const list = async () => {
    const response = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?perPage=10` });
    assert.equal(response.statusCode, 200);
    return response.json() as { items: Array<{ id: string; name: string; status: string }>; totalCount: number };
  };
  const nameOf = async (id: string) => (await list()).items.find((item) => item.id === id)?.name;
  assert.equal(await nameOf(created.id), 'listed');
  assert.deepEqual(await list(), await list());

  // Another process (an operator's CLI) renames it: the next answer shows it.
  await cli.updateToken('application', h.applicationId, created.id, { name: 'renamed elsewhere' }, Date.now());
  // A request sent after that commit reaches the server in a later turn of its event
  // loop (requests of one turn see one moment of the database).
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await nameOf(created.id), 'renamed elsewhere');

  // This process's writes, through the API: likewise.
  const patched = await h.call(h.userToken, {
    method: 'PATCH',
    url: `/applications/${h.applicationId}/tokens/${created.id}`,
    payload: { status: 'inactive' },
  });
  assert.equal(patched.statusCode, 200);
  assert.equal((await list()).items.find((item) => item.id === created.id)?.status, 'inactive');
  const before = (await list()).totalCount;
  await h.createToken({ name: 'another', scope: ['all.Device'] });
  assert.equal((await list()).totalCount, before + 1);
});
