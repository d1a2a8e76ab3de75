// `latchkey migrate` through the CLI: a SQLite database made through the HTTP API,
// with every kind of row, is copied to a fresh PostgreSQL schema and from there into
// a new SQLite file; servers on each copy then answer every token's verification,
// the token lists, the audit trail and the webhook outbox exactly as the source does.
// Also: a non-empty target is refused unless --force, and a table the copy does not
// know (a migration added it and copied-tables.ts was not told) stops the copy.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import { sandbox, type Sandbox } from './helpers/cli.js';
import { createUser } from './helpers/build.js';
import { freshSchema, postgresSkipReason, postgresUrl, schemaUrl } from './helpers/stores.js';

const secret = 'migrate-test-introspection-secret';
const at = Date.UTC(2031, 4, 6, 12);
// The webhook receiver is a closed port: deliveries stay in the outbox, retried
// without jitter so that every copy's worker schedules the same next attempt.
const webhooks = { intervalMs: 3_600_000, jitter: 0 };

interface Summary {
  table: string;
  rows: number;
  targetRows: number;
  sourceDigest: string;
  targetDigest: string;
  ok: boolean;
}

async function migrate(box: Sandbox, from: string, to: string, extra: string[] = []) {
  return box.run(['migrate', '--from', from, '--to', to, ...extra, '--json'], { timeoutMs: 60_000 });
}

async function migrated(box: Sandbox, from: string, to: string, extra: string[] = []): Promise<Summary[]> {
  const result = await migrate(box, from, to, extra);
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as Summary[];
  for (const table of summary) assert.ok(table.ok, `${table.table} copied intact`);
  return summary;
}

/** A fresh PostgreSQL schema, as a URL the CLI takes. */
async function pgTarget(t: TestContext): Promise<{ url: string; schema: string }> {
  const schema = await freshSchema(t);
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return { url: schemaUrl(schema), schema };
}

async function pgTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
  );
  await client.end();
  return rows.map((row) => row.name).filter((name) => !name.startsWith('latchkey_migrations'));
}

interface Source {
  tokens: string[];
  userToken: string;
  applicationIds: string[];
  webhookId: string;
}

/** Makes every kind of row through the API, verifying each token once (usage, credits, last use). */
async function makeSource(path: string): Promise<Source> {
  const store = await openStore(`sqlite:${path}`);
  const app = await buildApp({ store, now: () => at, introspectionSecret: secret, allowPrivateWebhooks: true, webhooks, closeStore: true });
  try {
    const boot = await bootstrap(store, { email: 'owner@example.com', password: 'correct horse battery', applicationName: 'Own' });
    const call = async (token: string, method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => {
      const response = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.json<Record<string, unknown> & { id: string; token: string }>();
    };
    const userToken = boot.token;
    const webhook = await call(userToken, 'POST', `/applications/${boot.applicationId}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['token.created', 'token.updated', 'token.deleted'],
    });
    const org = await call(userToken, 'POST', '/orgs', { name: 'Org', description: 'shared' });
    const memberId = await createUser(store, 'member@example.com', 'member password');
    await call(userToken, 'PATCH', `/orgs/${org.id}/member`, { userId: memberId, role: 'view' });
    const orgApp = await call(userToken, 'POST', '/applications', { name: 'Shared', orgId: org.id });

    const own = `/applications/${boot.applicationId}/tokens`;
    const limited = await call(userToken, 'POST', own, {
      name: 'limited',
      scope: ['all.Application'],
      ratelimits: [{ name: 'requests', limit: 100, duration: 60_000 }],
      credits: { remaining: 1000, refill: { amount: 1000, interval: 'monthly', refillDay: 31 } },
      meta: { plan: 'pro', nested: { seats: [1, 2, 3] }, note: null },
      allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
    });
    const plain = await call(userToken, 'POST', own, { name: 'plain', scope: ['all.Application.read'] });
    const inactive = await call(userToken, 'POST', own, { name: 'inactive', scope: ['all.Application'] });
    await call(userToken, 'PATCH', `${own}/${inactive.id}`, { status: 'inactive' });
    const rotated = await call(userToken, 'POST', own, { name: 'rotated', scope: ['all.Application'], credits: { remaining: 5 } });
    const rotation = await call(userToken, 'POST', `${own}/${rotated.id}/rotate`, { gracePeriod: 86_400 });
    const shared = await call(userToken, 'POST', `/applications/${orgApp.id}/tokens`, { name: 'shared', scope: ['all.Application'] });
    const personal = await call(userToken, 'POST', '/me/tokens', { name: 'personal', scope: ['all.User.read'] });
    const tokens = [
      limited.token,
      plain.token,
      inactive.token,
      rotated.token,
      rotation.token,
      shared.token,
      personal.token,
      userToken,
      'app_unknownTokenThatNeverExisted',
    ];
    for (const token of tokens)
      await app.inject({
        method: 'POST',
        url: '/verify',
        headers: { authorization: `Bearer ${secret}` },
        payload: { token, ip: '10.1.2.3' },
      });
    return { tokens, userToken, applicationIds: [boot.applicationId!, orgApp.id], webhookId: webhook.id };
  } finally {
    // Flushes the usage counted above.
    await app.close();
  }
}

/** What a server on this database answers: every token's verification, lists, audit, outbox. */
async function answers(url: string, source: Source, schema?: string): Promise<unknown> {
  const store = await openStore(url, schema === undefined ? {} : { schema });
  const app = await buildApp({
    store,
    now: () => at + 60_000,
    introspectionSecret: secret,
    allowPrivateWebhooks: true,
    webhooks,
    closeStore: true,
  });
  try {
    const get = async (path: string) => {
      const response = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${source.userToken}` } });
      return { status: response.statusCode, body: response.json<unknown>() };
    };
    const verifications = [];
    for (const token of source.tokens) {
      const response = await app.inject({
        method: 'POST',
        url: '/verify',
        headers: { authorization: `Bearer ${secret}` },
        payload: { token, ip: '10.1.2.3' },
      });
      verifications.push({ status: response.statusCode, body: response.json<unknown>() });
    }
    const [own] = source.applicationIds;
    return {
      verifications,
      lists: await Promise.all(source.applicationIds.map((id) => get(`/applications/${id}/tokens?sortField=name`))),
      personal: await get('/me/tokens'),
      audit: await get(`/applications/${own}/audit-logs`),
      usage: await get(`/applications/${own}/usage`),
      orgs: await get('/orgs'),
      // An attempt's latency is measured by the wall clock, not the injected one.
      deliveries: JSON.parse(
        JSON.stringify(await get(`/applications/${own}/webhooks/${source.webhookId}/deliveries`), (key, value: unknown) =>
          key === 'latencyMs' ? undefined : value,
        ),
      ) as unknown,
    };
  } finally {
    await app.close();
  }
}

