// POST /secret-scanning/github: GitHub's secret scanning partner endpoint, with a P-256
// key pair made by the test and written as GitHub's public_keys file. A good
// signature applies each real token's leakPolicy and labels every match; a bad,
// missing or unknown one is a 401 that changes nothing.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken } from '@latchkey/contract';
import { parseGithubScanningKeys, readGithubScanningKeys } from '../src/secret-scanning/github-keys.js';
import { build, type Harness } from './helpers/build.js';
import { bannerEnd, countOf, freePort, listening, parseFirstAdmin, sandbox, stopsCleanly, waitForStdout } from './helpers/cli.js';
import { githubSigner, newP256Key, type GithubSigner } from './helpers/github-scanning.js';

const secret = 'secret-scanning-secret-of-the-test-suite';
const url = '/secret-scanning/github';
const leakAt = 'https://github.com/octo/repo/blob/0123abc/config.env';

async function setup(t: TestContext): Promise<{ h: Harness; signer: GithubSigner }> {
  const signer = githubSigner(t);
  const h = await build(t, { introspectionSecret: secret, app: { githubScanningKeys: signer.keys } });
  return { h, signer };
}

const report = (...tokens: string[]) =>
  JSON.stringify(tokens.map((token) => ({ token, type: 'latchkey_application_token', url: leakAt, source: 'content' })));

function post(h: Harness, body: string, headers: Record<string, string>) {
  return h.app.inject({ method: 'POST', url, payload: body, headers });
}

