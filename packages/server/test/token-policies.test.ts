// Token policies (an organization's, through PATCH /orgs; a user's, through PATCH /me)
// and a token's allowedCidrs: refusals of creates that break a policy, the default
// CIDRs, and the address checks of /verify, /introspect and latchkey's own API
// (with and without --trust-proxy).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { build, createUser, login, type Harness } from './helpers/build.js';

const secret = 'policies-secret-of-the-test-suite';
const day = 86_400_000;

async function orgApplication(h: Harness): Promise<{ orgId: string; applicationId: string }> {
  const org = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } });
  assert.equal(org.statusCode, 201, org.body);
  const orgId = org.json().id as string;
  const app = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org app', orgId } });
  assert.equal(app.statusCode, 201, app.body);
  return { orgId, applicationId: app.json().id };
}

const setOrgPolicy = (h: Harness, orgId: string, tokenPolicy: unknown) =>
  h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}`, payload: { tokenPolicy } });
const setMyPolicy = (h: Harness, tokenPolicy: unknown, token = h.userToken) =>
  h.call(token, { method: 'PATCH', url: '/me', payload: { tokenPolicy } });
const createIn = (h: Harness, applicationId: string, payload: Record<string, unknown>) =>
  h.call(h.userToken, { method: 'POST', url: `/applications/${applicationId}/tokens`, payload });
const inDays = (h: Harness, days: number) => new Date(h.clock.now + days * day).toISOString();

function assertRefused(res: { statusCode: number; body: string }, message: RegExp, status = 400) {
  assert.equal(res.statusCode, status, res.body);
  const body = JSON.parse(res.body) as { type: string; message: string };
  assert.deepEqual(Object.keys(body).sort(), ['message', 'type']);
  assert.match(body.message, message);
}

test("an organization's maxLifetime and requireExpiration refuse creates that break them; existing tokens keep working", async (t) => {
  const h = await build(t);
  const { orgId, applicationId } = await orgApplication(h);
  const before = await createIn(h, applicationId, { name: 'before the policy' });
  assert.equal(before.statusCode, 201);

  const set = await setOrgPolicy(h, orgId, { maxLifetime: 90 * 86_400 });
  assert.equal(set.statusCode, 200, set.body);
  assert.deepEqual(set.json().tokenPolicy, { maxLifetime: 7_776_000 });
  assert.deepEqual((await h.call(h.userToken, { method: 'GET', url: `/orgs/${orgId}` })).json().tokenPolicy, { maxLifetime: 7_776_000 });
  const listed = (await h.call(h.userToken, { method: 'GET', url: '/orgs' })).json();
  assert.deepEqual(listed.items[0].tokenPolicy, { maxLifetime: 7_776_000 });

  assertRefused(
    await createIn(h, applicationId, { name: 'forever' }),
    /^tokens in this organization must expire within 90 days: give an expirationDate no later than /,
  );
  assertRefused(await createIn(h, applicationId, { name: 'too long', expirationDate: inDays(h, 91) }), /must expire within 90 days/);
  assert.equal((await createIn(h, applicationId, { name: 'within', expirationDate: inDays(h, 89) })).statusCode, 201);
  assert.equal((await createIn(h, applicationId, { name: 'exactly', expirationDate: inDays(h, 90) })).statusCode, 201);

  // The token made before the policy still authenticates and verifies as it did.
  const app = await h.call(before.json().token, { method: 'GET', url: `/applications/${applicationId}` });
  assert.equal(app.statusCode, 200, app.body);

  assert.equal((await setOrgPolicy(h, orgId, { requireExpiration: true })).statusCode, 200);
  assertRefused(
    await createIn(h, applicationId, { name: 'no date' }),
    /^tokens in this organization must have an expiration date: give an expirationDate$/,
  );
  assert.equal(
    (await createIn(h, applicationId, { name: 'a year', expirationDate: inDays(h, 365) })).statusCode,
    201,
    'no lifetime cap now',
  );

  // Only the organization's applications: the user's own application has no policy.
  assert.equal((await createIn(h, h.applicationId, { name: 'personal' })).statusCode, 201);

  const cleared = await setOrgPolicy(h, orgId, null);
  assert.equal(cleared.json().tokenPolicy, undefined);
  assert.equal((await createIn(h, applicationId, { name: 'free again' })).statusCode, 201);
});

test('a policy is validated with clear 400s, and only an admin sets an organization’s', async (t) => {
  const h = await build(t);
  const { orgId } = await orgApplication(h);
  const cases: Array<[unknown, RegExp]> = [
    [{ maxLifetime: 0 }, /maxLifetime/],
    [{ maxLifetime: 1.5 }, /maxLifetime/],
    [{ requireExpiration: 'yes' }, /requireExpiration/],
    [{ leakPolicy: 'burn' }, /leakPolicy/],
    [{ maxAge: 10 }, /maxAge/],
    [
      { defaultAllowedCidrs: ['10.0.0.0/8', 'not-a-range'] },
      /body\/tokenPolicy\/defaultAllowedCidrs\/1 "not-a-range" is not an IPv4 or IPv6 CIDR/,
    ],
    [{ defaultAllowedCidrs: ['10.0.0.0/33'] }, /defaultAllowedCidrs\/0 "10.0.0.0\/33"/],
    [{ defaultAllowedCidrs: Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`) }, /defaultAllowedCidrs/],
  ];
  for (const [policy, message] of cases) {
    assertRefused(await setOrgPolicy(h, orgId, policy), message);
    assertRefused(await setMyPolicy(h, policy), message);
  }
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `/orgs/${orgId}` })).json().tokenPolicy, undefined, 'nothing was set');

  const member = await createUser(h.store, 'editor@example.com', 'editor password');
  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: member, role: 'edit' } });
  const session = await login(h, 'editor@example.com', 'editor password');
  assert.equal((await setOrgPolicy(h, orgId, { requireExpiration: true })).statusCode, 200, 'the admin may');
  const byEditor = await h.call(session, { method: 'PATCH', url: `/orgs/${orgId}`, payload: { tokenPolicy: null } });
  assert.equal(byEditor.statusCode, 403, byEditor.body);
});