test('migrate copies an API-made SQLite database to PostgreSQL and back, and servers on the copies answer as the source', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const box = await sandbox(t);
  const sourceUrl = `sqlite:${join(box.dir, 'source.db')}`;
  const source = await makeSource(join(box.dir, 'source.db'));

  const { url: pgUrl, schema } = await pgTarget(t);
  const toPg = await migrated(box, sourceUrl, pgUrl);
  // Every table of the schema, as PostgreSQL's catalogue lists them, was copied.
  assert.deepEqual(toPg.map((s) => s.table).sort(), (await pgTables(pgUrl)).sort());
  const rows = Object.fromEntries(toPg.map((s) => [s.table, s.rows]));
  for (const table of [
    'users',
    'organizations',
    'org_members',
    'applications',
    'api_tokens',
    'token_counts',
    'token_set_versions',
    'audit_log',
    'usage_minutes',
    'usage_hours',
    'usage_days',
    'webhooks',
    'webhook_subscriptions',
    'webhook_deliveries',
  ]) {
    assert.ok(rows[table]! > 0, `the source has ${table} rows to copy`);
  }

  const backUrl = `sqlite:${join(box.dir, 'back.db')}`;
  const toSqlite = await migrated(box, pgUrl, backUrl);
  assert.deepEqual(
    toSqlite.map((s) => [s.table, s.rows, s.sourceDigest]),
    toPg.map((s) => [s.table, s.rows, s.sourceDigest]),
    'the round trip gives the same rows and digests',
  );

  const expected = await answers(sourceUrl, source);
  const { verifications, deliveries } = expected as {
    verifications: Array<{ body: { valid: boolean; deprecated?: boolean; credits?: { remaining: number } } }>;
    deliveries: { body: { items: Array<{ status: string }> } };
  };
  // limited, plain, inactive, rotated (old secret, in its grace period), rotated (new), shared, personal, the user's, unknown.
  assert.deepEqual(
    verifications.map((v) => v.body.valid),
    [true, true, false, true, true, true, true, true, false],
  );
  assert.equal(verifications[0]!.body.credits?.remaining, 998, 'the credit spent before the copy stays spent');
  assert.equal(verifications[3]!.body.deprecated, true);
  assert.ok(deliveries.body.items.length > 0 && deliveries.body.items.every((d) => d.status === 'pending'), 'the outbox came along');
  assert.deepEqual(await answers(postgresUrl, source, schema), expected, 'a server on PostgreSQL answers as the source');
  assert.deepEqual(await answers(backUrl, source), expected, 'a server on the SQLite copy answers as the source');

  // A serial column keeps counting after the copied values (PostgreSQL's sequences
  // were moved): an audited write on the copy succeeds and is listed first.
  const store = await openStore(postgresUrl, { schema });
  const app = await buildApp({ store, now: () => at + 120_000, closeStore: true });
  t.after(() => app.close());
  const auth = { authorization: `Bearer ${source.userToken}` };
  const created = await app.inject({
    method: 'POST',
    url: `/applications/${source.applicationIds[0]}/tokens`,
    headers: auth,
    payload: { name: 'after', scope: ['all.Application'] },
  });
  assert.equal(created.statusCode, 201, created.body);
  const audit = await app.inject({ method: 'GET', url: `/applications/${source.applicationIds[0]}/audit-logs`, headers: auth });
  assert.equal(audit.json<{ items: Array<{ targetId: string }> }>().items[0]?.targetId, created.json<{ id: string }>().id);
});

