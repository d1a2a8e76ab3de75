// Sessions end when they should: PATCH /me/changePassword ends every other session
// of the user (and, asked, deactivates its API tokens), POST /auth/logout ends the
// calling one; both through HTTP, with the caches warm, on SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import type { AuditEntry, Store } from '../src/storage/port.js';
import { build, login, mintToken, type Harness } from './helpers/build.js';

const email = 'owner@example.com';
const password = 'correct horse battery';
const newPassword = 'Correct-horse-battery-2';

const me = (h: Harness, token: string) => h.call(token, { method: 'GET', url: '/me' });
const changePassword = (h: Harness, token: string, payload: Record<string, unknown>) =>
  h.call(token, { method: 'PATCH', url: '/me/changePassword', payload });
const logout = (h: Harness, token: string) => h.call(token, { method: 'POST', url: '/auth/logout' });
const signIn = (h: Harness, payload: Record<string, unknown>) => h.call(undefined, { method: 'POST', url: '/auth/user', payload });

async function auditActions(store: Store, action: string): Promise<AuditEntry[]> {
  return (await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, action })).items;
}

/** Two sessions of the owner, each used once (so every cache holds them as valid). */
async function twoSessions(h: Harness): Promise<[string, string]> {
  const sessions: [string, string] = [await login(h, email, password), await login(h, email, password)];
  for (const session of sessions) assert.equal((await me(h, session)).statusCode, 200);
  return sessions;
}

test('changePassword answers a new session; every other session ends at once, API tokens stay', async (t) => {
  const h = await build(t);
  const [caller, other] = await twoSessions(h);
  const before = (await me(h, h.userToken)).json().passwordLastUpdated;
  h.clock.now += 1_000;

  const res = await changePassword(h, caller, { password, newPassword });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['token', 'userId']);
  assert.equal(body.userId, h.userId);
  assert.match(body.token, /^lks_/);

  assert.equal((await me(h, caller)).statusCode, 401, 'the calling session ended too: the answer replaces it');
  assert.equal((await me(h, other)).statusCode, 401);
  assert.equal((await me(h, body.token)).statusCode, 200);
  const user = await me(h, h.userToken);
  assert.equal(user.statusCode, 200, 'API tokens stay without invalidateExistingTokens');
  assert.notEqual(user.json().passwordLastUpdated, before);

  assert.equal((await signIn(h, { email, password })).statusCode, 401);
  assert.equal((await signIn(h, { email, password: newPassword })).statusCode, 200);

  const [changed] = await auditActions(h.store, 'me.changePassword');
  assert.deepEqual([changed?.actorType, changed?.actorId, changed?.targetId, changed?.outcome], ['user', h.userId, h.userId, 'success']);
  assert.equal((await auditActions(h.store, 'auth.endSessions')).length, 1);
});

test('invalidateExistingTokens also deactivates the user API tokens, each audited; application tokens stay', async (t) => {
  const h = await build(t);
  const session = await login(h, email, password);
  const second = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: ['all.User'] });
  const applicationToken = await h.createToken({ name: 'device' });
  assert.equal((await me(h, second.token)).statusCode, 200);

  const res = await changePassword(h, session, { password, newPassword, invalidateExistingTokens: true });
  assert.equal(res.statusCode, 200, res.body);
  const fresh = res.json().token as string;
  assert.equal((await me(h, h.userToken)).statusCode, 401);
  assert.equal((await me(h, second.token)).statusCode, 401);
  const listed = await h.call(fresh, { method: 'GET', url: '/me/tokens' });
  assert.deepEqual(
    listed.json().items.map((item: { status: string }) => item.status),
    ['inactive', 'inactive'],
  );
  const list = await h.call(applicationToken.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(list.statusCode, 200, "an application's tokens are not the user's");

  const updates = await auditActions(h.store, 'userApiToken.update');
  assert.equal(updates.length, 2);
  assert.ok(updates.every((entry) => entry.actorType === 'user' && entry.actorId === h.userId));
});

test('a wrong current password is 401, changes nothing, is audited and throttled with sign-in', async (t) => {
  const h = await build(t);
  const session = await login(h, email, password);
  const wrong = await changePassword(h, session, { password: 'not the password', newPassword });
  assert.equal(wrong.statusCode, 401);
  assert.deepEqual(wrong.json(), { type: 'Unauthorized', message: 'The current password is wrong' });
  assert.equal((await me(h, session)).statusCode, 200, 'the session still works');
  assert.equal((await signIn(h, { email, password })).statusCode, 200, 'the password is unchanged');
  const [failed] = await auditActions(h.store, 'me.changePassword');
  assert.equal(failed?.outcome, 'failure');

  // That sign-in started the email's count afresh: five more failures use it up.
  for (let i = 0; i < 5; i++)
    assert.equal((await changePassword(h, session, { password: `wrong ${i} password`, newPassword })).statusCode, 401);
  const throttled = await changePassword(h, session, { password, newPassword });
  assert.equal(throttled.statusCode, 429);
  assert.ok(Number(throttled.headers['retry-after']) > 0);
  assert.equal((await signIn(h, { email, password })).statusCode, 429, 'sign-in shares the throttle');
  h.clock.now += 15 * 60_000;
  assert.equal((await changePassword(h, session, { password, newPassword })).statusCode, 200);
});

