// Secrets never leak: a full scenario against a spawned `serve --log-level debug`
// (sign-in, application and user tokens through their whole lifecycle, rotation and
// revocation included, introspection, failed logins, errors, a restart, a webhook and
// its deliveries), collecting every log line, every response (status, headers, body)
// and every webhook delivery. Each secret (token strings, their SHA-256 in hex and
// base64, passwords, the introspection secret, the stored password hashes) may appear
// only in the one response that created it, and the first admin's in the first-start
// banner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateToken } from '@latchkey/contract';
import Database from 'better-sqlite3';
import { bannerEnd, countOf, freePort, listening, parseFirstAdmin, sandbox, waitForStdout, type Proc } from './helpers/cli.js';
import { startReceiver } from './helpers/webhook-receiver.js';

interface Exchange {
  label: string;
  status: number;
  text: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

test('no secret appears in logs or responses beyond the response that created it', async (t) => {
  const box = await sandbox(t);
  const port = await freePort();
  const database = `sqlite:${join(box.dir, 'secrets.sqlite')}`;
  const introspectionSecret = `introspect-${randomBytes(16).toString('hex')}`;
  const args = [
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--database',
    database,
    '--log-level',
    'debug',
    '--allow-private-webhooks',
  ];
  const env = { LATCHKEY_INTROSPECTION_SECRET: introspectionSecret };
  const procs: Proc[] = [box.spawn(args, { env })];
  await waitForStdout(procs[0]!, bannerEnd);
  const admin = parseFirstAdmin(procs[0]!.stdout);
  const app = admin.applicationId;

  // A second user, created by the CLI, to sign in as (its output is part of the log too).
  const user = { email: 'operator@example.com', password: `pw-${randomBytes(12).toString('hex')}` };
  const cliRuns: string[] = [];
  const created = await box.run(['user', 'create', '--email', user.email, '--password', user.password, '--database', database]);
  assert.equal(created.code, 0, created.stderr);
  cliRuns.push(created.stdout + created.stderr);

  const exchanges: Exchange[] = [];
  const call = async (
    label: string,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const headerLines: string[] = [];
    response.headers.forEach((value, name) => headerLines.push(`${name}: ${value}`));
    const headerText = headerLines.join('\n');
    exchanges.push({ label, status: response.status, text: `${response.status}\n${headerText}\n\n${text}` });
    return { status: response.status, json: () => JSON.parse(text) as Record<string, unknown> & { token?: string; id?: string } };
  };
  const expectStatus = async (status: number, pending: ReturnType<typeof call>) => {
    const response = await pending;
    assert.equal(response.status, status, exchanges.at(-1)!.text);
    return response.json();
  };

  /** Secrets, each with the label of the one exchange allowed to carry it (once). */
  const secrets: Array<{ what: string; value: string; allowedIn?: string; banner?: boolean }> = [];
  const addToken = (what: string, token: string, allowedIn?: string, banner = false) => {
    const digest = sha256(token);
    secrets.push({ what, value: token, ...(allowedIn ? { allowedIn } : {}), banner });
    secrets.push({ what: `${what} sha256 hex`, value: digest.toString('hex') });
    secrets.push({ what: `${what} sha256 base64`, value: digest.toString('base64') });
    secrets.push({ what: `${what} sha256 base64url`, value: digest.toString('base64url') });
  };
  addToken('bootstrap user token', admin.token, undefined, true);
  secrets.push({ what: 'first admin password', value: admin.password, banner: true });
  secrets.push({ what: 'second user password', value: user.password });
  secrets.push({ what: 'introspection secret', value: introspectionSecret });

  // Sign-in, and failed sign-ins (their passwords are secrets too).
  const session = (await expectStatus(200, call('login', 'POST', '/auth/user', { body: user }))).token!;
  addToken('session', session, 'login');
  const wrongPasswords = [`wrong-${randomBytes(8).toString('hex')}`, `wrong-${randomBytes(8).toString('hex')}`];
  wrongPasswords.forEach((value, i) => secrets.push({ what: `wrong password ${i}`, value }));
  await expectStatus(401, call('bad login', 'POST', '/auth/user', { body: { email: user.email, password: wrongPasswords[0] } }));
  await expectStatus(
    401,
    call('unknown login', 'POST', '/auth/user', { body: { email: 'nobody@example.com', password: wrongPasswords[1] } }),
  );
  await expectStatus(
    400,
    call('malformed login', 'POST', '/auth/user', { body: { email: user.email, password: user.password, extra: true } }),
  );

  // A webhook on the application's token events: its signing secret is shown by its create (and a rotation's) only.
  const receiver = await startReceiver(t);
  const hook = await expectStatus(
    201,
    call('create webhook', 'POST', `/applications/${app}/webhooks`, {
      token: admin.token,
      body: { url: receiver.url, events: ['token.created', 'token.updated', 'token.deleted'] },
    }),
  );
  secrets.push({ what: 'webhook secret', value: String(hook.secret), allowedIn: 'create webhook' });
  receiver.secrets.push(String(hook.secret));

  // Application tokens, by the bootstrap token, and user tokens.
  const appTokens: Array<{ id: string; token: string }> = [];
  for (const [i, body] of [{ name: 'a' }, { name: 'b', scope: ['all.Application.read'] }, { name: 'c', status: 'inactive' }].entries()) {
    const label = `create app token ${i}`;
    const made = await expectStatus(201, call(label, 'POST', `/applications/${app}/tokens`, { token: admin.token, body }));
    addToken(label, made.token!, label);
    appTokens.push({ id: made.id!, token: made.token! });
  }
  const userTokens: Array<{ id: string; token: string }> = [];
  for (const [i, body] of [{ name: 'u', scope: ['all.User.read'] }, { name: 'v' }].entries()) {
    const label = `create user token ${i}`;
    const made = await expectStatus(201, call(label, 'POST', '/me/tokens', { token: admin.token, body }));
    addToken(label, made.token!, label);
    userTokens.push({ id: made.id!, token: made.token! });
  }
  // The session user's own application and a token on it.
  const ownApp = (await expectStatus(201, call('create app', 'POST', '/applications', { token: session, body: { name: 'Ops' } }))).id!;
  const sessionMade = await expectStatus(
    201,
    call('create by session', 'POST', `/applications/${ownApp}/tokens`, { token: session, body: { name: 's' } }),
  );
  addToken('token created by session', sessionMade.token!, 'create by session');

  // Every token authenticates (the first use records lastUsed), lists, gets, patches.
  await expectStatus(200, call('list by app token', 'GET', `/applications/${app}/tokens?perPage=1000`, { token: appTokens[0]!.token }));
  await expectStatus(
    200,
    call('list by read token', 'GET', `/applications/${app}/tokens?sortField=creationDate`, { token: appTokens[1]!.token }),
  );
  await expectStatus(401, call('inactive token', 'GET', `/applications/${app}/tokens`, { token: appTokens[2]!.token }));
  await expectStatus(200, call('list user tokens', 'GET', '/me/tokens', { token: userTokens[0]!.token }));
  await expectStatus(200, call('me', 'GET', '/me', { token: userTokens[1]!.token }));
  await expectStatus(200, call('session me', 'GET', '/me', { token: session }));
  for (const { id } of appTokens) {
    await expectStatus(200, call('get app token', 'GET', `/applications/${app}/tokens/${id}`, { token: admin.token }));
  }
  await expectStatus(
    200,
    call('patch app token', 'PATCH', `/applications/${app}/tokens/${appTokens[2]!.id}`, {
      token: admin.token,
      body: { status: 'active', name: 'c2' },
    }),
  );
  await expectStatus(
    200,
    call('patch user token', 'PATCH', `/me/tokens/${userTokens[0]!.id}`, { token: admin.token, body: { description: 'changed' } }),
  );
  await expectStatus(200, call('get user token', 'GET', `/me/tokens/${userTokens[0]!.id}`, { token: admin.token }));
  await expectStatus(200, call('list apps', 'GET', '/applications', { token: admin.token }));

  // The webhook read back, rotated, its deliveries listed.
  await expectStatus(200, call('get webhook', 'GET', `/applications/${app}/webhooks/${hook.id}`, { token: admin.token }));
  await expectStatus(200, call('list webhooks', 'GET', `/applications/${app}/webhooks`, { token: admin.token }));
  const rotated = await expectStatus(
    201,
    call('rotate webhook secret', 'POST', `/applications/${app}/webhooks/${hook.id}/rotate-secret`, { token: admin.token }),
  );
  secrets.push({ what: 'rotated webhook secret', value: String(rotated.secret), allowedIn: 'rotate webhook secret' });
  receiver.secrets.push(String(rotated.secret));
  await receiver.until((r) => r.length >= 4);
  await expectStatus(200, call('list deliveries', 'GET', `/applications/${app}/webhooks/${hook.id}/deliveries`, { token: admin.token }));

  // Introspection: JSON and form, valid and invalid tokens, a wrong secret.
  const introspect = (label: string, token: string, secret = introspectionSecret, form = false) =>
    call(label, 'POST', '/introspect', {
      token: secret,
      raw: form ? `token=${encodeURIComponent(token)}&application_id=${app}` : JSON.stringify({ token, application_id: app }),
      contentType: form ? 'application/x-www-form-urlencoded' : 'application/json',
    });
  for (const { token } of [...appTokens, ...userTokens]) {
    assert.equal((await expectStatus(200, introspect('introspect', token))).active, true);
    assert.equal((await expectStatus(200, introspect('introspect form', token, introspectionSecret, true))).active, true);
  }
  assert.equal((await expectStatus(200, introspect('introspect session', session))).active, true);
  await expectStatus(401, introspect('introspect wrong secret', appTokens[0]!.token, `${introspectionSecret}x`));
  secrets.push({ what: 'wrong introspection secret', value: `${introspectionSecret}x` });

  // Errors that carry a token in places it does not belong.
  await expectStatus(
    400,
    call('token in body', 'POST', `/applications/${app}/tokens`, { token: admin.token, body: { name: 'x', token: appTokens[0]!.token } }),
  );
  await expectStatus(
    400,
    call('token as scope', 'POST', `/applications/${app}/tokens`, {
      token: admin.token,
      body: { name: 'x', scope: [appTokens[1]!.token] },
    }),
  );
  await expectStatus(
    400,
    call('bad json with token', 'POST', `/me/tokens`, { token: admin.token, raw: `{"name": "${userTokens[1]!.token}"` }),
  );
  const tampered = appTokens[0]!.token.slice(0, -1) + (appTokens[0]!.token.endsWith('A') ? 'B' : 'A');
  addToken('tampered token', tampered);
  await expectStatus(401, call('tampered', 'GET', `/applications/${app}/tokens`, { token: tampered }));
  await expectStatus(
    403,
    call('read token writes', 'POST', `/applications/${app}/tokens`, { token: appTokens[1]!.token, body: { name: 'no' } }),
  );
  await expectStatus(404, call('unknown app', 'GET', `/applications/${'0'.repeat(24)}/tokens`, { token: admin.token }));
  await expectStatus(
    413,
    call('too large', 'POST', `/applications/${app}/tokens`, {
      token: admin.token,
      raw: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }),
    }),
  );

