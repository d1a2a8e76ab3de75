// POST /verify is served ahead of Fastify (http/early-verify.ts) when it can be: the
// answers must be Fastify's route's, byte for byte. Two apps on identical stores and
// clocks: one logs every request, so its /verify takes Fastify's path; the other
// takes the early path. Every request goes to both over a real socket (inject does
// not pass through node's request event) and the raw answers are compared, Date aside.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { generateToken } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { hashToken } from '../src/auth/token-hash.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/port.js';
import { newToken } from '../src/tokens/api-token-wire.js';
import { AllowedCidrs } from '../src/tokens/allowed-cidrs.js';
import { newUser } from '../src/users/new-user.js';

const secret = 'early-verify-secret-of-the-test-suite';
const at = Date.UTC(2030, 4, 6, 7, 8, 9, 123);
const applicationId = '0123456789abcdef01234567';
const otherApplicationId = '0123456789abcdef01234568';

/** The tokens both stores hold, by what they are for. */
const tokens = {
  plain: generateToken('application'),
  limited: generateToken('application'),
  credited: generateToken('application'),
  inactive: generateToken('application'),
  reader: generateToken('application'),
  restricted: generateToken('application'),
  rotated: generateToken('application'),
  graceOver: generateToken('application'),
};
/** The secrets rotations replaced: `rotated`'s still in its grace period, `graceOver`'s past it. */
const replaced = { rotated: generateToken('application'), graceOver: generateToken('application') };

async function seed(store: Store, user: Awaited<ReturnType<typeof newUser>>): Promise<void> {
  await store.createUser(user);
  for (const id of [applicationId, otherApplicationId]) {
    await store.createApplication({ id, ownerType: 'user', ownerId: user.id, name: id, description: '', createdAt: at, updatedAt: at });
  }
  const fields = {
    plain: { name: 'plain', meta: { plan: 'pro', nested: { list: [1, 'two', null] } } },
    limited: { name: 'limited', ratelimits: [{ name: 'requests', limit: 2, duration: 60_000, autoApply: true }] },
    credited: { name: 'credited', credits: { remaining: 1 } },
    inactive: { name: 'inactive', status: 'inactive' as const },
    reader: { name: 'reader' },
    restricted: { name: 'restricted' },
    rotated: { name: 'rotated', meta: { plan: 'team' } },
    graceOver: { name: 'grace over' },
  };
  let n = 0;
  for (const [what, token] of Object.entries(tokens)) {
    const record = newToken(fields[what as keyof typeof fields], {
      id: `${'0'.repeat(22)}${String(++n).padStart(2, '0')}`,
      owner: { ownerType: 'application', ownerId: applicationId },
      creator: { creatorType: 'user', creatorId: user.id, creatorName: 'test' },
      scope: what === 'reader' ? ['all.Device.read'] : ['all.Application'],
      expiresAt: what === 'plain' || what === 'rotated' ? at + 3_600_000 : null,
      allowedCidrs: what === 'restricted' ? AllowedCidrs.of(['10.0.0.0/8', '2001:db8::/32']) : null,
      at,
      hash: hashToken(what in replaced ? replaced[what as keyof typeof replaced] : token),
    });
    await store.createToken(record);
    if (what in replaced) {
      const previousSecretExpiresAt = what === 'rotated' ? at + 1_800_000 : at - 1;
      await store.rotateToken('application', applicationId, record.id, { hash: hashToken(token), at: at - 2, previousSecretExpiresAt });
    }
  }
}

const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });

async function listeningApp(t: TestContext, user: Awaited<ReturnType<typeof newUser>>, logsEveryRequest: boolean) {
  const store = await openStore('sqlite::memory:');
  await seed(store, user);
  const app = await buildApp({
    store,
    now: () => at,
    introspectionSecret: secret,
    ...(logsEveryRequest ? { logger: { level: 'info', stream: silent } } : {}),
  });
  let reachedFastify = 0;
  app.addHook('onRequest', (_request, _reply, done) => {
    reachedFastify++;
    done();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return { store, port: (app.server.address() as AddressInfo).port, reachedFastify: () => reachedFastify };
}

/** One request written as given; the whole raw answer, its Date header taken out. */
function exchange(port: number, head: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.concat([Buffer.from(head), body])));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/\r\ndate: [^\r]*/i, ''),
      ),
    );
  });
}