test('twoFactorCode, a weak new password and unknown fields are 400 with a message saying what to fix', async (t) => {
  const h = await build(t);
  const session = await login(h, email, password);
  const twoFactor = await changePassword(h, session, { password, newPassword, twoFactorCode: '123456' });
  assert.equal(twoFactor.statusCode, 400);
  assert.match(twoFactor.json().message, /no second factor/);
  const weak = await changePassword(h, session, { password, newPassword: 'alllowercase-but-long' });
  assert.equal(weak.statusCode, 400);
  assert.equal(
    weak.json().message,
    'body/newPassword must be at least 12 characters and hold an upper-case letter, a lower-case letter, a digit and a symbol',
  );
  assert.doesNotMatch(weak.body, /alllowercase/, 'the password is not repeated');
  const unknown = await changePassword(h, session, { password, newPassword, invalidateExistingToken: true });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.json().message, /Unknown field 'invalidateExistingToken'/);
  assert.equal((await me(h, session)).statusCode, 200, 'nothing ended');
  assert.equal((await signIn(h, { email, password })).statusCode, 200);
});

test('tokenTTL bounds the new session; a user API token may change the password; scopes are checked', async (t) => {
  const h = await build(t);
  const session = await login(h, email, password);
  const res = await changePassword(h, h.userToken, { password, newPassword, tokenTTL: 60 });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((await me(h, session)).statusCode, 401, 'sessions end whoever changes the password');
  assert.equal((await me(h, h.userToken)).statusCode, 200);
  const fresh = res.json().token as string;
  assert.equal((await me(h, fresh)).statusCode, 200);
  h.clock.now += 61_000;
  assert.equal((await me(h, fresh)).statusCode, 401, 'expired after tokenTTL seconds');

  const reader = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: ['all.User.read'] });
  const refused = await changePassword(h, reader.token, { password: newPassword, newPassword: 'Another-passw0rd!' });
  assert.equal(refused.statusCode, 403);
  const application = await h.createToken({ name: 'app' });
  assert.equal((await changePassword(h, application.token, { password: newPassword, newPassword: 'Another-passw0rd!' })).statusCode, 403);
});

test('logout ends the calling session at once, and only it; audited', async (t) => {
  const h = await build(t);
  const [leaving, staying] = await twoSessions(h);
  const res = await logout(h, leaving);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { success: true });
  assert.equal((await me(h, leaving)).statusCode, 401);
  assert.equal((await logout(h, leaving)).statusCode, 401, 'an ended session is unknown');
  assert.equal((await me(h, staying)).statusCode, 200);
  assert.equal((await me(h, h.userToken)).statusCode, 200);
  const [entry] = await auditActions(h.store, 'auth.logout');
  assert.deepEqual([entry?.actorType, entry?.actorId, entry?.targetType], ['user', h.userId, 'session']);

  // A session signed in with the narrowest scopes may end itself too.
  const narrow = await login(h, email, password, { requestedScopes: ['applicationApiTokens.get'] });
  assert.equal((await h.call(narrow, { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 200);
  assert.equal((await logout(h, narrow)).statusCode, 200);
  assert.equal((await h.call(narrow, { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 401);
});

test('logout refuses API tokens with a message saying how to revoke them; they keep working', async (t) => {
  const h = await build(t);
  const application = await h.createToken({ name: 'app' });
  for (const token of [h.userToken, application.token]) {
    const res = await logout(h, token);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().type, 'Forbidden');
    assert.match(res.json().message, /Only a login session \(lks_\) signs out; revoke an API token with POST \/revoke/);
  }
  assert.equal((await me(h, h.userToken)).statusCode, 200);
  assert.equal((await h.call(application.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 200);
});

test('a sign-in whose password check raced a password change keeps no session', async (t) => {
  const store = await openStore('sqlite::memory:');
  const boot = await bootstrap(store, { email, password });
  let raced = false;
  // The change lands after the sign-in checked the old password, before it stores its session.
  const racing = new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (name === 'createToken') {
        return async (...args: Parameters<Store['createToken']>) => {
          if (!raced && args[0].ownerType === 'session') {
            raced = true;
            await target.endSessions(boot.userId, { at: Date.now(), passwordHash: 'changed elsewhere' });
          }
          return target.createToken(...args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const app = await buildApp({ store: racing });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const res = await app.inject({ method: 'POST', url: '/auth/user', payload: { email, password } });
  assert.ok(raced);
  assert.equal(res.statusCode, 401);
  const sessions = await store.listTokens('session', boot.userId, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 });
  assert.equal(sessions.totalCount, 0);
});
