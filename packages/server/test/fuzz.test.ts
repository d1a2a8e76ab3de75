// Property-based fuzzing of every endpoint through `inject`: random methods, paths
// (real and random ids), query strings, headers and bodies. For every response:
// no 5xx; every 4xx is exactly `{type, message}`; a refused (4xx) request changes
// no stored state (a fingerprint of users, applications, organizations, members and
// tokens: every row of every table of the SQLite file, read beside the app) is the same
// before and after it. /health stays 200.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { build, createUser, login, makeApplication, mintToken, type Harness } from './helpers/build.js';

const secret = 'fuzz-introspection-secret';
const password = 'correct horse battery';
const batches = 5;
const runsPerBatch = 1_000;

const oneMiB = 1024 * 1024;
const oversized = JSON.stringify({ name: 'x'.repeat(oneMiB + 10) });
const longString = 'é'.repeat(100_000);
const deepArray = '['.repeat(1000) + ']'.repeat(1000);
const deepObject = '{"name":'.repeat(1000) + '"x"' + '}'.repeat(1000);
const header10k = 'A'.repeat(10 * 1024);

interface World {
  h: Harness;
  /** A second, read-only connection to the app's database file. */
  db: Database.Database;
  tokens: Record<string, string>;
  tokenIds: string[];
  appIds: string[];
  orgIds: string[];
  userIds: string[];
}

async function world(t: TestContext): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-fuzz-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'fuzz.sqlite');
  const h = await build(t, { introspectionSecret: secret, databaseUrl: `sqlite:${file}` });
  const db = new Database(file, { readonly: true });
  t.after(() => db.close());
  const now = h.clock.now;
  const session = await login(h, 'owner@example.com', password);
  const appWrite = await h.createToken({ name: 'writer', scope: ['all.Application'] });
  const appRead = await h.createToken({ name: 'reader', scope: ['all.Application.read'] });
  const narrow = await h.createToken({ name: 'narrow', scope: ['applicationApiTokens.get'] });
  const inactive = await h.createToken({ name: 'off', status: 'inactive' });
  const expired = await mintToken(
    h.store,
    { ownerType: 'application', ownerId: h.applicationId },
    { scope: ['all.Application'], expiresAt: now - 1000 },
  );
  const userRead = await h.call(h.userToken, {
    method: 'POST',
    url: '/me/tokens',
    payload: { name: 'user reader', scope: ['all.User.read'] },
  });
  assert.equal(userRead.statusCode, 201);
  const org = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Fuzz Org' } });
  assert.equal(org.statusCode, 201);
  const orgId = org.json().id as string;
  const orgApp = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org App', orgId } });
  assert.equal(orgApp.statusCode, 201);
  const otherUser = await createUser(h.store, 'other@example.com', 'another password');
  const otherApp = await makeApplication(h.store, otherUser, 'Elsewhere');
  const otherToken = await mintToken(h.store, { ownerType: 'user', ownerId: otherUser }, { scope: ['all.User'] });
  const tamper = (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  const tokens: Record<string, string> = {
    user: h.userToken,
    session,
    appWrite: appWrite.token,
    appRead: appRead.token,
    narrow: narrow.token,
    inactive: inactive.token,
    expired: expired.token,
    userRead: userRead.json().token,
    other: otherToken.token,
    tampered: tamper(h.userToken),
    swappedPrefix: 'lka_' + h.userToken.slice(4),
  };
  return {
    h,
    db,
    tokens,
    tokenIds: [appWrite.id, appRead.id, narrow.id, inactive.id, expired.id, userRead.json().id, otherToken.id],
    appIds: [h.applicationId, orgApp.json().id, otherApp],
    orgIds: [orgId],
    userIds: [h.userId, otherUser],
  };
}

/**
 * SHA-256 of every row of every table (lastUsed and the version a use bumps, mere
 * bookkeeping, failed sign-ins, and the usage counts, which count refused requests
 * too and are written on a 5 s timer that may fire between two fingerprints, left out).
 */
