// The `latchkey` command line through its public surface: the bin script, spawned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import {
  bannerEnd,
  countOf,
  freePort,
  hexId,
  listening,
  listTokens,
  parseFirstAdmin,
  sandbox,
  stopsCleanly,
  waitForStdout,
} from './helpers/cli.js';
test('bootstrap --json prints one JSON object and creates missing directories', async (t) => {
  const box = await sandbox(t);
  const dbPath = join(box.dir, 'missing', 'deeper', 'x.db');
  const result = await box.run([
    'bootstrap',
    '--email',
    'ops@example.com',
    '--password',
    'correct horse battery',
    '--application',
    'Fleet',
    '--database',
    `sqlite:${dbPath}`,
    '--json',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.ok(result.stdout.endsWith('\n'));
  assert.equal(result.stdout.trimEnd().split('\n').length, 1, 'exactly one line');
  const out = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out).sort(), ['applicationId', 'token', 'userId']);
  assert.match(String(out.userId), hexId);
  assert.match(String(out.applicationId), hexId);
  assert.match(String(out.token), /^lku_[0-9A-Za-z]+$/);
  assert.ok(existsSync(dbPath), 'the database file and its directories were created');
});

test('bootstrap without --application prints no applicationId', async (t) => {
  const box = await sandbox(t);
  const result = await box.run([
    'bootstrap',
    '--email',
    'ops@example.com',
    '--password',
    'correct horse battery',
    '--database',
    `sqlite:${join(box.dir, 'x.db')}`,
    '--json',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const out = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out).sort(), ['token', 'userId']);
});

test('bootstrap again: a wrong password is refused, the right one reuses the user', async (t) => {
  const box = await sandbox(t);
  const database = `sqlite:${join(box.dir, 'x.db')}`;
  const args = (email: string, password: string) => [
    'bootstrap',
    '--email',
    email,
    '--password',
    password,
    '--application',
    'Fleet',
    '--database',
    database,
    '--json',
  ];

  const first = await box.run(args('ops@example.com', 'correct horse battery'));
  assert.equal(first.code, 0, first.stderr);
  const one = JSON.parse(first.stdout) as Record<string, string>;

  const wrong = await box.run(args('ops@example.com', 'wrong horse battery'));
  assert.notEqual(wrong.code, 0);
  assert.equal(wrong.stdout, '', 'no token is printed');
  assert.match(wrong.stderr, /password/i);

  // Emails compare case-insensitively.
  const again = await box.run(args('Ops@Example.COM', 'correct horse battery'));
  assert.equal(again.code, 0, again.stderr);
  const two = JSON.parse(again.stdout) as Record<string, string>;
  assert.equal(two.userId, one.userId);
  assert.equal(two.applicationId, one.applicationId, 'the application of that name is reused');
  assert.notEqual(two.token, one.token, 'every run mints a new token');
});

test('bootstrap refuses a too-short password', async (t) => {
  const box = await sandbox(t);
  const result = await box.run([
    'bootstrap',
    '--email',
    'ops@example.com',
    '--password',
    'short',
    '--database',
    `sqlite:${join(box.dir, 'x.db')}`,
    '--json',
  ]);
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /8 to 2048/);
});