async function verifyCode(h: Harness, token: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${secret}` }, payload: { token } });
  return res.json().code;
}

const apiStatus = async (h: Harness, token: string) =>
  (await h.call(token, { method: 'GET', url: `/applications/${h.applicationId}` })).statusCode;

async function leakEntries(h: Harness) {
  const res = await h.call(h.userToken, {
    method: 'GET',
    url: `/applications/${h.applicationId}/audit-logs?filterField=action&filter=*.leak`,
  });
  return res.json().items as Array<Record<string, unknown>>;
}

test('a signed report deactivates each real token (then 401 on the API, DISABLED on /verify) and labels every match', async (t) => {
  const { h, signer } = await setup(t);
  const leaked = await h.createToken({ name: 'leaked' });
  const untouched = await h.createToken({ name: 'untouched' });
  assert.equal(await apiStatus(h, leaked.token), 200);
  const unknown = generateToken('application');
  const body = JSON.stringify([
    { token: leaked.token, type: 'latchkey_application_token', url: leakAt, source: 'content' },
    { token: unknown, type: 'latchkey_application_token', url: leakAt, source: 'content' },
    { token: 'lka_not-a-real-token', type: 'latchkey_application_token', url: leakAt, source: 'commit' },
    { token: leaked.token.slice(0, -1) + (leaked.token.endsWith('0') ? '1' : '0'), type: 'latchkey_application_token', url: leakAt },
    { token: leaked.token, type: 'latchkey_application_token', url: `${leakAt}#again`, source: 'content' },
  ]);
  const res = await post(h, body, signer.headers(body));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), [
    { token_raw: leaked.token, token_type: 'latchkey_application_token', label: 'true_positive' },
    { token_raw: unknown, token_type: 'latchkey_application_token', label: 'false_positive' },
    { token_raw: 'lka_not-a-real-token', token_type: 'latchkey_application_token', label: 'false_positive' },
    { token_raw: JSON.parse(body)[3].token, token_type: 'latchkey_application_token', label: 'false_positive' },
    { token_raw: leaked.token, token_type: 'latchkey_application_token', label: 'true_positive' },
  ]);
  assert.equal(await apiStatus(h, leaked.token), 401);
  assert.equal(await verifyCode(h, leaked.token), 'DISABLED');
  assert.equal(await verifyCode(h, untouched.token), 'VALID');
  const token = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${leaked.id}` });
  assert.equal(token.json().status, 'inactive');

  const entries = await leakEntries(h);
  assert.equal(entries.length, 1, 'a token reported twice in one report is handled once');
  const { id: _id, creationDate: _at, ...entry } = entries[0]!;
  assert.deepEqual(entry, {
    actorType: 'github',
    action: 'applicationApiToken.leak',
    targetType: 'apiToken',
    targetId: leaked.id,
    applicationId: h.applicationId,
    sourceAddress: '127.0.0.1',
    outcome: 'success',
    detail: { url: leakAt, source: 'content', leakPolicy: 'deactivate' },
  });

  // Reported again, already inactive: still true_positive, audited, nothing else changes.
  const again = report(leaked.token);
  assert.equal((await post(h, again, signer.headers(again))).json()[0].label, 'true_positive');
  assert.equal((await leakEntries(h)).length, 2);
});

test('a wrong key, a tampered body, an unknown key identifier or no signature: 401, and nothing changes', async (t) => {
  const { h, signer } = await setup(t);
  const leaked = await h.createToken({ name: 'leaked' });
  const body = report(leaked.token);
  const other = newP256Key().privateKey;
  const good = signer.headers(body);
  const refusals: Array<[string, string, Record<string, string>]> = [
    ['signed with another key', body, signer.headers(body, other)],
    ['a tampered body', body.replace('content', 'commits'), good],
    ['an unknown key identifier', body, signer.headers(body, signer.privateKey, 'f'.repeat(64))],
    ['no signature', body, { 'content-type': 'application/json', 'github-public-key-identifier': signer.identifier }],
    ['no identifier', body, { 'content-type': 'application/json', 'github-public-key-signature': good['github-public-key-signature']! }],
    ['no headers at all', body, { 'content-type': 'application/json' }],
    ['a signature that is not base64', body, { ...good, 'github-public-key-signature': 'not base64!' }],
    ['a signature that is not DER', body, { ...good, 'github-public-key-signature': Buffer.from('junk').toString('base64') }],
    ['an empty body', '', good],
    ['not JSON, unsigned', '{"token": ', { 'content-type': 'application/json' }],
    ['a form', `token=${leaked.token}`, { ...good, 'content-type': 'application/x-www-form-urlencoded' }],
  ];
  for (const [what, payload, headers] of refusals) {
    const res = await post(h, payload, headers);
    assert.equal(res.statusCode, 401, `${what}: ${res.body}`);
    assert.deepEqual(Object.keys(res.json()).sort(), ['message', 'type'], what);
    assert.equal(res.json().type, 'Unauthorized', what);
  }
  assert.match((await post(h, body, signer.headers(body, other))).json().message, /Github-Public-Key-Signature/);
  assert.equal(await apiStatus(h, leaked.token), 200, 'the token still works');
  assert.equal(await verifyCode(h, leaked.token), 'VALID');
  assert.deepEqual(await leakEntries(h), [], 'nothing was audited');
  // The same body with its own signature is accepted: the refusals above were the signature's.
  assert.equal((await post(h, body, good)).statusCode, 200);
  assert.equal(await apiStatus(h, leaked.token), 401);
});

test('signed bodies that are not a report are 400s; without --github-scanning-keys the route does not exist', async (t) => {
  const { h, signer } = await setup(t);
  for (const body of ['{"token": ', '{"token": "x", "type": "y"}', '[{"type": "y"}]', '[{"token": 1, "type": "y"}]']) {
    const res = await post(h, body, signer.headers(body));
    assert.equal(res.statusCode, 400, `${body}: ${res.body}`);
    assert.equal(res.json().type, 'Validation');
  }
  const plain = await build(t);
  const body = report(generateToken('application'));
  assert.equal((await post(plain, body, signer.headers(body))).statusCode, 404);
});

test("leakPolicy revoke deletes the token, notify leaves it active; an organization's application follows the organization", async (t) => {
  const { h, signer } = await setup(t);
  const send = async (...tokens: string[]) => {
    const body = report(...tokens);
    const res = await post(h, body, signer.headers(body));
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as Array<{ label: string }>).map((f) => f.label);
  };
  // The user's policy governs the user's own application and the user's tokens.
  assert.equal(
    (await h.call(h.userToken, { method: 'PATCH', url: '/me', payload: { tokenPolicy: { leakPolicy: 'revoke' } } })).statusCode,
    200,
  );
  const revoked = await h.createToken({ name: 'to revoke' });
  const userToken = (await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'user token' } })).json();
  assert.deepEqual(await send(revoked.token, userToken.token), ['true_positive', 'true_positive']);
  const gone = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${revoked.id}` });
  assert.equal(gone.statusCode, 404);
  assert.equal(await verifyCode(h, revoked.token), 'NOT_FOUND');
  assert.equal(await verifyCode(h, userToken.token), 'NOT_FOUND');
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `/me/tokens/${userToken.id}` })).statusCode, 404);
  assert.deepEqual(
    (await leakEntries(h)).map((e) => [e.action, e.targetId, (e.detail as { leakPolicy: string }).leakPolicy]),
    [['applicationApiToken.leak', revoked.id, 'revoke']],
  );
  // Reported again once deleted: no longer a token latchkey has.
  assert.deepEqual(await send(revoked.token), ['false_positive']);

  assert.equal(
    (await h.call(h.userToken, { method: 'PATCH', url: '/me', payload: { tokenPolicy: { leakPolicy: 'notify' } } })).statusCode,
    200,
  );
  const notified = await h.createToken({ name: 'to notify' });
  assert.deepEqual(await send(notified.token), ['true_positive']);
  assert.equal(await apiStatus(h, notified.token), 200);
  assert.equal(await verifyCode(h, notified.token), 'VALID');
  const [latest] = await leakEntries(h);
  assert.deepEqual([latest!.targetId, latest!.detail], [notified.id, { url: leakAt, source: 'content', leakPolicy: 'notify' }]);

  // An organization's application: the organization's policy (deactivate by default), not the user's.
  const org = (await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Acme' } })).json();
  const app = (await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Org app', orgId: org.id } })).json();
  const orgToken = await h.createToken({ name: 'org token' }, h.userToken, app.id);
  assert.deepEqual(await send(orgToken.token), ['true_positive']);
  const read = await h.call(h.userToken, { method: 'GET', url: `/applications/${app.id}/tokens/${orgToken.id}` });
  assert.equal(read.json().status, 'inactive');
  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}`, payload: { tokenPolicy: { leakPolicy: 'notify' } } });
  const orgNotified = await h.createToken({ name: 'org notify' }, h.userToken, app.id);
  assert.deepEqual(await send(orgNotified.token), ['true_positive']);
  assert.equal((await h.call(orgNotified.token, { method: 'GET', url: `/applications/${app.id}` })).statusCode, 200);
});

test('the keys file: GitHub’s public_keys shape, P-256 keys only, every fault named', (t) => {
  const signer = githubSigner(t);
  assert.equal(readGithubScanningKeys(signer.file).size, 1);
  const pem = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => key.export({ type: 'spki', format: 'pem' }).toString();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
  const cases: Array<[string, RegExp]> = [
    ['not json', /not JSON/],
    ['{}', /public_keys/],
    ['{"public_keys": []}', /at least one key/],
    ['{"public_keys": [{"key": "x"}]}', /public_keys\[0\] needs a key_identifier/],
    ['{"public_keys": [{"key_identifier": "a", "key": "not a pem"}]}', /public_keys\[0\] \(a\): the key is not a PEM public key/],
    [JSON.stringify({ public_keys: [{ key_identifier: 'rsa', key: pem(rsa) }] }), /\(rsa\): not an ECDSA NIST P-256 key/],
    [JSON.stringify({ public_keys: [{ key_identifier: 'p384', key: pem(p384) }] }), /\(p384\): not an ECDSA NIST P-256 key/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseGithubScanningKeys(text, 'keys.json'), message, text);
  const missing = join(signer.file, '..', 'missing.json');
  assert.throws(() => readGithubScanningKeys(missing), /--github-scanning-keys .*missing\.json/);
  // Several keys, current or not: each signs.
  const second = newP256Key();
  writeFileSync(
    signer.file,
    JSON.stringify({
      public_keys: [
        { key_identifier: 'old', key: pem(newP256Key().publicKey), is_current: false },
        { key_identifier: 'new', key: pem(second.publicKey), is_current: true },
      ],
    }),
  );
  assert.deepEqual([...readGithubScanningKeys(signer.file).keys()], ['old', 'new']);
});

test('latchkey serve --github-scanning-keys FILE --trust-proxy: the route is served; a bad file stops the start', async (t) => {
  const box = await sandbox(t);
  const signer = githubSigner(t);
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--host', '127.0.0.1', '--database', `sqlite:${join(box.dir, 'db.sqlite')}`];
  const server = box.spawn([...args, '--github-scanning-keys', signer.file, '--trust-proxy']);
  await waitForStdout(server, listening);
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  const inBanner = countOf(server.stdout, admin.token);
  const body = JSON.stringify([{ token: admin.token, type: 'latchkey_user_token', url: leakAt, source: 'content' }]);
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method: 'POST',
    body,
    headers: { ...signer.headers(body), 'x-forwarded-for': '192.0.2.44' },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), [{ token_raw: admin.token, token_type: 'latchkey_user_token', label: 'true_positive' }]);
  const after = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${admin.token}` } });
  assert.equal(after.status, 401, 'the leaked token was deactivated');
  await stopsCleanly(server, 'SIGTERM');
  assert.equal(
    countOf(server.stdout + server.stderr, admin.token),
    inBanner,
    'the token is in the first-start banner only, never in a log line',
  );

  writeFileSync(join(box.dir, 'bad.json'), '{"public_keys": []}');
  const bad = await box.run([...args, '--github-scanning-keys', join(box.dir, 'bad.json')]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--github-scanning-keys .*bad\.json: expected GitHub's/);
  const proxies = await box.run([...args, '--trust-proxy', '10.0.0.0/33']);
  assert.notEqual(proxies.code, 0);
  assert.match(proxies.stderr, /Invalid --trust-proxy/);
});