function fingerprint(w: World): string {
  const hash = createHash('sha256');
  const tables = w.db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'usage_%' order by name")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    hash.update(`\u0000${table}\u0000`);
    for (const row of w.db.prepare(`select * from "${table}" order by rowid`).all() as Array<Record<string, unknown>>) {
      // A failed sign-in is refused yet recorded, on purpose: the audit trail keeps them.
      if (table === 'audit_log' && row.action === 'auth.login' && row.outcome === 'failure') continue;
      const { last_used_at: _, version: _v, ...kept } = row;
      hash.update(
        JSON.stringify(kept, (_key, value: unknown) =>
          (value && typeof value === 'object' && 'type' in value && value.type === 'Buffer') || Buffer.isBuffer(value)
            ? Buffer.from(value as Buffer).toString('hex')
            : value,
        ),
      );
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}

const hex24 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 });
const nasty = [
  "'%20OR%201=1--",
  "'",
  '%27%3B%20DROP%20TABLE%20api_tokens%3B--',
  '%00',
  'a%00b',
  '*',
  '%25',
  '_',
  '%5C',
  '%2A%25_%5C',
  '..',
  '%2e%2e',
  '%2F',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  'x'.repeat(300),
  'é',
  '%C3%A9',
  '%zz',
  '%',
  '%E0%A4%A',
  '{}',
  '[]',
];
const tokenKinds = [
  'user',
  'session',
  'appWrite',
  'appRead',
  'narrow',
  'inactive',
  'expired',
  'userRead',
  'other',
  'tampered',
  'swappedPrefix',
];