test("PATCH /me changes the user's names, email and tokenPolicy, which governs the user's own applications and user tokens", async (t) => {
  const h = await build(t);
  const { applicationId: orgApp } = await orgApplication(h);
  const patched = await h.call(h.userToken, {
    method: 'PATCH',
    url: '/me',
    payload: { firstName: 'Ada', lastName: 'Lovelace', tokenPolicy: { maxLifetime: 3_600, leakPolicy: 'notify' } },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  const me = patched.json();
  assert.deepEqual(
    [me.firstName, me.lastName, me.fullName, me.tokenPolicy],
    ['Ada', 'Lovelace', 'Ada Lovelace', { maxLifetime: 3_600, leakPolicy: 'notify' }],
  );
  assert.deepEqual((await h.call(h.userToken, { method: 'GET', url: '/me' })).json().tokenPolicy, me.tokenPolicy);

  assertRefused(
    await createIn(h, h.applicationId, { name: 'forever' }),
    /^this user's tokens must expire within 1 hour: give an expirationDate no later than /,
  );
  const soon = new Date(h.clock.now + 3_600_000).toISOString();
  assert.equal((await createIn(h, h.applicationId, { name: 'an hour', expirationDate: soon })).statusCode, 201);
  const userToken = await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'mine' } });
  assertRefused(userToken, /^this user's tokens must expire within 1 hour/);
  assert.equal(
    (await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'mine', expirationDate: soon } })).statusCode,
    201,
  );
  // The organization's application follows the organization (which has no policy), not the user.
  assert.equal((await createIn(h, orgApp, { name: 'org token' })).statusCode, 201);

  // Email: moved, lower-cased, unique; sign-in follows it.
  await createUser(h.store, 'taken@example.com', 'someone else');
  assertRefused(
    await h.call(h.userToken, { method: 'PATCH', url: '/me', payload: { email: 'Taken@example.com' } }),
    /another user has "Taken@example.com"/,
  );
  const moved = await h.call(h.userToken, { method: 'PATCH', url: '/me', payload: { email: 'Ada@Example.com' } });
  assert.equal(moved.json().email, 'ada@example.com');
  await login(h, 'ada@example.com', 'correct horse battery');
  for (const payload of [{ password: 'a new password 1!' }, { firstName: '' }, { email: 'no-at-sign' }, { companyName: 'x' }]) {
    assertRefused(await h.call(h.userToken, { method: 'PATCH', url: '/me', payload }), /./);
  }
  const cleared = await setMyPolicy(h, null);
  assert.equal(cleared.json().tokenPolicy, undefined);
  assert.equal((await createIn(h, h.applicationId, { name: 'forever again' })).statusCode, 201);
});