  // Rotations (the old secret authenticates during its grace period) and revocations by the holder.
  const rotatedApp = await expectStatus(
    201,
    call('rotate app token', 'POST', `/applications/${app}/tokens/${appTokens[0]!.id}/rotate`, {
      token: admin.token,
      body: { gracePeriod: 3600 },
    }),
  );
  addToken('rotated app token', rotatedApp.token!, 'rotate app token');
  await expectStatus(200, call('old secret in its grace period', 'GET', `/applications/${app}/tokens`, { token: appTokens[0]!.token }));
  await expectStatus(200, call('new secret', 'GET', `/applications/${app}/tokens`, { token: rotatedApp.token! }));
  const verified = await expectStatus(
    200,
    call('verify old secret', 'POST', '/verify', { token: introspectionSecret, body: { token: appTokens[0]!.token } }),
  );
  assert.equal(verified.deprecated, true);
  const rotatedUser = await expectStatus(
    201,
    call('rotate user token', 'POST', `/me/tokens/${userTokens[1]!.id}/rotate`, { token: admin.token, body: {} }),
  );
  addToken('rotated user token', rotatedUser.token!, 'rotate user token');
  await expectStatus(200, call('rotated user token', 'GET', '/me', { token: rotatedUser.token! }));
  await expectStatus(
    200,
    call('revoke as form', 'POST', '/revoke', {
      raw: `token=${encodeURIComponent(appTokens[1]!.token)}`,
      contentType: 'application/x-www-form-urlencoded',
    }),
  );
  await expectStatus(200, call('revoke as JSON', 'POST', '/revoke', { body: { token: sessionMade.token! } }));
  const unknown = generateToken('application');
  addToken('unknown token revoked', unknown);
  await expectStatus(200, call('revoke unknown', 'POST', '/revoke', { body: { token: unknown } }));
  await expectStatus(401, call('revoked token', 'GET', `/applications/${app}/tokens`, { token: appTokens[1]!.token }));

