// `latchkey user ...` and `latchkey org ...`: operator commands, checked through the
// CLI and then through HTTP (the users they create can sign in and reach the org).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/storage/open-store.js';
import { hexId, sandbox } from './helpers/cli.js';

test('user create / set-password and org create / add-member, with --json', async (t) => {
  const box = await sandbox(t);
  const database = `sqlite:${join(box.dir, 'ops', 'db.sqlite')}`;
  const json = async (args: string[]) => {
    const result = await box.run([...args, '--database', database, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim().split('\n').length, 1, 'one JSON line');
    return JSON.parse(result.stdout) as Record<string, string>;
  };
  const alice = await json(['user', 'create', '--email', 'Alice@Example.com', '--password', 'alice password', '--first-name', 'Alice']);
  assert.match(alice.userId!, hexId);
  assert.equal(alice.email, 'alice@example.com');
  const bob = await json(['user', 'create', '--email', 'bob@example.com', '--password', 'bob password']);

  const duplicate = await box.run(['user', 'create', '--email', 'alice@example.com', '--password', 'whatever1', '--database', database]);
  assert.notEqual(duplicate.code, 0);
  assert.match(duplicate.stderr, /already exists/);
  const short = await box.run(['user', 'create', '--email', 'c@example.com', '--password', 'short', '--database', database]);
  assert.notEqual(short.code, 0);

  assert.equal((await json(['user', 'set-password', '--email', 'bob@example.com', '--password', 'new bob password'])).userId, bob.userId);
  const org = await json(['org', 'create', '--name', 'Acme', '--admin-email', 'alice@example.com']);
  assert.match(org.orgId!, hexId);
  assert.equal(org.adminUserId, alice.userId);
  assert.deepEqual(await json(['org', 'add-member', '--org', org.orgId!, '--email', 'bob@example.com', '--role', 'view']), {
    orgId: org.orgId,
    userId: bob.userId,
    role: 'view',
  });
  const badRole = await box.run([
    'org',
    'add-member',
    '--org',
    org.orgId!,
    '--email',
    'bob@example.com',
    '--role',
    'owner',
    '--database',
    database,
  ]);
  assert.notEqual(badRole.code, 0);
  const lastAdmin = await box.run([
    'org',
    'add-member',
    '--org',
    org.orgId!,
    '--email',
    'alice@example.com',
    '--role',
    'view',
    '--database',
    database,
  ]);
  assert.notEqual(lastAdmin.code, 0);
  assert.match(lastAdmin.stderr, /last admin/);

  // What the commands wrote is what the API serves.
  const store = await openStore(database);
  const app = await buildApp({ store });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const oldLogin = await app.inject({ method: 'POST', url: '/auth/user', payload: { email: 'bob@example.com', password: 'bob password' } });
  assert.equal(oldLogin.statusCode, 401);
  const login = await app.inject({
    method: 'POST',
    url: '/auth/user',
    payload: { email: 'bob@example.com', password: 'new bob password' },
  });
  assert.equal(login.statusCode, 200);
  const orgRes = await app.inject({
    method: 'GET',
    url: `/orgs/${org.orgId}`,
    headers: { authorization: `Bearer ${login.json().token}` },
  });
  assert.equal(orgRes.statusCode, 200);
  const roles = Object.fromEntries(orgRes.json().members.map((m: { userId: string; role: string }) => [m.userId, m.role]));
  assert.deepEqual(roles, { [alice.userId!]: 'admin', [bob.userId!]: 'view' });
});
