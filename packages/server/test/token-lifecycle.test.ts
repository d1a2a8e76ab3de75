// State changes take effect on the very next request, through the verification
// cache: deactivate, reactivate, delete, expire. And lastUsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, type Harness } from './helpers/build.js';

const listWith = (h: Harness, token: string) =>
  h.call(token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` }).then((r) => r.statusCode);
const patch = (h: Harness, id: string, payload: object) =>
  h.call(h.userToken, { method: 'PATCH', url: `/applications/${h.applicationId}/tokens/${id}`, payload });

test('inactive is refused on the next request; active again works again', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'toggled' });
  assert.equal(await listWith(h, created.token), 200); // now cached
  assert.equal(await listWith(h, created.token), 200);
  assert.equal((await patch(h, created.id, { status: 'inactive' })).statusCode, 200);
  assert.equal(await listWith(h, created.token), 401);
  assert.equal((await patch(h, created.id, { status: 'active' })).statusCode, 200);
  assert.equal(await listWith(h, created.token), 200);
});

test('a token can deactivate itself, and is refused right after', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'self', scope: ['all.Application'] });
  const res = await h.call(created.token, {
    method: 'PATCH',
    url: `/applications/${h.applicationId}/tokens/${created.id}`,
    payload: { status: 'inactive' },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(await listWith(h, created.token), 401);
});

test('a deleted token is refused on its next request', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'deleted' });
  assert.equal(await listWith(h, created.token), 200);
  const res = await h.call(h.userToken, { method: 'DELETE', url: `/applications/${h.applicationId}/tokens/${created.id}` });
  assert.equal(res.statusCode, 200);
  assert.equal(await listWith(h, created.token), 401);
});

test('an expired token is refused from the instant it expires, cached or not', async (t) => {
  const h = await build(t);
  const expiresAt = h.clock.now + 10_000;
  const created = await h.createToken({ name: 'brief', expirationDate: new Date(expiresAt).toISOString() });
  assert.equal(await listWith(h, created.token), 200);
  h.clock.now = expiresAt - 1;
  assert.equal(await listWith(h, created.token), 200);
  h.clock.now = expiresAt;
  assert.equal(await listWith(h, created.token), 401);
});

test('scope and expirationDate never change', async (t) => {
  const h = await build(t);
  const expirationDate = new Date(h.clock.now + 3_600_000).toISOString();
  const created = await h.createToken({ name: 'fixed', scope: ['device.*'], expirationDate });
  await patch(h, created.id, { name: 'renamed', status: 'inactive' });
  await patch(h, created.id, { status: 'active' });
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` });
  assert.deepEqual(res.json().scope, ['device.*']);
  assert.equal(res.json().expirationDate, expirationDate);
});

test('lastUsed is recorded on authentication, at most about once a minute', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'used' });
  const read = async () =>
    (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` })).json().lastUsed as
      string | undefined;
  assert.equal(await read(), undefined);
  const first = h.clock.now;
  await listWith(h, created.token);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await read(), new Date(first).toISOString());
  h.clock.now += 30_000;
  await listWith(h, created.token);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await read(), new Date(first).toISOString(), 'not rewritten within a minute');
  h.clock.now += 31_000;
  await listWith(h, created.token);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await read(), new Date(h.clock.now).toISOString());
  // Recording use is not an update.
  const body = (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` })).json();
  assert.equal(body.lastUpdated, created.lastUpdated);
});
