// Another process holding the SQLite file's write lock (a CLI command mid-write)
// past busy_timeout makes a write fail: that is answered 503 Unavailable, which a
// client may retry, never 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { build } from './helpers/build.js';

test('a write that finds the SQLite file locked by another process answers 503 Unavailable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-busy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'db.sqlite');
  const h = await build(t, { databaseUrl: `sqlite:${file}` });
  const other = new BetterSqlite3(file);
  t.after(() => other.close());
  other.exec('begin immediate');
  // The store waits busy_timeout (5 s) for the lock, then gives up.
  const res = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } });
  other.exec('rollback');
  assert.equal(res.statusCode, 503, res.body);
  assert.deepEqual(res.json(), { type: 'Unavailable', message: 'The service is temporarily unavailable' });
  const retried = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } });
  assert.equal(retried.statusCode, 201, retried.body);
});
