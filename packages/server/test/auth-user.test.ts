// POST /auth/user: sign-in with email and password, session tokens (`lks_`),
// requested scopes, lifetimes and the login throttle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, createUser, login, type Harness } from './helpers/build.js';

const email = 'owner@example.com';
const password = 'correct horse battery';
const hour = 60 * 60 * 1000;

const signIn = (h: Harness, payload: Record<string, unknown>) => h.call(undefined, { method: 'POST', url: '/auth/user', payload });

test('POST /auth/user answers {userId, token} with a session token that works on /me and the application', async (t) => {
  const h = await build(t);
  const res = await signIn(h, { email, password });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['token', 'userId']);
  assert.equal(body.userId, h.userId);
  assert.match(body.token, /^lks_[0-9A-Za-z]+$/);

  const me = await h.call(body.token, { method: 'GET', url: '/me' });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().id, h.userId);
  const list = await h.call(body.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(list.statusCode, 200);
  assert.equal(list.json().ownerId, h.applicationId);

  // The email is matched case-insensitively.
  const upper = await signIn(h, { email: 'OWNER@Example.com', password });
  assert.equal(upper.statusCode, 200);
});

test('a token created with a session records creatorType user with the user id', async (t) => {
  const h = await build(t);
  const session = await login(h, email, password);
  const created = await h.createToken({ name: 'by session', expirationDate: new Date(h.clock.now + hour).toISOString() }, session);
  assert.equal(created.creatorType, 'user');
  assert.equal(created.creatorId, h.userId);
  // And one created with a user API token records the token instead.
  const byToken = await h.createToken({ name: 'by token' });
  assert.equal(byToken.creatorType, 'apiToken');
});

test('wrong password and unknown email are both 401 with identical bodies', async (t) => {
  const h = await build(t);
  const wrong = await signIn(h, { email, password: 'not the password' });
  const unknown = await signIn(h, { email: 'nobody@example.com', password });
  assert.equal(wrong.statusCode, 401);
  assert.equal(unknown.statusCode, 401);
  assert.equal(wrong.json().type, 'Unauthorized');
  assert.deepEqual(wrong.json(), unknown.json());
  assert.equal(wrong.body, unknown.body);
});

test('invalid bodies are 400 Validation', async (t) => {
  const h = await build(t);
  const bodies: Record<string, unknown>[] = [
    { email },
    { password },
    { email, password: 'short' },
    { email, password, remember: true },
    { email: 'not-an-email', password },
    { email, password, requestedScopes: ['all.Everything'] },
    { email, password, tokenTTL: -1 },
    { email, password, tokenTTL: 'long' },
  ];
  for (const payload of bodies) {
    const res = await signIn(h, payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.json().type, 'Validation');
  }
});

test("requestedScopes ['all.User.read'] gives a session that can read but not write tokens", async (t) => {
  const h = await build(t);
  const session = await login(h, email, password, { requestedScopes: ['all.User.read'] });
  const url = `/applications/${h.applicationId}/tokens`;
  assert.equal((await h.call(session, { method: 'GET', url })).statusCode, 200);
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 200);
  const post = await h.call(session, {
    method: 'POST',
    url,
    payload: { name: 'nope', scope: ['all.Application.read'], expirationDate: new Date(h.clock.now + hour).toISOString() },
  });
  assert.equal(post.statusCode, 403);
  assert.equal(post.json().type, 'Forbidden');
});

test('tokenTTL (seconds) sets the session lifetime', async (t) => {
  const h = await build(t);
  const start = h.clock.now;
  const session = await login(h, email, password, { tokenTTL: 60 });
  h.clock.now = start + 59_000;
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 200);
  h.clock.now = start + 60_000;
  const expired = await h.call(session, { method: 'GET', url: '/me' });
  assert.equal(expired.statusCode, 401);
  assert.equal(expired.json().type, 'Unauthorized');
});

test('tokenTTL cannot extend a session beyond the 24 h maximum', async (t) => {
  const h = await build(t);
  const start = h.clock.now;
  const session = await login(h, email, password, { tokenTTL: 7 * 24 * 3600 });
  h.clock.now = start + 24 * hour;
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 401);
});

test('a session lasts 24 h by default', async (t) => {
  const h = await build(t);
  const start = h.clock.now;
  const session = await login(h, email, password);
  h.clock.now = start + 23 * hour;
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 200);
  h.clock.now = start + 24 * hour;
  assert.equal((await h.call(session, { method: 'GET', url: '/me' })).statusCode, 401);
});

test('after 5 failures for one email, sign-in is 429 with Retry-After until the window passes', async (t) => {
  const h = await build(t);
  await createUser(h.store, 'other@example.com', 'another good password');
  const start = h.clock.now;
  for (let i = 0; i < 5; i++) {
    const res = await signIn(h, { email, password: `wrong password ${i}` });
    assert.equal(res.statusCode, 401, `failure ${i + 1}`);
  }
  // Even the right password is refused now.
  const throttled = await signIn(h, { email, password });
  assert.equal(throttled.statusCode, 429);
  assert.equal(throttled.json().type, 'TooManyRequests');
  const retryAfter = throttled.headers['retry-after'];
  assert.match(String(retryAfter), /^\d+$/);
  assert.ok(Number(retryAfter) > 0 && Number(retryAfter) <= 15 * 60, `Retry-After ${retryAfter}`);

  // Another email is not affected.
  assert.equal((await signIn(h, { email: 'other@example.com', password: 'another good password' })).statusCode, 200);

  h.clock.now = start + 14 * 60_000;
  assert.equal((await signIn(h, { email, password })).statusCode, 429);
  h.clock.now = start + 15 * 60_000;
  const again = await signIn(h, { email, password });
  assert.equal(again.statusCode, 200);
});
