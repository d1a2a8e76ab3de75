// The sign-in throttle under concurrency: attempts that arrive together are counted
// as they arrive, so no more of them reach the password check than the limit allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { build, createUser } from './helpers/build.js';

const email = 'owner@example.com';
const password = 'correct horse battery';

async function listening(h: Awaited<ReturnType<typeof build>>): Promise<(body: object) => Promise<number>> {
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/auth/user`;
  return async (body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return res.status;
  };
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});

test('200 parallel wrong passwords for one email: at most 5 are checked, the rest get 429', async (t) => {
  const h = await build(t);
  const signIn = await listening(h);
  const start = h.clock.now;
  const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => signIn({ email, password: `wrong password ${i}` })));
  const counts = tally(statuses);
  assert.deepEqual(Object.keys(counts).sort(), ['401', '429'], JSON.stringify(counts));
  assert.ok(counts[401]! <= 5, `${counts[401]} attempts were checked`);
  assert.equal(counts[401]! + counts[429]!, 200);
  assert.equal(await signIn({ email, password }), 429, 'the right password waits for the window too');
  h.clock.now = start + 15 * 60_000;
  assert.equal(await signIn({ email, password }), 200, 'and works once it has passed');
});

test('200 parallel wrong passwords for many emails from one address: at most 20 are checked', async (t) => {
  const h = await build(t);
  const signIn = await listening(h);
  await createUser(h.store, 'other@example.com', 'another good password');
  const start = h.clock.now;
  const statuses = await Promise.all(
    Array.from({ length: 200 }, (_, i) => signIn({ email: `user${i % 50}@example.com`, password: `wrong password ${i}` })),
  );
  const counts = tally(statuses);
  assert.deepEqual(Object.keys(counts).sort(), ['401', '429'], JSON.stringify(counts));
  assert.ok(counts[401]! <= 20, `${counts[401]} attempts were checked`);
  h.clock.now = start + 15 * 60_000;
  assert.equal(await signIn({ email: 'other@example.com', password: 'another good password' }), 200);
});

test('successful sign-ins do not use up the address allowance', async (t) => {
  const h = await build(t);
  const signIn = await listening(h);
  for (let i = 0; i < 30; i++) assert.equal(await signIn({ email, password }), 200, `sign-in ${i + 1}`);
  assert.equal(await signIn({ email, password: 'wrong password' }), 401);
});