test('defaultAllowedCidrs go to a new token that names none; a token names its own, or none with []', async (t) => {
  const h = await build(t);
  assert.equal((await setMyPolicy(h, { defaultAllowedCidrs: ['10.0.0.0/8', '2001:db8::/32'] })).statusCode, 200);
  const defaulted = await createIn(h, h.applicationId, { name: 'defaulted' });
  assert.deepEqual(defaulted.json().allowedCidrs, ['10.0.0.0/8', '2001:db8::/32']);
  const read = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${defaulted.json().id}` });
  assert.deepEqual(read.json().allowedCidrs, ['10.0.0.0/8', '2001:db8::/32']);
  const own = await createIn(h, h.applicationId, { name: 'own', allowedCidrs: ['192.0.2.7'] });
  assert.deepEqual(own.json().allowedCidrs, ['192.0.2.7']);
  const none = await createIn(h, h.applicationId, { name: 'none', allowedCidrs: [] });
  assert.equal(none.json().allowedCidrs, undefined);
  const mine = await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'user token' } });
  assert.deepEqual(mine.json().allowedCidrs, ['10.0.0.0/8', '2001:db8::/32'], "the user's tokens too");
});

test('allowedCidrs: up to 20 IPv4/IPv6 ranges, refused naming the bad entry; set and cleared by a patch; listed', async (t) => {
  const h = await build(t);
  for (const bad of ['10.0.0.0/8x', '256.0.0.1', '10.1', '::1/129', 'fe80::/10/1', 'localhost', '']) {
    const res = await createIn(h, h.applicationId, { name: 'bad', allowedCidrs: ['192.0.2.0/24', bad] });
    assertRefused(res, bad === '' ? /allowedCidrs/ : /^body\/allowedCidrs\/1 ".*" is not an IPv4 or IPv6 CIDR; give ranges such as/);
  }
  const many = Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`);
  assertRefused(await createIn(h, h.applicationId, { name: 'many', allowedCidrs: many }), /allowedCidrs/);
  const twenty = await createIn(h, h.applicationId, { name: 'twenty', allowedCidrs: many.slice(0, 20) });
  assert.equal(twenty.statusCode, 201, twenty.body);

  const plain = await h.createToken({ name: 'plain' });
  assert.equal(plain.allowedCidrs, undefined);
  const url = `/applications/${h.applicationId}/tokens/${plain.id}`;
  const set = await h.call(h.userToken, { method: 'PATCH', url, payload: { allowedCidrs: ['198.51.100.0/24', '2001:db8::/48'] } });
  assert.deepEqual(set.json().allowedCidrs, ['198.51.100.0/24', '2001:db8::/48']);
  assertRefused(await h.call(h.userToken, { method: 'PATCH', url, payload: { allowedCidrs: ['nope'] } }), /^body\/allowedCidrs\/0 "nope"/);
  const list = (
    await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?filterField=name&filter=plain` })
  ).json();
  assert.deepEqual(list.items[0].allowedCidrs, ['198.51.100.0/24', '2001:db8::/48']);
  const cleared = await h.call(h.userToken, { method: 'PATCH', url, payload: { allowedCidrs: [] } });
  assert.equal(cleared.json().allowedCidrs, undefined);
});

test('a token held to allowedCidrs grants only tokens held inside them (attenuation), on create and on patch', async (t) => {
  const h = await build(t);
  const caller = await h.createToken({ name: 'office', allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'] });
  const from = (payload: Record<string, unknown>, method = 'POST', url = `/applications/${h.applicationId}/tokens`) =>
    h.app.inject({
      method: method as 'POST',
      url,
      remoteAddress: '10.1.1.1',
      headers: { authorization: `Bearer ${caller.token}` },
      payload,
    });
  assertRefused(
    await from({ name: 'anywhere' }),
    /^Cannot grant a token without allowedCidrs: the caller may only be used from 10\.0\.0\.0\/8, 2001:db8::\/32/,
    403,
  );
  assertRefused(await from({ name: 'none', allowedCidrs: [] }), /without allowedCidrs/, 403);
  assertRefused(
    await from({ name: 'wider', allowedCidrs: ['10.2.0.0/16', '0.0.0.0/0'] }),
    /^Cannot grant allowedCidrs entry "0\.0\.0\.0\/0": it lies outside/,
    403,
  );
  assertRefused(await from({ name: 'v6 wider', allowedCidrs: ['2001:db8::/31'] }), /"2001:db8::\/31"/, 403);
  const inside = await from({ name: 'inside', allowedCidrs: ['10.2.0.0/16', '10.3.3.3', '2001:db8:5::/48'] });
  assert.equal(inside.statusCode, 201, inside.body);
  const url = `/applications/${h.applicationId}/tokens/${inside.json().id}`;
  assertRefused(await from({ allowedCidrs: [] }, 'PATCH', url), /without allowedCidrs/, 403);
  assertRefused(await from({ allowedCidrs: ['192.0.2.0/24'] }, 'PATCH', url), /"192\.0\.2\.0\/24"/, 403);
  assert.equal((await from({ allowedCidrs: ['10.9.0.0/16'] }, 'PATCH', url)).statusCode, 200);
  // The user (no allowedCidrs of its own) may widen it.
  assert.equal((await h.call(h.userToken, { method: 'PATCH', url, payload: { allowedCidrs: [] } })).statusCode, 200);
});

async function withVerify(t: TestContext) {
  const h = await build(t, { introspectionSecret: secret });
  const verify = async (payload: Record<string, unknown>) => {
    const res = await h.app.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${secret}` }, payload });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const introspect = async (payload: Record<string, unknown>) =>
    (await h.app.inject({ method: 'POST', url: '/introspect', headers: { authorization: `Bearer ${secret}` }, payload })).json();
  return { h, verify, introspect };
}

