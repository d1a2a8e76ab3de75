// Request limits, failed-authentication throttling and default response headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { openStore } from '../src/storage/open-store.js';
import { build } from './helpers/build.js';

test('every response carries the security headers, including errors', async (t) => {
  const h = await build(t);
  for (const res of [
    await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` }),
    await h.call(undefined, { method: 'GET', url: '/nowhere' }),
  ]) {
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cache-control'], 'no-store');
  }
});

test('a URL over the limit is refused with 400 in the error shape', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?filter=${'a'.repeat(9000)}` });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().type, 'Validation');
  assert.match(res.json().message, /URL/);
});

test('oversized request headers are refused with 431 in the error shape, on a real socket', async (t) => {
  const store = await openStore('sqlite::memory:');
  const app = await buildApp({ store, maxHeaderSize: 4096 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const { port } = app.server.address() as AddressInfo;
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  assert.match(raw, /^HTTP\/1\.1 431/);
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  assert.deepEqual(Object.keys(body).sort(), ['message', 'type']);
  assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200, 'normal requests still work');
});

test('an address that keeps failing authentication gets 429 with Retry-After, then recovers', async (t) => {
  const store = await openStore('sqlite::memory:');
  const clock = { now: Date.now() };
  const app = await buildApp({ store, authFailureLimit: 5, now: () => clock.now });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const attempt = () => app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer lka_nope' } });
  for (let i = 0; i < 5; i++) assert.equal((await attempt()).statusCode, 401);
  const refused = await attempt();
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.json().type, 'TooManyRequests');
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60);
  clock.now += 60_000;
  assert.equal((await attempt()).statusCode, 401);
});

test('a limit of 0 turns the authentication throttle off', async (t) => {
  const store = await openStore('sqlite::memory:');
  const app = await buildApp({ store, authFailureLimit: 0 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  for (let i = 0; i < 20; i++) {
    assert.equal((await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } })).statusCode, 401);
  }
});