test('bootstrap without --json prints a readable summary', async (t) => {
  const box = await sandbox(t);
  const result = await box.run([
    'bootstrap',
    '--email',
    'ops@example.com',
    '--password',
    'correct horse battery',
    '--application',
    'Fleet',
    '--database',
    `sqlite:${join(box.dir, 'x.db')}`,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^user:\s+[0-9a-f]{24}$/m);
  assert.match(result.stdout, /^application:\s+[0-9a-f]{24}$/m);
  assert.match(result.stdout, /^token:\s+lku_[0-9A-Za-z]+$/m);
});

test('serve on an empty database prints the first admin once; a restart prints no secret', async (t) => {
  const box = await sandbox(t);
  const dbPath = join(box.dir, 'dir', 'db.sqlite');
  const port = await freePort();
  const serveArgs = ['serve', '--port', String(port), '--host', '127.0.0.1', '--database', `sqlite:${dbPath}`];

  const server = box.spawn(serveArgs);
  await waitForStdout(server, listening);
  await waitForStdout(server, bannerEnd);
  assert.equal(countOf(server.stdout, 'first start'), 1, 'the banner is printed once');
  const admin = parseFirstAdmin(server.stdout);
  assert.equal(admin.email, 'admin@localhost');
  assert.ok(admin.password.length >= 8);
  assert.match(admin.token, /^lku_[0-9A-Za-z]+$/);
  assert.match(admin.applicationId, hexId);
  assert.ok(existsSync(dbPath));

  const tokensInBanner = countOf(server.stdout, admin.token);
  const response = await listTokens(port, admin.applicationId, admin.token);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { ownerId: string; totalCount: number };
  assert.equal(body.ownerId, admin.applicationId);
  assert.equal(body.totalCount, 0);
  // The request is logged, without the bearer token.
  await waitForStdout(server, /"statusCode":200/);
  assert.equal(countOf(server.stdout, admin.token), tokensInBanner, 'request logs do not carry the token');
  assert.equal(countOf(server.stdout, 'first start'), 1);

  await stopsCleanly(server, 'SIGTERM');

  const restarted = box.spawn(serveArgs);
  await waitForStdout(restarted, listening);
  assert.doesNotMatch(restarted.stdout, /lku_/);
  assert.doesNotMatch(restarted.stdout, /password/i);
  assert.doesNotMatch(restarted.stdout, /first start/);
  assert.equal((await listTokens(port, admin.applicationId, admin.token)).status, 200, 'the token survives a restart');
  assert.equal((await listTokens(port, admin.applicationId, 'lku_garbage')).status, 401);
  await stopsCleanly(restarted, 'SIGTERM');

  // The printed password is the admin's real one.
  const bootstrapArgs = (password: string) => [
    'bootstrap',
    '--email',
    admin.email,
    '--password',
    password,
    '--database',
    `sqlite:${dbPath}`,
    '--json',
  ];
  const right = await box.run(bootstrapArgs(admin.password));
  assert.equal(right.code, 0, right.stderr);
  const wrong = await box.run(bootstrapArgs(admin.password + 'x'));
  assert.notEqual(wrong.code, 0);
});

test('serve honours PORT and DATABASE_URL, and exits with 0 on SIGINT', async (t) => {
  const box = await sandbox(t);
  const dbPath = join(box.dir, 'env', 'db.sqlite');
  const port = await freePort();
  const server = box.spawn(['serve'], {
    env: { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dbPath}` },
  });
  const match = await waitForStdout(server, listening);
  assert.equal(Number(match[1]), port);
  await waitForStdout(server, bannerEnd);
  assert.ok(existsSync(dbPath), 'the database is where DATABASE_URL says');
  const admin = parseFirstAdmin(server.stdout);
  assert.equal((await listTokens(port, admin.applicationId, admin.token)).status, 200);
  await stopsCleanly(server, 'SIGINT');
});

test('flags win over the environment', async (t) => {
  const box = await sandbox(t);
  const flagDb = join(box.dir, 'flag', 'db.sqlite');
  const envDb = join(box.dir, 'env', 'db.sqlite');
  const [port, envPort] = [await freePort(), await freePort()];
  const server = box.spawn(['serve', '--port', String(port), '--database', `sqlite:${flagDb}`], {
    env: { PORT: String(envPort), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${envDb}` },
  });
  const match = await waitForStdout(server, listening);
  assert.equal(Number(match[1]), port);
  assert.ok(existsSync(flagDb));
  assert.equal(existsSync(envDb), false);
  await stopsCleanly(server, 'SIGTERM');
});

test('serve on a database made by bootstrap prints no admin and accepts the bootstrap token', async (t) => {
  const box = await sandbox(t);
  const database = `sqlite:${join(box.dir, 'x.db')}`;
  const boot = await box.run([
    'bootstrap',
    '--email',
    'ops@example.com',
    '--password',
    'correct horse battery',
    '--application',
    'Fleet',
    '--database',
    database,
    '--json',
  ]);
  assert.equal(boot.code, 0, boot.stderr);
  const { applicationId, token } = JSON.parse(boot.stdout) as { applicationId: string; token: string };

  const port = await freePort();
  const server = box.spawn(['serve', '--port', String(port), '--host', '127.0.0.1', '--database', database]);
  await waitForStdout(server, listening);
  assert.doesNotMatch(server.stdout, /lku_|password|first start/i);
  assert.equal((await listTokens(port, applicationId, token)).status, 200);
  await stopsCleanly(server, 'SIGTERM');
});

test('serve refuses an invalid port', async (t) => {
  const box = await sandbox(t);
  const result = await box.run(['serve', '--port', 'eighty', '--database', `sqlite:${join(box.dir, 'x.db')}`]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /port/i);
  assert.equal(existsSync(join(box.dir, 'x.db')), false, 'nothing is created');
});

test('serve binds 127.0.0.1 unless --host or HOST says otherwise, since the first start prints credentials', async (t) => {
  // An address of this machine other than loopback: reachable only when bound to all.
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i?.family === 'IPv4' && !i.internal)?.address;
  const box = await sandbox(t);
  const port = await freePort();
  const loopback = box.spawn(['serve', '--port', String(port), '--database', `sqlite:${join(box.dir, 'a.db')}`]);
  await waitForStdout(loopback, bannerEnd);
  assert.deepEqual(
    [...loopback.stdout.matchAll(/Server listening at ([^"\s]+)/g)].map((m) => m[1]),
    [`http://127.0.0.1:${port}`],
  );
  assert.match(loopback.stdout, new RegExp(`http://127\\.0\\.0\\.1:${port}/applications/`), 'the banner names the address it listens on');
  assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
  if (external) await assert.rejects(fetch(`http://${external}:${port}/health`), 'not reachable from other hosts');
  await stopsCleanly(loopback, 'SIGTERM');

  const anyPort = await freePort();
  const everywhere = box.spawn(['serve', '--port', String(anyPort), '--database', `sqlite:${join(box.dir, 'b.db')}`], {
    env: { HOST: '0.0.0.0' },
  });
  await waitForStdout(everywhere, bannerEnd);
  if (external) assert.equal((await fetch(`http://${external}:${anyPort}/health`)).status, 200, 'HOST=0.0.0.0 accepts other hosts');
  await stopsCleanly(everywhere, 'SIGTERM');
});