test('migrate refuses a target with rows unless --force, and a table it does not copy', async (t) => {
  const box = await sandbox(t);
  const sourceUrl = `sqlite:${join(box.dir, 'source.db')}`;
  await makeSource(join(box.dir, 'source.db'));
  const targetUrl = `sqlite:${join(box.dir, 'target.db')}`;
  await migrated(box, sourceUrl, targetUrl);

  const refused = await migrate(box, sourceUrl, targetUrl);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /the target database is not empty \(rows in users, .*\): pass --force/);
  const forced = await migrated(box, sourceUrl, targetUrl, ['--force']);
  const again = await migrated(box, sourceUrl, `sqlite:${join(box.dir, 'third.db')}`);
  assert.deepEqual(forced, again, '--force replaces the contents (nothing doubled)');

  const raw = new BetterSqlite3(join(box.dir, 'source.db'));
  raw.exec('create table added_later (id integer primary key)');
  raw.close();
  const unknown = await migrate(box, sourceUrl, `sqlite:${join(box.dir, 'fourth.db')}`);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /the source database has tables latchkey migrate does not copy \(added_later\)/);
});

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`migrate reads one snapshot of a ${kind} source that is being written to`, async (t) => {
    if (kind === 'postgres') {
      const reason = await postgresSkipReason();
      if (reason) return t.skip(reason);
    }
    const box = await sandbox(t);
    const pgSource = kind === 'postgres' ? await pgTarget(t) : undefined;
    const from = pgSource?.url ?? `sqlite:${join(box.dir, 'busy.db')}`;
    const store = pgSource ? await openStore(postgresUrl, { schema: pgSource.schema }) : await openStore(from);
    const app = await buildApp({ store, closeStore: true });
    t.after(() => app.close());
    const boot = await bootstrap(store, { email: 'owner@example.com', password: 'correct horse battery', applicationName: 'Own' });
    // Tokens are created without pause while the copy runs: each moves api_tokens and
    // token_counts (read by the copy one after the other) in one transaction.
    let running = true;
    let writes = 0;
    // Several writers at once, so that commits land between any two of the copy's reads.
    const writer = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (running) {
          const response = await app.inject({
            method: 'POST',
            url: `/applications/${boot.applicationId}/tokens`,
            headers: { authorization: `Bearer ${boot.token}` },
            payload: { name: `busy ${writes}`, scope: ['all.Application'] },
          });
          assert.equal(response.statusCode, 201, response.body);
          writes += 1;
        }
      }),
    );
    const copy = box.spawn(['migrate', '--from', from, '--to', `sqlite:${join(box.dir, 'copy.db')}`, '--json'], {
      timeoutMs: 60_000,
    });
    const before = writes;
    const exit = await copy.exited;
    const during = writes - before;
    running = false;
    await writer;
    assert.equal(exit.code, 0, copy.stderr);
    assert.ok(during > 0, 'the source was written to while it was copied');
    for (const table of JSON.parse(copy.stdout) as Summary[]) assert.ok(table.ok, table.table);

    // The copy is one state of the source: its token counts agree with its tokens.
    const copied = new BetterSqlite3(join(box.dir, 'copy.db'), { readonly: true });
    t.after(() => copied.close());
    const counted = copied.prepare('select owner_type, owner_id, status, n from token_counts where n > 0 order by 1, 2, 3').all();
    const tokens = copied
      .prepare('select owner_type, owner_id, status, count(*) as n from api_tokens group by 1, 2, 3 order by 1, 2, 3')
      .all();
    assert.deepEqual(counted, tokens);
  });
}

test('migrate exits 1 and names the table when the copy differs from the source', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const box = await sandbox(t);
  const path = join(box.dir, 'source.db');
  await makeSource(path);
  // A value PostgreSQL cannot hold as it is: char(24) pads a shorter one with spaces
  // (SQLite keeps any text), so the copy's audit_log reads back otherwise.
  const raw = new BetterSqlite3(path);
  raw.prepare("update audit_log set target_id = 'short' where seq = (select min(seq) from audit_log)").run();
  raw.close();
  const target = await pgTarget(t);
  const result = await box.run(['migrate', '--from', `sqlite:${path}`, '--to', target.url], { timeoutMs: 60_000 });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^audit_log +\d+ +[0-9a-f]{16} +MISMATCH$/m);
  assert.match(result.stdout, /^users +\d+ +[0-9a-f]{16} +ok$/m);
  assert.match(result.stderr, /the copy differs from the source in audit_log: it was rolled back, the target is as it was/);
  // Rolled back: the target is empty, and a copy without the odd value goes through.
  const fixed = new BetterSqlite3(path);
  fixed.prepare("delete from audit_log where target_id = 'short'").run();
  fixed.close();
  await migrated(box, `sqlite:${path}`, target.url);
});