test('/verify: a token with allowedCidrs is FORBIDDEN (reason ip) from outside them and without an ip; inside, VALID; IPv6 too', async (t) => {
  const { h, verify, introspect } = await withVerify(t);
  const limited = await h.createToken({ name: 'limited', allowedCidrs: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] });
  const plain = await h.createToken({ name: 'plain' });
  const valid = { valid: true, code: 'VALID', tokenId: limited.id };
  const refused = { valid: false, code: 'FORBIDDEN', reason: 'ip', tokenId: limited.id };
  const pick = (answer: Record<string, unknown>) => ({
    valid: answer.valid,
    code: answer.code,
    reason: answer.reason,
    tokenId: answer.tokenId,
  });
  const cases: Array<[string | undefined, object]> = [
    ['10.1.2.3', valid],
    ['192.0.2.7', valid],
    ['192.0.2.8', refused],
    ['11.0.0.1', refused],
    ['::ffff:10.9.9.9', valid],
    ['2001:db8:1::5', valid],
    ['2001:db9::5', refused],
    ['::1', refused],
    ['not an address', refused],
    [undefined, refused],
  ];
  for (const [ip, expected] of cases) {
    const answer = await verify({ token: limited.token, ...(ip === undefined ? {} : { ip }) });
    assert.deepEqual(pick(answer), { reason: undefined, ...expected }, `ip ${ip}`);
    const active = (await introspect({ token: limited.token, ...(ip === undefined ? {} : { ip }) })).active;
    assert.equal(active, (expected as { valid: boolean }).valid, `introspection from ${ip}`);
  }
  const forbidden = await verify({ token: limited.token, ip: '11.0.0.1' });
  assert.deepEqual(Object.keys(forbidden).sort(), ['code', 'ownerId', 'ownerType', 'reason', 'scope', 'tokenId', 'valid']);
  // In the order of the codes: the address is FORBIDDEN's, after DISABLED, before the application's reach.
  assert.deepEqual(pick(await verify({ token: limited.token, ip: '11.0.0.1', applicationId: '0123456789abcdef01234567' })), refused);
  assert.equal((await verify({ token: limited.token, ip: '10.0.0.1', applicationId: '0123456789abcdef01234567' })).reason, undefined);
  await h.call(h.userToken, {
    method: 'PATCH',
    url: `/applications/${h.applicationId}/tokens/${limited.id}`,
    payload: { status: 'inactive' },
  });
  assert.deepEqual(await verify({ token: limited.token, ip: '11.0.0.1' }), { valid: false, code: 'DISABLED' });
  // A token without allowedCidrs: any address, or none.
  assert.equal((await verify({ token: plain.token })).code, 'VALID');
  assert.equal((await verify({ token: plain.token, ip: '203.0.113.1' })).code, 'VALID');
});

