// `latchkey user ...` and `latchkey org ...`: operator commands, checked through the
// CLI and then through HTTP (the users they create can sign in and reach the org).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/storage/open-store.js';
import { hexId, sandbox } from './helpers/cli.js';
import { freshSchema, postgresSkipReason, postgresUrl, schemaUrl } from './helpers/stores.js';

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

// A running node on the same database as the operator's command: PostgreSQL tells
// it through NOTIFY; on SQLite (another process's write) its verified-token cache
// lets go of a session within its TTL (5 s), and a session it has not cached is
// refused at once.
for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: user set-password ends every session of the user made before it`, async (t) => {
    if (kind === 'postgres') {
      const reason = await postgresSkipReason();
      if (reason) return t.skip(reason);
    }
    const box = await sandbox(t);
    let database = `sqlite:${join(box.dir, 'db.sqlite')}`;
    let options = {};
    if (kind === 'postgres') {
      const schema = await freshSchema(t);
      options = { schema };
      database = schemaUrl(schema);
    }
    const store = await openStore(kind === 'postgres' ? postgresUrl : database, options);
    const app = await buildApp({ store });
    t.after(async () => {
      await app.close();
      await store.close();
    });
    const cli = async (args: string[]) => {
      const result = await box.run([...args, '--database', database, '--json']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Record<string, string>;
    };
    const bob = await cli(['user', 'create', '--email', 'bob@example.com', '--password', 'bob password']);
    const signIn = async (password: string) =>
      app.inject({ method: 'POST', url: '/auth/user', payload: { email: 'bob@example.com', password } });
    const me = (token: string) => app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    const used = (await signIn('bob password')).json().token as string;
    const unused = (await signIn('bob password')).json().token as string;
    assert.equal((await me(used)).statusCode, 200);

    assert.equal((await cli(['user', 'set-password', '--email', 'bob@example.com', '--password', 'new bob password'])).userId, bob.userId);
    assert.equal((await me(unused)).statusCode, 401);
    const deadline = Date.now() + 10_000;
    let status = 0;
    while ((status = (await me(used)).statusCode) !== 401 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(status, 401, 'the session in use is refused too');
    assert.equal((await signIn('new bob password')).statusCode, 200);
    const [entry] = (await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 10, action: 'user.setPassword' })).items;
    assert.deepEqual([entry?.actorType, entry?.targetId], ['operator', bob.userId]);
  });
}