function requestArbitrary(w: World) {
  const id = (real: string[]) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...real) },
      { weight: 2, arbitrary: hex24 },
      { weight: 2, arbitrary: fc.constantFrom(...nasty) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
    );
  const appId = id(w.appIds);
  const tokenId = id([...w.tokenIds, ...w.appIds]);
  const orgId = id(w.orgIds);
  const path = fc.oneof(
    appId.map((a) => `/applications/${a}/tokens`),
    fc.tuple(appId, tokenId).map(([a, tk]) => `/applications/${a}/tokens/${tk}`),
    fc.constant('/me'),
    fc.constant('/me/tokens'),
    tokenId.map((tk) => `/me/tokens/${tk}`),
    fc.constant('/applications'),
    appId.map((a) => `/applications/${a}`),
    fc.constant('/orgs'),
    orgId.map((o) => `/orgs/${o}`),
    orgId.map((o) => `/orgs/${o}/member`),
    fc.constant('/auth/user'),
    fc.constant('/health'),
    fc.constant('/introspect'),
    fc.constant('/verify'),
    fc.constantFrom(
      '/',
      '/unknown',
      '/applications/',
      '//applications',
      '/applications/x/tokens/y/z',
      '/me/tokens/',
      '/ME',
      '/applications/%zz/tokens',
      '/me/%00',
      '/me/tokens/*',
      '/openapi.json',
      '/docs',
      '/docs/static/nonexistent.js',
      '/health/',
      '/.env',
      '/applications/../me',
    ),
  );
  const queryKey = fc.oneof(
    fc.constantFrom(
      'sortField',
      'sortDirection',
      'page',
      'perPage',
      'filterField',
      'filter',
      'orgId',
      'userId',
      '_actions',
      '_links',
      '_embedded',
      'summaryExclude',
      'includeRecent',
      '__proto__',
      'constructor',
      'a',
      '',
    ),
    fc.constantFrom('page[]', 'filter[]', 'perPage[0]', 'sortField[x]', 'a[]', 'orgId[]'),
  );
  const queryValue = fc.oneof(
    fc.constantFrom(
      'name',
      'status',
      'id',
      'creationDate',
      'lastUpdated',
      'expirationDate',
      'asc',
      'DESC',
      'sideways',
      'true',
      'false',
      '0',
      '1',
      '1000',
      '1001',
      '-1',
      '-0',
      '1.5',
      '99999999999999999999999',
      '1e309',
      'NaN',
      'Infinity',
      '0x10',
      '',
      '*',
      '%2A',
      'a*b',
      '%25',
      '_',
      '%5C',
      '\\',
      '*%25_%5C*',
      '%00',
      "'%20OR%201=1--",
      w.orgIds[0]!,
      w.userIds[1]!,
    ),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
    fc.constant('x'.repeat(300)),
  );
  const query = fc
    .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
    .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''));

  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...tokenKinds).map((kind) => `Bearer ${w.tokens[kind]}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        'bearer  ' + w.tokens.appRead,
        `Basic ${w.tokens.user}`,
        w.tokens.user!,
        `Bearer ${w.tokens.user} extra`,
        'Bearer lka_',
        'Bearer lka_AAAA',
        `Bearer ${secret}`,
        `Bearer ${header10k}`,
        header10k,
        `Bearer ${w.tokens.user!.toUpperCase()}`,
        'Bearer \u00e9t\u00e9',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: fc.constantFrom(...'abcXYZ_-.=+/ 0123456789lkasu') }) },
  );
  const contentType = fc.constantFrom<string | undefined>(
    'application/json',
    'application/json',
    'application/json',
    undefined,
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json, text/plain',
    '*/*',
    'garbage',
    header10k,
  );

  const scalar = fc.oneof(
    fc.constantFrom(
      'x',
      'device fleet',
      '',
      ' ',
      'active',
      'inactive',
      'deleted',
      'all.Application',
      'all.User',
      'all.Application.read',
      'admin',
      'view',
      'owner@example.com',
      password,
      '2099-01-01T00:00:00.000Z',
      '2000-01-01T00:00:00.000Z',
      'not a date',
      "' OR 1=1--",
      '\u0000',
      '*%_\\',
      w.appIds[0]!,
      w.userIds[1]!,
      w.tokens.appRead!,
    ),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(longString),
  );
  const value = fc.oneof(
    { weight: 5, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ['all.Application'],
        ['all.Application.read'],
        ['all.User'],
        ['applicationApiTokens.*'],
        [],
        ['nope'],
        [1],
      ),
    },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }) },
  );
  const field = fc.constantFrom(
    'name',
    'name',
    'description',
    'status',
    'scope',
    'expirationDate',
    'email',
    'password',
    'userId',
    'role',
    'orgId',
    'token',
    'application_id',
    'requestedScopes',
    'tokenTTL',
    'id',
    'creatorId',
    'ownerId',
    'hash',
    'prototype',
  );
  const objectBody = fc
    .dictionary(fc.oneof({ weight: 8, arbitrary: field }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), value, { maxKeys: 5 })
    .map((object) => JSON.stringify(object));
  const loginBody = fc.constantFrom(
    JSON.stringify({ email: 'owner@example.com', password }),
    JSON.stringify({ email: 'OWNER@example.com', password: 'wrong password!' }),
    JSON.stringify({ email: 'nobody@example.com', password: 'whatever12' }),
    JSON.stringify({ email: 'owner@example.com', password, requestedScopes: ['all.User.read'], tokenTTL: 60 }),
  );
  const rawBody = fc.constantFrom<string | Buffer>(
    '{',
    '{"name":',
    'null',
    'true',
    '0',
    '"string"',
    '[]',
    '[{"name":"x"}]',
    '{"name":"x",}',
    "{'name':'x'}",
    'NaN',
    '',
    deepArray,
    deepObject,
    '{"name":"a","name":"b"}',
    '{"status":"inactive","status":"active"}',
    '{"__proto__":{"admin":true},"name":"x"}',
    '{"name":"x","__proto__":{"scope":["all.User"]}}',
    '{"constructor":{"prototype":{"admin":true}},"name":"x"}',
    '{"name":"x","constructor":{"prototype":{}}}',
    Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), // {"name":"\xff\xfe\xc3("}
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // BOM + {}
    Buffer.from([0x80, 0x81, 0x82]),
    JSON.stringify({ name: longString }),
    JSON.stringify({ token: `${w.tokens.appRead}` }),
    `token=${encodeURIComponent(w.tokens.appRead!)}`,
    oversized,
  );
  // Mostly well-formed writes, so that some succeed and later refusals meet a changed state.
  const plausibleBody = fc
    .record(
      {
        name: fc.constantFrom('fuzzed', 'Fuzzed *%_\\', "' OR 1=1--", 'x'.repeat(300)),
        description: fc.constantFrom('', 'd'),
        status: fc.constantFrom('active', 'inactive'),
        scope: fc.constantFrom(['all.Application'], ['all.Application.read'], ['all.User'], ['all.User.read'], ['device.get'], ['nope']),
        expirationDate: fc.constantFrom('2099-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z'),
        userId: fc.constantFrom(...w.userIds),
        role: fc.constantFrom('admin', 'edit', 'view', 'owner'),
      },
      { requiredKeys: [] },
    )
    .map((object) => JSON.stringify(object));
  const body = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: plausibleBody },
    { weight: 5, arbitrary: objectBody },
    { weight: 1, arbitrary: loginBody },
    { weight: 4, arbitrary: rawBody },
  );
  const extraHeaders = fc.dictionary(
    fc.constantFrom(
      'x-forwarded-for',
      'accept',
      'accept-encoding',
      'x-custom',
      'content-encoding',
      'transfer-encoding-x',
      'origin',
      'cookie',
    ),
    fc.constantFrom('*', 'gzip', 'application/xml', header10k, '127.0.0.1, 10.0.0.1', 'deflate', 'null'),
    { maxKeys: 2 },
  );
  const method = fc.constantFrom(
    'GET',
    'GET',
    'POST',
    'POST',
    'PATCH',
    'PATCH',
    'DELETE',
    'DELETE',
    'PUT',
    'HEAD',
    'OPTIONS',
  ) as fc.Arbitrary<'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD' | 'OPTIONS'>;
  const random = fc.record({ method, path, query, authorization, contentType, body, extraHeaders });

  // Well-formed writes with any of the tokens: the refusals among them (401, 403, 404,
  // 400 on attenuation or dates) are the ones most likely to have written something.
  const realApp = fc.constantFrom(...w.appIds);
  const realToken = fc.constantFrom(...w.tokenIds);
  const tokenFields = fc.record(
    {
      name: fc.constantFrom('fuzzed', 'Fuzzed *%_\\'),
      description: fc.constantFrom('', 'd'),
      status: fc.constantFrom('active', 'inactive'),
      scope: fc.constantFrom(['all.Application'], ['all.Application.read'], ['all.User'], ['all.User.read'], ['device.get'], ['nope']),
      expirationDate: fc.constantFrom('2099-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z'),
    },
    { requiredKeys: ['name'] },
  );
  const patchFields = fc.record(
    { name: fc.constant('patched'), description: fc.constant('p'), status: fc.constantFrom('active', 'inactive') },
    { requiredKeys: [] },
  );
  const operation: fc.Arbitrary<readonly [string, string, unknown]> = fc.oneof<fc.Arbitrary<readonly [string, string, unknown]>[]>(
    fc.tuple(
      fc.constant('POST'),
      realApp.map((a) => `/applications/${a}/tokens`),
      tokenFields,
    ),
    fc.tuple(
      fc.constant('PATCH'),
      fc.tuple(realApp, realToken).map(([a, tk]) => `/applications/${a}/tokens/${tk}`),
      patchFields,
    ),
    fc.tuple(
      fc.constant('DELETE'),
      fc.tuple(realApp, realToken).map(([a, tk]) => `/applications/${a}/tokens/${tk}`),
      fc.constant(undefined),
    ),
    fc.tuple(fc.constant('POST'), fc.constant('/me/tokens'), tokenFields),
    fc.tuple(
      fc.constant('PATCH'),
      realToken.map((tk) => `/me/tokens/${tk}`),
      patchFields,
    ),
    fc.tuple(
      fc.constant('DELETE'),
      realToken.map((tk) => `/me/tokens/${tk}`),
      fc.constant(undefined),
    ),
    fc.tuple(
      fc.constant('POST'),
      fc.constant('/applications'),
      fc.record({ name: fc.constant('new app'), orgId: fc.constantFrom(...w.orgIds) }, { requiredKeys: ['name'] }),
    ),
    fc.tuple(
      fc.constant('PATCH'),
      realApp.map((a) => `/applications/${a}`),
      fc.record({ name: fc.constant('renamed') }),
    ),
    fc.tuple(fc.constant('POST'), fc.constant('/orgs'), fc.record({ name: fc.constant('new org') })),
    fc.tuple(
      fc.constant('PATCH'),
      fc.constantFrom(...w.orgIds).map((o) => `/orgs/${o}`),
      fc.record({ description: fc.constant('changed') }),
    ),
    fc.tuple(
      fc.constant('PATCH'),
      fc.constantFrom(...w.orgIds).map((o) => `/orgs/${o}/member`),
      fc.record({ userId: fc.constantFrom(...w.userIds), role: fc.constantFrom('admin', 'edit', 'view') }),
    ),
  );
  const wellFormed = fc
    .record({
      operation,
      authorization: fc.constantFrom(...tokenKinds).map((kind) => `Bearer ${w.tokens[kind]}`),
    })
    .map(({ operation: [method, path, fields], authorization }) => ({
      method: method as 'POST' | 'PATCH' | 'DELETE',
      path,
      query: '',
      authorization: authorization as string | undefined,
      contentType: (fields === undefined ? undefined : 'application/json') as string | undefined,
      body: (fields === undefined ? undefined : JSON.stringify(fields)) as string | Buffer | undefined,
      extraHeaders: {} as Record<string, string>,
    }));
  return fc.oneof({ weight: 3, arbitrary: random }, { weight: 1, arbitrary: wellFormed });
}

type Generated = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer T> ? T : never;

function describe(r: Generated): string {
  const body =
    r.body === undefined ? '' : Buffer.isBuffer(r.body) ? `<buffer ${r.body.toString('hex').slice(0, 80)}>` : r.body.slice(0, 200);
  return `${r.method} ${(r.path + r.query).slice(0, 300)} auth=${String(r.authorization).slice(0, 40)} ct=${String(r.contentType).slice(0, 40)} body=${body}`;
}

for (let batch = 0; batch < batches; batch++) {
  test(`fuzz batch ${batch + 1}/${batches}: ${runsPerBatch} requests, no 5xx, {type, message} errors, refused requests change nothing`, async (t) => {
    const w = await world(t);
    let before = fingerprint(w);
    const statuses = new Map<number, number>();
    let changes = 0;
    await fc.assert(
      fc.asyncProperty(requestArbitrary(w), async (r) => {
        const headers: Record<string, string> = { ...r.extraHeaders };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        const response = await w.h.app.inject({
          method: r.method,
          url: r.path + r.query,
          headers,
          ...(r.body === undefined ? {} : { payload: r.body }),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const context = `${describe(r)}\n-> ${response.statusCode} ${response.body.slice(0, 300)}`;
        assert.ok(response.statusCode < 500, `5xx: ${context}`);
        const after = fingerprint(w);
        if (response.statusCode >= 400) {
          assert.equal(after, before, `a refused request changed state: ${context}`);
          if (r.method !== 'HEAD') {
            assert.match(String(response.headers['content-type']), /^application\/json/, `4xx content-type: ${context}`);
            const parsed = JSON.parse(response.body) as Record<string, unknown>;
            assert.deepEqual(Object.keys(parsed).sort(), ['message', 'type'], `4xx body keys: ${context}`);
            assert.equal(typeof parsed.type, 'string', context);
            assert.equal(typeof parsed.message, 'string', context);
          }
        }
        if (after !== before) changes++;
        before = after;
      }),
      { numRuns: runsPerBatch, includeErrorInReport: true, seed: Number(process.env.FUZZ_SEED ?? Date.now() + batch) },
    );
    const health = await w.h.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200, health.body);
    // The fingerprint does see writes: the accepted ones among the well-formed requests.
    assert.ok(changes > 0, 'some accepted requests changed the state');
    t.diagnostic(
      `${changes} requests changed the state; statuses: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}x${n}`)
        .join(' ')}`,
    );
  });
}

test('paths the router refuses (malformed percent-encoding, a parameter over 200 characters) are answered {type, message}', async (t) => {
  const h = await build(t);
  const long = 'x'.repeat(201);
  for (const url of [
    '/applications/%zz/tokens',
    '/me/tokens/%E0%A4%A',
    '/orgs/%/member',
    '/unknown%zz',
    `/applications/${long}/tokens`,
    `/me/tokens/${long}`,
    `/orgs/${long}`,
  ]) {
    const response = await h.call(h.userToken, { method: 'GET', url });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, url);
    assert.deepEqual(Object.keys(response.json()).sort(), ['message', 'type'], `${url}: ${response.body}`);
    assert.ok(!response.body.includes('%zz') && !response.body.includes(long), 'the path is not echoed');
  }
});