test("latchkey's own API refuses a token from outside its allowedCidrs (403), honouring --trust-proxy for X-Forwarded-For", async (t) => {
  const direct = await build(t);
  const behind = await build(t, { app: { trustProxy: true } });
  const listed = await build(t, { app: { trustProxy: '127.0.0.1,10.9.0.0/16' } });
  for (const h of [direct, behind, listed]) {
    const token = (await h.createToken({ name: 'office', allowedCidrs: ['198.51.100.0/24', '2001:db8::/32'] })).token;
    (h as Harness & { limited?: string }).limited = token;
  }
  const get = (h: Harness, remoteAddress: string, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'GET',
      url: `/applications/${h.applicationId}`,
      remoteAddress,
      headers: { authorization: `Bearer ${(h as Harness & { limited?: string }).limited}`, ...headers },
    });
  assert.equal((await get(direct, '198.51.100.9')).statusCode, 200);
  assert.equal((await get(direct, '2001:db8::9')).statusCode, 200);
  assert.equal((await get(direct, '::ffff:198.51.100.9')).statusCode, 200);
  const outside = await get(direct, '203.0.113.5');
  assertRefused(outside, /^This token is not allowed from this address \(203\.0\.113\.5\): it is outside the token's allowedCidrs/, 403);
  assert.equal(outside.json().type, 'Forbidden');
  // Without --trust-proxy the header is the client's to write: ignored.
  assert.equal((await get(direct, '127.0.0.1', { 'x-forwarded-for': '198.51.100.9' })).statusCode, 403);
  // With it, the forwarded client is the address.
  assert.equal((await get(behind, '127.0.0.1', { 'x-forwarded-for': '198.51.100.9' })).statusCode, 200);
  assert.equal((await get(behind, '127.0.0.1', { 'x-forwarded-for': '203.0.113.5' })).statusCode, 403);
  assert.equal((await get(behind, '198.51.100.9')).statusCode, 200, 'no header: the socket');
  // Trusting only some proxies: the nearest untrusted hop is the client.
  assert.equal((await get(listed, '10.9.1.1', { 'x-forwarded-for': '198.51.100.9' })).statusCode, 200);
  assert.equal((await get(listed, '127.0.0.1', { 'x-forwarded-for': '198.51.100.9, 10.9.3.3' })).statusCode, 200);
  assert.equal((await get(listed, '203.0.113.5', { 'x-forwarded-for': '198.51.100.9' })).statusCode, 403, 'an untrusted peer');
  assert.equal((await get(listed, '127.0.0.1', { 'x-forwarded-for': '198.51.100.9, 203.0.113.5' })).statusCode, 403);

  // Tokens without allowedCidrs are untouched, from anywhere.
  assert.equal((await direct.call(direct.userToken, { method: 'GET', url: '/me', remoteAddress: '203.0.113.5' } as never)).statusCode, 200);
});

/** One raw request over a socket (the early refusal runs only for a listening server). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const head = Object.entries({ host: 'localhost', connection: 'close', ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.end(`GET ${path} HTTP/1.1\r\n${head}\r\n`);
    });
    let answer = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject).on('close', () => resolve(answer.slice(9, 12)));
  });
}

test('with --trust-proxy, the early refusal throttles failed authentications by the forwarded address, as the hook does', async (t) => {
  const h = await build(t, { app: { trustProxy: true, authFailureLimit: 2 } });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as AddressInfo;
  const from = (address: string) => rawGet(port, '/me', { authorization: 'Bearer garbage', 'x-forwarded-for': address });
  assert.deepEqual([await from('198.51.100.1'), await from('198.51.100.1'), await from('198.51.100.1')], ['401', '401', '429']);
  assert.equal(await from('198.51.100.2'), '401', 'another client behind the same proxy is not throttled');
});

test("a rotation meets the owner's policy as a create does: a token the policy no longer allows is not given a new secret", async (t) => {
  const h = await build(t);
  const { orgId, applicationId } = await orgApplication(h);
  const forever = (await createIn(h, applicationId, { name: 'forever' })).json();
  const soon = (await createIn(h, applicationId, { name: 'soon', expirationDate: inDays(h, 30) })).json();
  const late = (await createIn(h, applicationId, { name: 'late', expirationDate: inDays(h, 120) })).json();
  assert.equal((await setOrgPolicy(h, orgId, { maxLifetime: 90 * 86_400 })).statusCode, 200);
  const rotate = (id: string) =>
    h.call(h.userToken, { method: 'POST', url: `/applications/${applicationId}/tokens/${id}/rotate`, payload: { gracePeriod: 60 } });
  assertRefused(await rotate(forever.id), /^tokens in this organization must expire within 90 days: .*create a new token instead$/);
  assertRefused(await rotate(late.id), /must expire within 90 days: a rotation keeps the token's expirationDate/);
  assert.equal((await rotate(soon.id)).statusCode, 201);
  // Refused rotations changed nothing: the old secrets still work, undeprecated.
  for (const token of [forever.token, late.token]) {
    assert.equal((await h.call(token, { method: 'GET', url: `/applications/${applicationId}` })).statusCode, 200);
  }
  assert.equal((await setOrgPolicy(h, orgId, { requireExpiration: true })).statusCode, 200);
  assertRefused(await rotate(forever.id), /must have an expiration date: a rotation keeps the token without one/);
});