test('a leaked secret a rotation replaced ends its grace period only; one past its grace period is a false positive', async (t) => {
  const { h, signer } = await setup(t);
  const created = await h.createToken({ name: 'rotated' });
  const rotate = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens/${created.id}/rotate`,
    payload: { gracePeriod: 3600 },
  });
  assert.equal(rotate.statusCode, 201, rotate.body);
  const fresh = rotate.json().token as string;
  assert.equal(await apiStatus(h, created.token), 200, 'the old secret works in its grace period');

  const body = report(created.token);
  const res = await post(h, body, signer.headers(body));
  assert.equal(res.json()[0].label, 'true_positive');
  assert.equal(await apiStatus(h, created.token), 401, 'the leaked old secret no longer works');
  assert.equal(await verifyCode(h, created.token), 'NOT_FOUND');
  assert.equal(await apiStatus(h, fresh), 200, 'the new secret still works');
  assert.equal(await verifyCode(h, fresh), 'VALID');
  const entries = await leakEntries(h);
  assert.equal(entries.length, 1);
  assert.equal((entries[0]!.detail as Record<string, string>).secret, 'previous');

  // Reported again, the old secret is no credential any more.
  const again = await post(h, body, signer.headers(body));
  assert.equal(again.json()[0].label, 'false_positive');
  assert.equal((await leakEntries(h)).length, 1);
});
