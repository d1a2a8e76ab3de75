// `latchkey token ...`: the operator's token commands, through the CLI on SQLite and
// PostgreSQL, checked against a server on the same database (what they write is what
// /verify and the API answer), with the API's validation, audited as the operator,
// and never printing a secret but the one create and rotate hand out, nor any hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { hashToken } from '../src/auth/token-hash.js';
import { openStore } from '../src/storage/open-store.js';
import { hexId, sandbox } from './helpers/cli.js';
import { freshSchema, postgresSkipReason, postgresUrl, schemaUrl } from './helpers/stores.js';
import { startReceiver } from './helpers/webhook-receiver.js';

type Json = Record<string, unknown> & { id: string; token?: string };

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: token create, list, get, update, deactivate, activate, rotate, find and delete`, async (t) => {
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
    const introspection = 'an introspection secret for the test';
    const app = await buildApp({ store, introspectionSecret: introspection });
    t.after(async () => {
      await app.close();
      await store.close();
    });

    // Every output, and whether it may carry the secret handed out (create, rotate).
    const outputs: Array<{ args: string[]; text: string; handsOutSecret: boolean }> = [];
    const cli = async (args: string[], input?: string) => {
      const result = await box.run([...args, '--database', database], input === undefined ? {} : { input });
      const handsOutSecret = args[0] === 'token' && (args[1] === 'create' || args[1] === 'rotate') && result.code === 0;
      outputs.push({ args, text: result.stdout + result.stderr, handsOutSecret });
      return result;
    };
    const ok = async (args: string[], input?: string) => {
      const result = await cli([...args, '--json'], input);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim().split('\n').length, 1, 'one JSON line');
      return JSON.parse(result.stdout) as Json;
    };
    const refused = async (args: string[], message: RegExp) => {
      const result = await cli(args);
      assert.equal(result.code, 1, `${args.join(' ')}\n${result.stdout}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      return result.stderr.trim().replace(/^latchkey: /, '');
    };
    const verify = async (token: string) =>
      (
        await app.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${introspection}` }, payload: { token } })
      ).json() as { valid: boolean; code: string; tokenId?: string; scope?: string[] };
    // Another process's write reaches a SQLite node's verification cache within its TTL (5 s).
    const eventually = async (token: string, code: string) => {
      const deadline = Date.now() + 10_000;
      let answer = await verify(token);
      while (answer.code !== code && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        answer = await verify(token);
      }
      assert.equal(answer.code, code);
    };

    const boot = await ok(['bootstrap', '--email', 'ops@example.com', '--password', 'ops password', '--application', 'Fleet']);
    const applicationId = boot.applicationId as string;
    const owner = ['--application', applicationId];

    const created = await ok([
      'token',
      'create',
      ...owner,
      '--name',
      'ci',
      '--description',
      'deploys',
      '--scope',
      'all.Device',
      '--scope',
      'device.get',
      '--expiration',
      '2099-01-01T00:00:00Z',
      '--ratelimit',
      'burst:10:1m',
      '--ratelimit',
      '{"name":"daily","limit":1000,"duration":86400000,"autoApply":false}',
      '--credits',
      '{"remaining":5}',
      '--meta',
      '{"team":"ci"}',
    ]);
    const secret = created.token!;
    assert.match(secret, /^lka_/);
    assert.match(created.id, hexId);
    assert.deepEqual(
      [created.ownerType, created.ownerId, created.name, created.description, created.scope, created.status, created.expirationDate],
      ['application', applicationId, 'ci', 'deploys', ['all.Device', 'device.get'], 'active', '2099-01-01T00:00:00.000Z'],
    );
    assert.deepEqual(created.ratelimits, [
      { name: 'burst', limit: 10, duration: 60_000, autoApply: true },
      { name: 'daily', limit: 1000, duration: 86_400_000, autoApply: false },
    ]);
    assert.deepEqual([created.credits, created.meta], [{ remaining: 5 }, { team: 'ci' }]);
    assert.deepEqual([created.creatorType, created.creatorId], ['user', boot.userId]);
    const verified = await verify(secret);
    assert.deepEqual([verified.valid, verified.tokenId, verified.scope], [true, created.id, ['all.Device', 'device.get']]);
    assert.equal(verified.code, 'VALID');

    // The API's validation, with the API's messages.
    const unknownScope = await refused(
      ['token', 'create', ...owner, '--name', 'x', '--scope', 'all.Devic'],
      /Unknown scope 'all\.Devic'; did you mean 'all\.Device'\?/,
    );
    const apiRefusal = await app.inject({
      method: 'POST',
      url: `/applications/${applicationId}/tokens`,
      headers: { authorization: `Bearer ${boot.token}` },
      payload: { name: 'x', scope: ['all.Devic'] },
    });
    assert.equal(apiRefusal.statusCode, 400);
    assert.equal(unknownScope, apiRefusal.json().message);
    await refused(
      ['token', 'create', ...owner, '--name', 'x', '--expiration', '2020-01-01T00:00:00Z'],
      /expirationDate must be in the future/,
    );
    await refused(
      ['token', 'create', ...owner, '--name', 'x', '--expiration', 'next week'],
      /expirationDate must match format "date-time"/,
    );
    await refused(['token', 'create', ...owner, '--name', 'x', '--ratelimit', 'a:1:1s', '--ratelimit', 'a:2:1s'], /"a" is used twice/);
    await refused(['token', 'create', ...owner, '--name', 'x', '--ratelimit', 'a:1:10'], /duration must be >= 1000/);
    await refused(['token', 'create', ...owner, '--name', 'x', '--ratelimit', 'soon'], /name:limit:duration/);
    await refused(['token', 'create', ...owner, '--name', 'x', '--credits', '{"remaining":-1}'], /credits\/remaining must be >= 0/);
    await refused(['token', 'create', ...owner, '--name', 'x', '--meta', 'not json'], /--meta must be JSON/);
    await refused(['token', 'create', '--name', 'x'], /--application ID or --user EMAIL/);
    await refused(['token', 'list', '--application', '0123456789abcdef01234567'], /No application 0123456789abcdef01234567/);

    // The commands show what the API serves (the verification spent a credit, and set lastUsed).
    const apiView = (
      await app.inject({
        method: 'GET',
        url: `/applications/${applicationId}/tokens/${created.id}`,
        headers: { authorization: `Bearer ${boot.token}` },
      })
    ).json() as Json;
    assert.deepEqual([apiView.credits, apiView.name, apiView.meta], [{ remaining: 4 }, 'ci', { team: 'ci' }]);
    assert.deepEqual(await ok(['token', 'list', ...owner]), [apiView]);
    const table = await cli(['token', 'list', ...owner]);
    assert.match(table.stdout, new RegExp(`^${created.id}\\s+ci\\s+active\\s+2099-01-01T00:00:00.000Z\\s+all.Device,device.get$`, 'm'));
    assert.deepEqual(await ok(['token', 'get', created.id, ...owner]), apiView);
    assert.match((await cli(['token', 'get', created.id, ...owner])).stdout, /^status:\s+active$/m);

    const updated = await ok([
      'token',
      'update',
      created.id,
      ...owner,
      '--name',
      'ci-2',
      '--meta',
      '{"team":"ops"}',
      '--credits',
      '{"remaining":7}',
    ]);
    assert.deepEqual(
      [updated.name, updated.meta, updated.credits, updated.scope],
      ['ci-2', { team: 'ops' }, { remaining: 7 }, ['all.Device', 'device.get']],
    );
    await refused(['token', 'update', created.id, ...owner], /Nothing to change/);
    await refused(['token', 'update', created.id, ...owner, '--status', 'paused'], /Unknown value 'paused'/);

    assert.equal((await ok(['token', 'deactivate', created.id, ...owner])).status, 'inactive');
    await eventually(secret, 'DISABLED');
    assert.equal((await ok(['token', 'activate', created.id, ...owner])).status, 'active');
    await eventually(secret, 'VALID');

    const rotated = await ok(['token', 'rotate', created.id, ...owner, '--grace-period', '3600']);
    const newSecret = rotated.token!;
    assert.match(newSecret, /^lka_/);
    assert.notEqual(newSecret, secret);
    assert.equal(rotated.id, created.id);
    assert.ok(rotated.previousSecretExpiresAt, 'a grace period');
    assert.equal((await verify(newSecret)).tokenId, created.id);
    await refused(['token', 'rotate', created.id, ...owner, '--grace-period', '99999999'], /gracePeriod must be <= 2592000/);

    // find: by argument, by stdin, the previous secret, and a secret no token has.
    assert.deepEqual(await ok(['token', 'find', newSecret]), {
      found: true,
      id: created.id,
      ownerType: 'application',
      ownerId: applicationId,
      name: 'ci-2',
      status: 'active',
      secret: 'current',
    });
    const previous = await ok(['token', 'find', '-'], `${secret}\n`);
    assert.deepEqual([previous.found, previous.id, previous.secret, previous.previousSecretLive], [true, created.id, 'previous', true]);
    const readable = await cli(['token', 'find', '-'], secret);
    assert.equal(readable.code, 0);
    assert.match(readable.stdout, new RegExp(`token ${created.id} "ci-2".*replaced`));
    const unknown = await cli(['token', 'find', 'lka_' + 'x'.repeat(49), '--json']);
    assert.equal(unknown.code, 2);
    assert.deepEqual(JSON.parse(unknown.stdout), { found: false });

    // A user's token, under the user's tokenPolicy (set through the API).
    const policy = await app.inject({
      method: 'PATCH',
      url: '/me',
      headers: { authorization: `Bearer ${boot.token}` },
      payload: { tokenPolicy: { requireExpiration: true } },
    });
    assert.equal(policy.statusCode, 200, policy.body);
    await refused(['token', 'create', '--user', 'ops@example.com', '--name', 'personal'], /must have an expiration date/);
    const personal = await ok([
      'token',
      'create',
      '--user',
      'OPS@example.com',
      '--name',
      'personal',
      '--expiration',
      '2098-01-01T00:00:00Z',
    ]);
    assert.match(personal.token!, /^lku_/);
    assert.deepEqual([personal.ownerType, personal.ownerId, personal.scope], ['user', boot.userId, ['all.User']]);
    assert.equal((await verify(personal.token!)).valid, true);
    await refused(['token', 'create', '--user', 'nobody@example.com', '--name', 'x'], /No user with email nobody@example.com/);
    await refused(['token', 'get', created.id, '--user', 'ops@example.com'], /No token .* of this owner/);

    assert.deepEqual(await ok(['token', 'delete', created.id, ...owner]), { success: true, id: created.id });
    await refused(['token', 'get', created.id, ...owner], /No token/);
    await eventually(newSecret, 'NOT_FOUND');

    // Audited as the operator, under the API's action names.
    const trail = (await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, action: '*ApiToken.*' })).items;
    assert.deepEqual(
      trail
        .filter((e) => e.targetId === created.id || e.targetId === personal.id)
        .map((e) => [e.action, e.actorType, e.targetId, e.applicationId]),
      [
        ['applicationApiToken.create', 'operator', created.id, applicationId],
        ['applicationApiToken.update', 'operator', created.id, applicationId],
        ['applicationApiToken.update', 'operator', created.id, applicationId],
        ['applicationApiToken.update', 'operator', created.id, applicationId],
        ['applicationApiToken.rotate', 'operator', created.id, applicationId],
        ['userApiToken.create', 'operator', personal.id, null],
        ['applicationApiToken.delete', 'operator', created.id, applicationId],
      ],
    );

    // Only create and rotate print a secret (each its own, once); nothing prints a hash.
    for (const [index, one] of [secret, newSecret, personal.token!].entries()) {
      const hash = hashToken(one);
      for (const output of outputs) {
        for (const encoded of [hash.toString('hex'), hash.toString('base64'), hash.toString('base64url')]) {
          assert.ok(!output.text.includes(encoded), `a hash in the output of ${output.args.join(' ')}`);
        }
      }
      const printing = outputs.filter((o) => o.text.includes(one));
      assert.equal(printing.length, 1, `secret ${index} printed once`);
      assert.ok(printing[0]!.handsOutSecret, `secret ${index} printed by ${printing[0]!.args.join(' ')}`);
    }
  });
}

test("an organization's application: the token records the organization's admin as creator, under the organization's policy", async (t) => {
  const box = await sandbox(t);
  const database = `sqlite:${join(box.dir, 'db.sqlite')}`;
  const ok = async (args: string[]) => {
    const result = await box.run([...args, '--database', database, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Json;
  };
  const boot = await ok(['bootstrap', '--email', 'admin@example.com', '--password', 'admin password']);
  const org = await ok(['org', 'create', '--name', 'Acme', '--admin-email', 'admin@example.com']);
  const store = await openStore(database);
  const app = await buildApp({
    store,
    allowPrivateWebhooks: true,
    webhooks: { intervalMs: 10, timeoutMs: 2_000, backoffBaseMs: 1_000, jitter: 0 },
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const receiver = await startReceiver(t);
  const call = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${boot.token}` }, payload });
  const application = await call('POST', '/applications', { name: 'Fleet', orgId: org.orgId });
  assert.equal(application.statusCode, 201, application.body);
  const policy = await call('PATCH', `/orgs/${org.orgId}`, { tokenPolicy: { maxLifetime: 86_400 } });
  assert.equal(policy.statusCode, 200, policy.body);

  const owner = ['--application', application.json().id as string];
  const webhook = await call('POST', `/applications/${application.json().id}/webhooks`, { url: receiver.url, events: ['token.created'] });
  assert.equal(webhook.statusCode, 201, webhook.body);
  receiver.secrets.push(webhook.json().secret as string);
  const late = await box.run([
    'token',
    'create',
    ...owner,
    '--name',
    'late',
    '--expiration',
    '2099-01-01T00:00:00Z',
    '--database',
    database,
  ]);
  assert.equal(late.code, 1);
  assert.match(late.stderr, /tokens in this organization must expire within 1 day/);
  const soon = new Date(Date.now() + 3_600_000).toISOString();
  const badCidr = await box.run([
    'token',
    'create',
    ...owner,
    '--name',
    'x',
    '--expiration',
    soon,
    '--allowed-cidr',
    '10.0.0.0/33',
    '--database',
    database,
  ]);
  assert.equal(badCidr.code, 1);
  assert.match(badCidr.stderr, /allowedCidrs.*10\.0\.0\.0\/33/);
  const created = await ok([
    'token',
    'create',
    ...owner,
    '--name',
    'soon',
    '--expiration',
    soon,
    '--allowed-cidr',
    '10.0.0.0/8',
    '--allowed-cidr',
    '192.0.2.1',
  ]);
  assert.deepEqual(created.allowedCidrs, ['10.0.0.0/8', '192.0.2.1']);
  assert.deepEqual([created.creatorType, created.creatorId], ['user', boot.userId]);
  assert.match(created.creatorName as string, /^operator \(latchkey CLI\)/);
  // The operator's write is a token event as the API's is (the token-events outbox, by its audit entry).
  const [delivery] = await receiver.until((received) => received.length > 0);
  assert.deepEqual(
    [delivery!.event?.type, delivery!.event?.data.apiTokenId, delivery!.event?.data.actorType],
    ['token.created', created.id, 'operator'],
  );
});