  // A restart prints nothing secret; the tokens still work.
  procs[0]!.child.kill('SIGTERM');
  assert.equal((await procs[0]!.exited).code, 0);
  procs.push(box.spawn(args, { env }));
  await waitForStdout(procs[1]!, listening);
  await expectStatus(200, call('after restart', 'GET', `/applications/${app}/tokens`, { token: appTokens[0]!.token }));

  // Deletes; deleted tokens are refused.
  for (const { id } of appTokens)
    await expectStatus(200, call('delete app token', 'DELETE', `/applications/${app}/tokens/${id}`, { token: admin.token }));
  for (const { id } of userTokens) await expectStatus(200, call('delete user token', 'DELETE', `/me/tokens/${id}`, { token: admin.token }));
  await expectStatus(401, call('deleted token', 'GET', `/applications/${app}/tokens`, { token: appTokens[0]!.token }));
  assert.equal((await expectStatus(200, introspect('introspect deleted', userTokens[0]!.token))).active, false);
  // Every delivery (3 creates, 1 patch, 3 deletes of application tokens) arrived signed, and is searched too.
  await receiver.until((r) => r.length >= 7);
  assert.ok(
    receiver.received.every((r) => r.event),
    'every delivery verified',
  );
  procs[1]!.child.kill('SIGTERM');
  assert.equal((await procs[1]!.exited).code, 0);