function request(body: string | Buffer, headers: Record<string, string> = {}): [string, Buffer] {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const all = {
    host: 'localhost',
    authorization: `Bearer ${secret}`,
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    connection: 'close',
    ...headers,
  };
  const head = `POST /verify HTTP/1.1\r\n${Object.entries(all)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return [head, bytes];
}

const json = (value: object) => JSON.stringify(value);

test('the early /verify answers exactly as Fastify’s route, for every outcome and every refusal of a body', async (t) => {
  const user = await newUser({ email: 'early@example.com', password: 'correct horse battery', at });
  const ordinary = await listeningApp(t, user, true);
  const early = await listeningApp(t, user, false);
  const cases: Array<[string, string | Buffer, Record<string, string>?]> = [
    ['valid, with expiry and meta', json({ token: tokens.plain })],
    ['valid on an application, with an action', json({ token: tokens.plain, applicationId, action: 'device.sendState' })],
    ['not found', json({ token: 'garbage' })],
    ['unknown', json({ token: generateToken('application') })],
    ['disabled', json({ token: tokens.inactive })],
    ['forbidden', json({ token: tokens.plain, applicationId: otherApplicationId })],
    ['insufficient permissions', json({ token: tokens.reader, applicationId, action: 'device.sendState' })],
    ['rate limit 1', json({ token: tokens.limited })],
    ['rate limit 2', json({ token: tokens.limited, ratelimits: [{ name: 'requests', cost: 1 }] })],
    ['rate limited', json({ token: tokens.limited })],
    ['credits', json({ token: tokens.credited, cost: 1 })],
    ['deprecated: a replaced secret in its grace period', json({ token: replaced.rotated })],
    ['the new secret of a rotated token', json({ token: tokens.rotated })],
    ['deprecated again, after the new secret', json({ token: replaced.rotated })],
    ['deprecated, on an application, with an action', json({ token: replaced.rotated, applicationId, action: 'device.sendState' })],
    ['deprecated, forbidden', json({ token: replaced.rotated, applicationId: otherApplicationId })],
    ['deprecated, with a limit named', json({ token: replaced.rotated, ratelimits: [{ name: 'none', cost: 1 }] })],
    ['a replaced secret past its grace period', json({ token: replaced.graceOver })],
    ['the new secret of a token whose grace period is over', json({ token: tokens.graceOver })],
    ['usage exceeded', json({ token: tokens.credited })],
    ['ip inside allowedCidrs', json({ token: tokens.restricted, ip: '10.1.2.3' })],
    ['ip inside allowedCidrs, again (the kept answer)', json({ token: tokens.restricted, ip: '10.1.2.4' })],
    ['IPv6 inside allowedCidrs', json({ token: tokens.restricted, ip: '2001:db8::1' })],
    ['ip outside allowedCidrs', json({ token: tokens.restricted, ip: '192.0.2.1' })],
    ['ip outside allowedCidrs, again', json({ token: tokens.restricted, ip: '192.0.2.1' })],
    ['IPv6 outside allowedCidrs', json({ token: tokens.restricted, ip: '2001:db9::1' })],
    ['no ip for a token with allowedCidrs', json({ token: tokens.restricted })],
    ['ip outside allowedCidrs, on an application', json({ token: tokens.restricted, ip: '192.0.2.1', applicationId })],
    ['an ip for a token without allowedCidrs', json({ token: tokens.plain, ip: '192.0.2.1' })],
    ['charset', json({ token: tokens.plain }), { 'content-type': 'application/json; charset=utf-8' }],
    ['not JSON', '{"token": '],
    ['empty', ''],
    ['prototype poisoning', '{"token":"x","__proto__":{"polluted":true}}'],
    ['constructor poisoning', '{"token":"x","constructor":{"prototype":{"polluted":true}}}'],
    ['not an object', '[1, 2]'],
    ['missing token', json({})],
    ['unknown field', json({ token: tokens.plain, extra: 1 })],
    ['negative cost', json({ token: tokens.plain, cost: -1 })],
    ['unknown action', json({ token: tokens.plain, applicationId, action: 'device.nothing' })],
    ['action without application', json({ token: tokens.plain, action: 'device.get' })],
    ['a limit named twice', json({ token: tokens.plain, ratelimits: [{ name: 'a' }, { name: 'a' }] })],
    ['a lone surrogate', '{"token":"\\ud800"}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    // These go on to Fastify on both: the same answer all the same.
    ['no secret', json({ token: tokens.plain }), { authorization: 'Bearer wrong' }],
    ['a form', `token=${tokens.plain}`, { 'content-type': 'application/x-www-form-urlencoded' }],
  ];
  let statuses = '';
  for (const [i, [what, body, headers]] of cases.entries()) {
    // Each case its own X-Request-Id, the same on both paths: both must send it back, in the same place.
    const requestId = `early-verify-case:${i}`;
    const [head, bytes] = request(body, { 'x-request-id': requestId, ...headers });
    const reference = await exchange(ordinary.port, head, bytes);
    const answer = await exchange(early.port, head, bytes);
    assert.equal(answer, reference, what);
    assert.ok(answer.includes(`\r\nx-request-id: ${requestId}\r\n`), `${what}: the request's id is sent back`);
    statuses += `${what}: ${reference.slice(9, 12)}\n`;
  }
  assert.equal(ordinary.reachedFastify(), cases.length, 'every request reached Fastify on the app that logs them');
  assert.equal(early.reachedFastify(), 2, 'only the unauthorized request and the form reached Fastify on the other');
  // Both paths answered each kind of outcome (not, say, 400 to all).
  assert.match(statuses, /valid, with expiry and meta: 200/);
  assert.match(statuses, /deprecated: a replaced secret in its grace period: 200/);
  assert.match(statuses, /not JSON: 400/);
  // The address cases answered what they should on the early path (not, say, VALID to all).
  const addressCases = cases.filter(([what]) => /allowedCidrs|an ip for/.test(what));
  assert.equal(addressCases.length, 9);
  for (const [what, body] of addressCases) {
    const [head, bytes] = request(body);
    const answer = JSON.parse((await exchange(early.port, head, bytes)).split('\r\n\r\n')[1]!) as { code: string; reason?: string };
    assert.equal(`${answer.code} ${answer.reason ?? ''}`.trim(), /outside|no ip/.test(what) ? 'FORBIDDEN ip' : 'VALID', what);
  }
  assert.match(statuses, /no secret: 401/);
});

