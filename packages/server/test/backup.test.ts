// latchkey backup: a consistent copy of a SQLite database made while a server writes
// to it, which a server then opens and serves; and its refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bannerEnd, freePort, listening, listTokens, parseFirstAdmin, sandbox, stopsCleanly, waitForStdout } from './helpers/cli.js';

const createToken = (port: number, applicationId: string, token: string, name: string) =>
  fetch(`http://127.0.0.1:${port}/applications/${applicationId}/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });

test('a backup made under concurrent writes is a consistent database a server opens', { timeout: 120_000 }, async (t) => {
  const box = await sandbox(t);
  const live = join(box.dir, 'live.db');
  const copy = join(box.dir, 'copy.db');
  const port = await freePort();
  const server = box.spawn(['serve', '--port', String(port), '--database', `sqlite:${live}`], { timeoutMs: 110_000 });
  await waitForStdout(server, listening);
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  for (let i = 0; i < 20; i++) assert.equal((await createToken(port, admin.applicationId, admin.token, `before ${i}`)).status, 201);

  // Tokens keep being created, 4 at a time, for as long as the backup runs.
  let writing = true;
  let created = 20;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; writing; i++) {
      const res = await createToken(port, admin.applicationId, admin.token, `during ${w}.${i}`);
      assert.equal(res.status, 201);
      created++;
    }
  });
  const backup = await box.run(['backup', '--database', `sqlite:${live}`, '--to', copy, '--json']);
  writing = false;
  await Promise.all(writers);
  assert.equal(backup.code, 0, backup.stderr);
  const result = JSON.parse(backup.stdout) as { from: string; to: string; pages: number };
  assert.equal(result.to, copy);
  assert.ok(result.pages > 0);
  assert.ok(created > 20, 'writes went on while the backup ran');
  await stopsCleanly(server, 'SIGTERM');

  // The copy is a database a server opens as it is: no first start, every token made before it.
  const copyPort = await freePort();
  const restored = box.spawn(['serve', '--port', String(copyPort), '--database', `sqlite:${copy}`], { timeoutMs: 60_000 });
  await waitForStdout(restored, listening);
  assert.doesNotMatch(restored.stdout, /first start/i, 'not an empty database');
  const listed = await listTokens(copyPort, admin.applicationId, admin.token);
  assert.equal(listed.status, 200, 'the admin token of the live database works against the copy');
  const { totalCount } = (await listed.json()) as { totalCount: number };
  assert.ok(totalCount >= 20 && totalCount <= created, `${totalCount} tokens in the copy, of ${created} made`);
  // The count the copy keeps is the count of its rows: nothing half-written.
  const all = await fetch(`http://127.0.0.1:${copyPort}/applications/${admin.applicationId}/tokens?perPage=1000`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  assert.equal(((await all.json()) as { items: unknown[] }).items.length, totalCount);
  await stopsCleanly(restored, 'SIGTERM');
});

test('a backup is never written over a file, and names pg_dump for PostgreSQL', async (t) => {
  const box = await sandbox(t);
  const live = join(box.dir, 'live.db');
  const port = await freePort();
  const server = box.spawn(['serve', '--port', String(port), '--database', `sqlite:${live}`]);
  await waitForStdout(server, bannerEnd);
  await stopsCleanly(server, 'SIGTERM');
  const existing = join(box.dir, 'existing.db');
  writeFileSync(existing, 'an earlier backup');
  const over = await box.run(['backup', '--database', `sqlite:${live}`, '--to', existing]);
  assert.equal(over.code, 1);
  assert.match(over.stderr, /existing\.db exists: give --to a file that does not exist yet/);
  const postgres = await box.run(['backup', '--database', 'postgres://postgres@127.0.0.1:5432/test', '--to', join(box.dir, 'pg.db')]);
  assert.equal(postgres.code, 1);
  assert.match(postgres.stderr, /for PostgreSQL use pg_dump/);
  const missing = await box.run(['backup', '--database', `sqlite:${join(box.dir, 'nothing.db')}`, '--to', join(box.dir, 'x.db')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no database at/);
});
