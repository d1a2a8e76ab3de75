// The three audit trails through HTTP on every adapter: an application's, an
// organization's (GET /orgs/{orgId}/audit-logs) and the calling user's own
// (GET /me/audit-logs); latchkey's filters (actor, time range) beside Losant's
// action glob and paging; who may read each; the 400s that say what to fix.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../src/storage/open-store.js';
import { build, createUser, login, mintToken, type Harness } from './helpers/build.js';
import { adapters, freshSchema, postgresUrl, skipUnavailable, type Adapter } from './helpers/stores.js';

type Entry = Record<string, string>;
interface Trail {
  items: Entry[];
  totalCount: number;
  count: number;
  page: number;
  perPage: number;
  [field: string]: unknown;
}

async function harness(t: TestContext, adapter: Adapter): Promise<Harness> {
  // build closes the store it is given with the app.
  if (adapter.name === 'sqlite') return build(t);
  return build(t, { store: await openStore(postgresUrl, { schema: await freshSchema(t) }) });
}

async function read(h: Harness, token: string, url: string): Promise<Trail> {
  const res = await h.call(token, { method: 'GET', url });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
}

const actions = (trail: Trail) => trail.items.map((e) => e.action);
const minute = 60_000;

for (const adapter of adapters) {
  test(`${adapter.name}: an application's trail filters by actor, action and time range, and pages`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const tokenId = (await read(h, h.userToken, '/me/audit-logs?actorType=operator&filterField=action&filter=userApiToken.create'))
      .items[0]!.targetId!;
    const session = await login(h, 'owner@example.com', 'correct horse battery');
    const t0 = h.clock.now;
    const byToken = await h.createToken({ name: 'by token' });
    h.clock.now = t0 + 10 * minute;
    const bySession = await h.createToken({ name: 'by session' }, session);
    h.clock.now = t0 + 20 * minute;
    await h.call(session, { method: 'PATCH', url: `/applications/${h.applicationId}/tokens/${byToken.id}`, payload: { name: 'renamed' } });
    const base = `/applications/${h.applicationId}/audit-logs`;

    const mine = await read(h, h.userToken, `${base}?actorType=user`);
    assert.deepEqual(actions(mine), ['applicationApiToken.update', 'applicationApiToken.create']);
    assert.ok(mine.items.every((e) => e.actorType === 'user' && e.actorId === h.userId));
    assert.equal(mine.actorType, 'user');

    const byTheToken = await read(h, h.userToken, `${base}?actorType=apiToken&actorId=${tokenId}`);
    assert.deepEqual(
      byTheToken.items.map((e) => e.targetId),
      [byToken.id],
    );
    assert.equal(byTheToken.actorId, tokenId);
    assert.equal((await read(h, h.userToken, `${base}?actorType=user&actorId=${tokenId}`)).totalCount, 0);

    const start = new Date(t0 + 5 * minute).toISOString();
    const end = new Date(t0 + 15 * minute).toISOString();
    const ranged = await read(h, h.userToken, `${base}?start=${start}&end=${end}`);
    assert.deepEqual(
      ranged.items.map((e) => e.targetId),
      [bySession.id],
    );
    assert.equal(ranged.start, start);
    assert.equal(ranged.end, end);
    // Both ends inclusive: a range of one instant holds the entry recorded then.
    const instant = new Date(t0 + 10 * minute).toISOString();
    assert.equal((await read(h, h.userToken, `${base}?start=${instant}&end=${instant}`)).totalCount, 1);
    const since = await read(h, h.userToken, `${base}?start=${start}&filterField=action&filter=*.update`);
    assert.deepEqual(actions(since), ['applicationApiToken.update']);

    const page = await read(h, h.userToken, `${base}?actorType=user&perPage=1&page=1`);
    assert.deepEqual(actions(page), ['applicationApiToken.create']);
    assert.equal(page.totalCount, 2);
    assert.equal(page.count, 1);
    const ascending = await read(h, h.userToken, `${base}?actorType=user&sortDirection=asc&perPage=1`);
    assert.deepEqual(actions(ascending), ['applicationApiToken.create']);
  });

  test(`${adapter.name}: the filters' 400s say what to fix`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const cases: Array<[string, RegExp]> = [
      [
        'start=2026-05-02T00:00:00Z&end=2026-05-01T00:00:00Z',
        /start \(2026-05-02T00:00:00Z\) is after querystring\/end \(2026-05-01T00:00:00Z\).*no later than the end/,
      ],
      ['start=yesterday', /start.*date-time/],
      ['actorType=robot', /actorType.*(user|one of|allowed)/i],
      ['actorId=', /actorId/],
    ];
    for (const url of [`/applications/${h.applicationId}/audit-logs`, '/me/audit-logs']) {
      for (const [query, message] of cases) {
        const res = await h.call(h.userToken, { method: 'GET', url: `${url}?${query}` });
        assert.equal(res.statusCode, 400, `${url}?${query}: ${res.body}`);
        const body = res.json<{ type: string; message: string }>();
        assert.equal(body.type, 'Validation');
        assert.match(body.message, message, `${url}?${query}`);
      }
    }
  });

  test(`${adapter.name}: an organization's trail holds its own entries, readable by every member only`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const orgId = (await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Audited' } })).json().id as string;
    const app = (await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'In org', orgId } })).json();
    const viewerId = await createUser(h.store, 'viewer@example.com', 'viewer password');
    await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: viewerId, role: 'view' } });
    await h.createToken({ name: 'outside the org' });
    const url = `/orgs/${orgId}/audit-logs`;

    const trail = await read(h, h.userToken, url);
    assert.deepEqual(actions(trail), ['org.modifyMember', 'application.create', 'org.create']);
    assert.equal(trail.orgId, orgId);
    assert.ok(trail.items.every((e) => e.orgId === orgId));
    assert.equal(trail.items[0]!.targetId, viewerId);
    assert.equal(trail.items[1]!.applicationId, app.id);
    assert.deepEqual(actions(await read(h, h.userToken, `${url}?filterField=action&filter=org.*&perPage=1`)), ['org.modifyMember']);

    // Any member, even the view role; a reading user token; not a stranger, an application token or a token without the scope.
    const viewer = await login(h, 'viewer@example.com', 'viewer password');
    assert.equal((await read(h, viewer, url)).totalCount, 3);
    const reader = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: ['all.User.read'] });
    assert.equal((await read(h, reader.token, url)).totalCount, 3);
    await createUser(h.store, 'stranger@example.com', 'stranger password');
    const stranger = await login(h, 'stranger@example.com', 'stranger password');
    assert.equal((await h.call(stranger, { method: 'GET', url })).statusCode, 404);
    const appToken = await mintToken(h.store, { ownerType: 'application', ownerId: app.id }, { scope: ['all.Application'] });
    assert.equal((await h.call(appToken.token, { method: 'GET', url })).statusCode, 404);
    const narrow = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: ['orgs.get'] });
    assert.equal((await h.call(narrow.token, { method: 'GET', url })).statusCode, 403);
    assert.equal((await h.call(undefined, { method: 'GET', url })).statusCode, 401);
  });

  test(`${adapter.name}: my trail holds what I and my tokens did and what was done to me and my tokens, nobody else's`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const h = await harness(t, adapter);
    const session = await login(h, 'owner@example.com', 'correct horse battery');
    const created = await h.call(session, { method: 'POST', url: '/me/tokens', payload: { name: 'mine', scope: ['all.User'] } });
    assert.equal(created.statusCode, 201, created.body);
    const mine = created.json<{ id: string; token: string }>();
    // The new token acts: an application token created by it is in my trail (actor: my token).
    const byMine = await h.createToken({ name: 'by my token' }, mine.token);
    // Someone else acts on me: adds me to an organization; fails to sign in as me.
    const otherId = await createUser(h.store, 'other@example.com', 'other password');
    const other = await login(h, 'other@example.com', 'other password');
    const orgId = (await h.call(other, { method: 'POST', url: '/orgs', payload: { name: "Other's" } })).json().id as string;
    await h.call(other, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: h.userId, role: 'edit' } });
    const failedLogin = await h.call(undefined, {
      method: 'POST',
      url: '/auth/user',
      payload: { email: 'owner@example.com', password: 'not the right password' },
    });
    assert.equal(failedLogin.statusCode, 401, failedLogin.body);
    // Their own doings are not mine.
    await h.call(other, { method: 'POST', url: '/me/tokens', payload: { name: 'theirs', scope: ['all.User'] } });

    const trail = await read(h, session, '/me/audit-logs?perPage=100');
    assert.equal(trail.userId, h.userId);
    assert.deepEqual(actions(trail), [
      'auth.login', // failed, anonymous, about me
      'org.modifyMember', // by the other user, about me
      'applicationApiToken.create', // by my token
      'userApiToken.create', // by my session
      'auth.login', // my sign-in
      'userApiToken.create', // the bootstrap token (operator), about my token
    ]);
    const [failed, added, appToken] = trail.items;
    assert.deepEqual([failed!.actorType, failed!.outcome, failed!.targetId], ['anonymous', 'failure', h.userId]);
    assert.deepEqual([added!.actorId, added!.targetType, added!.targetId], [otherId, 'member', h.userId]);
    assert.deepEqual([appToken!.actorId, appToken!.targetId], [mine.id, byMine.id]);
    // Filters apply within it; another user's trail is theirs.
    assert.deepEqual(actions(await read(h, session, `/me/audit-logs?actorType=apiToken&actorId=${mine.id}`)), [
      'applicationApiToken.create',
    ]);
    const theirs = await read(h, other, '/me/audit-logs');
    assert.deepEqual(actions(theirs), ['userApiToken.create', 'org.modifyMember', 'org.create', 'auth.login']);
    assert.equal(theirs.userId, otherId);

    // A deleted token is no longer mine: its deletion (by my session) stays, entries by it leave.
    await h.call(session, { method: 'DELETE', url: `/me/tokens/${mine.id}` });
    const after = await read(h, session, '/me/audit-logs?perPage=100');
    assert.equal(after.items[0]!.action, 'userApiToken.delete');
    assert.ok(!after.items.some((e) => e.actorId === mine.id));

    // Only a user credential with a reading scope.
    const appCredential = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: ['all.Application'] });
    assert.equal((await h.call(appCredential.token, { method: 'GET', url: '/me/audit-logs' })).statusCode, 403);
    const narrow = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: ['me.get'] });
    assert.equal((await h.call(narrow.token, { method: 'GET', url: '/me/audit-logs' })).statusCode, 403);
    const reader = await mintToken(h.store, { ownerType: 'user', ownerId: h.userId }, { scope: ['all.User.read'] });
    assert.equal((await h.call(reader.token, { method: 'GET', url: '/me/audit-logs' })).statusCode, 200);
  });
}