test('the early /verify sends a fresh X-Request-Id when the request has none or a malformed one', async (t) => {
  const user = await newUser({ email: 'request-id@example.com', password: 'correct horse battery', at });
  const early = await listeningApp(t, user, false);
  const idOf = async (headers: Record<string, string>) => {
    const [head, bytes] = request(json({ token: tokens.plain }), headers);
    return /\r\nx-request-id: ([^\r]*)\r\n/.exec(await exchange(early.port, head, bytes))?.[1];
  };
  const ids = [await idOf({}), await idOf({}), await idOf({ 'x-request-id': 'not;well formed' })];
  for (const id of ids) assert.match(id ?? 'none', /^[0-9a-f-]{36}$/);
  assert.equal(new Set(ids).size, 3, 'each answer its own id');
  assert.equal(early.reachedFastify(), 0, 'all on the early path');
});

test('an answer kept for a token without limits ends with any change to the token', async (t) => {
  const user = await newUser({ email: 'kept@example.com', password: 'correct horse battery', at });
  const early = await listeningApp(t, user, false);
  const [head, bytes] = request(json({ token: tokens.plain }));
  const body = async () => JSON.parse((await exchange(early.port, head, bytes)).split('\r\n\r\n')[1]!) as Record<string, unknown>;
  const first = await body();
  assert.deepEqual(await body(), first, 'the same answer while nothing changed');
  const id = first.tokenId as string;
  await early.store.updateToken('application', applicationId, id, { meta: { plan: 'enterprise' } }, at);
  assert.deepEqual((await body()).meta, { plan: 'enterprise' });
  await early.store.updateToken('application', applicationId, id, { status: 'inactive' }, at);
  assert.deepEqual(await body(), { valid: false, code: 'DISABLED' });
  assert.equal(early.reachedFastify(), 0, 'every request took the early path');
});

test('a replaced secret and the new one each keep their own answer, whichever comes first', async (t) => {
  const user = await newUser({ email: 'deprecated@example.com', password: 'correct horse battery', at });
  const early = await listeningApp(t, user, false);
  const body = async (token: string) => {
    const [head, bytes] = request(json({ token }));
    return JSON.parse((await exchange(early.port, head, bytes)).split('\r\n\r\n')[1]!) as Record<string, unknown>;
  };
  const graceEnd = new Date(at + 1_800_000).toISOString();
  const tokenExpiry = new Date(at + 3_600_000).toISOString();
  for (let round = 0; round < 3; round++) {
    const old = await body(replaced.rotated);
    assert.equal(old.code, 'VALID', `round ${round}`);
    assert.equal(old.deprecated, true, `round ${round}: the replaced secret is deprecated`);
    assert.equal(old.expirationDate, graceEnd, `round ${round}: it expires when its grace period ends`);
    const current = await body(tokens.rotated);
    assert.equal(current.code, 'VALID');
    assert.equal(current.deprecated, undefined, `round ${round}: the new secret is not`);
    assert.equal(current.expirationDate, tokenExpiry);
    assert.equal(current.tokenId, old.tokenId, 'one token');
    assert.deepEqual(current.meta, old.meta);
  }
  assert.deepEqual(await body(replaced.graceOver), { valid: false, code: 'NOT_FOUND' });
  assert.equal(early.reachedFastify(), 0, 'every request took the early path');
});
