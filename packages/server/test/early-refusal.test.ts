// Requests to authenticated routes whose token cannot be valid are refused before
// Fastify sees them (app.ts). These tests hold that refusal to the one the
// authenticate hook gives, on a listening server (inject does not pass through
// node's request event, so only a real socket reaches the early path).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { generateToken } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/storage/open-store.js';
import { build } from './helpers/build.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function listen(t: TestContext, app: Awaited<ReturnType<typeof buildApp>>): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Sent with every request, so that both paths' answers carry the same X-Request-Id. */
const requestId = 'early-refusal-test:1';

async function ask(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, { ...init, headers: { 'x-request-id': requestId, ...(init.headers as Record<string, string>) } });
  assert.equal(res.headers.get('x-request-id'), requestId, 'a well-formed X-Request-Id is sent back');
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name !== 'date') headers[name] = value;
  });
  return { status: res.status, headers, body: await res.text() };
}

const withToken = (token: string | undefined, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(init.headers as Record<string, string>) },
});

test('a missing or malformed token gets the same answer as an unknown well-formed one, early or not', async (t) => {
  const h = await build(t);
  // A hook of Fastify's own sees only the requests that reach Fastify.
  const seen: string[] = [];
  h.app.addHook('onRequest', (request, _reply, done) => {
    seen.push(request.headers.authorization ?? 'none');
    done();
  });
  const base = await listen(t, h.app);
  const app = `${base}/applications/${h.applicationId}`;
  const json = { 'content-type': 'application/json' };
  const requests: Array<[string, RequestInit]> = [
    [`${app}/tokens?perPage=10&sortField=name`, {}],
    [`${app}/tokens`, { method: 'HEAD' }],
    [`${app}/tokens/`, {}],
    [`${app}/tokens`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'x', scope: ['all.Application'] }) }],
    [`${app}/tokens/0123456789abcdef01234567`, { method: 'DELETE' }],
    [`${base}/me`, {}],
    [`${base}/applications`, { method: 'POST', headers: json, body: '{"name":' }],
  ];
  const unknown = generateToken('user');
  const garbage = ['garbage', `${unknown.slice(0, -1)}${unknown.endsWith('A') ? 'B' : 'A'}`];
  for (const [url, init] of requests) {
    seen.length = 0;
    const reference = await ask(url, withToken(unknown, init));
    assert.equal(reference.status, 401, `${init.method ?? 'GET'} ${url}`);
    assert.deepEqual(seen, [`Bearer ${unknown}`], 'a well-formed token takes the ordinary path');
    for (const token of [undefined, ...garbage]) {
      assert.deepEqual(await ask(url, withToken(token, init)), reference, `${init.method ?? 'GET'} ${url} with ${token}`);
    }
    const basic = await ask(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: 'Basic dXNlcjpwYXNz' },
    });
    assert.deepEqual(basic, reference, 'another scheme is refused alike');
    assert.deepEqual(seen, [`Bearer ${unknown}`], 'refusals of tokens that cannot be valid never reached Fastify');
  }

  // Routes that do not authenticate, and unknown ones, answer as before whatever the token.
  assert.equal((await ask(`${base}/health`, withToken('garbage'))).status, 200);
  const nowhere = await ask(`${base}/nowhere`, withToken('garbage'));
  assert.equal(nowhere.status, 404);
  assert.equal(JSON.parse(nowhere.body).type, 'NotFound');
  // A valid token still works over the same socket path.
  const list = await ask(`${app}/tokens`, withToken(h.userToken));
  assert.equal(list.status, 200);
  assert.ok(seen.includes(`Bearer ${h.userToken}`));
});

test('early refusals count towards the address throttle, and a throttled address gets 429 on every path', async (t) => {
  const store = await openStore('sqlite::memory:');
  t.after(() => store.close());
  const clock = { now: Date.now() };
  const app = await buildApp({ store, authFailureLimit: 3, now: () => clock.now });
  const base = await listen(t, app);
  const url = `${base}/applications/0123456789abcdef01234567/tokens`;
  for (let i = 0; i < 3; i++) assert.equal((await ask(url, withToken('garbage'))).status, 401);
  const early = await ask(url, withToken('garbage'));
  const ordinary = await ask(url, withToken(generateToken('application')));
  assert.equal(early.status, 429);
  assert.equal(JSON.parse(early.body).type, 'TooManyRequests');
  const retryAfter = Number(early.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60);
  assert.deepEqual(early, ordinary, 'the 429 is the same on both paths');
  clock.now += 60_000;
  assert.equal((await ask(url, withToken('garbage'))).status, 401, 'the address recovers when the window ends');
});

test('an early refusal without a well-formed X-Request-Id gets a fresh one, as the ordinary path does', async (t) => {
  const h = await build(t);
  const base = await listen(t, h.app);
  const url = `${base}/applications/${h.applicationId}/tokens`;
  const idOf = async (token: string, id?: string) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...(id === undefined ? {} : { 'x-request-id': id }) } });
    assert.equal(res.status, 401);
    return res.headers.get('x-request-id') ?? '';
  };
  const ids = [await idOf('garbage'), await idOf('garbage'), await idOf('garbage', 'has spaces'), await idOf('garbage', 'x'.repeat(129))];
  const ordinary = await idOf(generateToken('application'), 'bad/id');
  for (const id of [...ids, ordinary]) assert.match(id, /^[0-9a-f-]{36}$/, 'a generated id');
  assert.equal(new Set([...ids, ordinary]).size, 5, 'each request its own');
});

test('with a log line per request, refusals take the ordinary path and are logged, without the token', async (t) => {
  const store = await openStore('sqlite::memory:');
  t.after(() => store.close());
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const app = await buildApp({ store, logger: { level: 'info', stream } });
  const base = await listen(t, app);
  const token = 'lka_notavalidtokenbutlongenoughtobeonexxxxxxxxxxxxxx';
  assert.equal((await ask(`${base}/me`, withToken(token))).status, 401);
  const completed = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request completed');
  assert.equal(completed?.res?.statusCode, 401);
  assert.ok(!lines.join('').includes(token));
});