  // The stored password hashes (and their salt and key) must not leak either.
  const db = new Database(join(box.dir, 'secrets.sqlite'), { readonly: true });
  const hashes = db.prepare('select email, password_hash from users').all() as Array<{ email: string; password_hash: string }>;
  db.close();
  assert.equal(hashes.length, 2);
  for (const { email, password_hash: hash } of hashes) {
    const [, , , , salt, key] = hash.split('$');
    secrets.push(
      { what: `password hash of ${email}`, value: hash },
      { what: `salt of ${email}`, value: salt! },
      { what: `scrypt key of ${email}`, value: key! },
    );
  }

  // The log: both runs' stdout and stderr, and the CLI run. The banner is cut out, once.
  const firstStdout = procs[0]!.stdout;
  const bannerStart = firstStdout.indexOf('================ latchkey: first start');
  const bannerMatch = bannerEnd.exec(firstStdout);
  assert.ok(bannerStart >= 0 && bannerMatch, 'the first start printed the banner');
  const bannerEndAt = bannerMatch.index + bannerMatch[0].length;
  const banner = firstStdout.slice(bannerStart, bannerEndAt);
  const log = [
    firstStdout.slice(0, bannerStart) + firstStdout.slice(bannerEndAt),
    procs[0]!.stderr,
    procs[1]!.stdout,
    procs[1]!.stderr,
    ...cliRuns,
  ].join('\n');
  assert.equal(countOf(log, 'first start'), 0, 'the banner is printed once, at first start only');
  assert.ok(countOf(log, 'incoming request') >= exchanges.length, 'every request was logged');
  // Not a response, but searched as one: a delivery may carry no secret.
  exchanges.push({
    label: 'webhook deliveries',
    status: 0,
    text: receiver.received.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`).join('\n'),
  });

  const leaks: string[] = [];
  for (const secret of secrets) {
    assert.ok(secret.value.length >= 16, `${secret.what} is long enough to search for`);
    if (countOf(log, secret.value) > 0) leaks.push(`${secret.what} appears ${countOf(log, secret.value)}x in the log`);
    if (secret.banner) assert.ok(banner.includes(secret.value), `${secret.what} is in the banner`);
    else if (banner.includes(secret.value)) leaks.push(`${secret.what} appears in the banner`);
    for (const exchange of exchanges) {
      const count = countOf(exchange.text, secret.value);
      const allowed = exchange.label === secret.allowedIn ? 1 : 0;
      if (count !== allowed)
        leaks.push(`${secret.what}: ${count}x in "${exchange.label}" (allowed ${allowed})\n${exchange.text.slice(0, 400)}`);
    }
    if (secret.allowedIn)
      assert.ok(
        exchanges.some((e) => e.label === secret.allowedIn),
        `${secret.allowedIn} happened`,
      );
  }
  assert.deepEqual(leaks, []);
  t.diagnostic(`${secrets.length} secrets checked against ${exchanges.length} responses and ${log.split('\n').length} log lines`);
});

test('the first admin signs in with the credentials printed at first start', async (t) => {
  const box = await sandbox(t);
  const port = await freePort();
  const server = box.spawn(['serve', '--port', String(port), '--host', '127.0.0.1', '--database', `sqlite:${join(box.dir, 'db.sqlite')}`]);
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  const response = await fetch(`http://127.0.0.1:${port}/auth/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  const text = await response.text();
  server.child.kill('SIGTERM');
  await server.exited;
  assert.equal(response.status, 200, `${admin.email}: ${text}`);
  assert.match((JSON.parse(text) as { token: string }).token, /^lks_/);
});
