// The audit trail: every change to tokens, applications, organizations and members,
// and every login, recorded with actor, target, action, time and source address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, mintToken, type Harness } from './helpers/build.js';

type Entry = Record<string, string>;

async function trail(h: Harness, applicationId = h.applicationId, query = 'perPage=1000'): Promise<{ items: Entry[]; totalCount: number }> {
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${applicationId}/audit-logs?${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('token writes are recorded for the application, newest first, with actor and source', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'audited' });
  const url = `/applications/${h.applicationId}/tokens/${created.id}`;
  await h.call(h.userToken, { method: 'PATCH', url, payload: { status: 'inactive' } });
  await h.call(h.userToken, { method: 'DELETE', url });
  const { items, totalCount } = await trail(h);
  const tokenEvents = items.filter((e) => e.targetId === created.id);
  assert.deepEqual(
    tokenEvents.map((e) => e.action),
    ['applicationApiToken.delete', 'applicationApiToken.update', 'applicationApiToken.create'],
  );
  const bootstrapTokenId = (await h.call(h.userToken, { method: 'GET', url: '/me/tokens' })).json().items[0].id;
  for (const e of tokenEvents) {
    assert.equal(e.actorType, 'apiToken');
    assert.equal(e.actorId, bootstrapTokenId);
    assert.equal(e.targetType, 'apiToken');
    assert.equal(e.applicationId, h.applicationId);
    assert.equal(e.sourceAddress, '127.0.0.1');
    assert.equal(e.outcome, 'success');
    assert.ok(Date.parse(e.creationDate!) > 0);
  }
  assert.ok(totalCount >= 3);
  // Nothing secret is recorded.
  const raw = JSON.stringify(items);
  assert.ok(!raw.includes(created.token) && !raw.includes(h.userToken));
});

test('refused and failed changes record nothing; a missing token delete records nothing', async (t) => {
  const h = await build(t);
  const before = (await trail(h)).totalCount;
  await h.call(h.userToken, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload: {} });
  await h.call(h.userToken, { method: 'DELETE', url: `/applications/${h.applicationId}/tokens/aaaaaaaaaaaaaaaaaaaaaaaa` });
  const { token } = await mintToken(
    h.store,
    { ownerType: 'application', ownerId: h.applicationId },
    { scope: ['applicationApiTokens.post'] },
  );
  await h.call(token, { method: 'POST', url: `/applications/${h.applicationId}/tokens`, payload: { name: 'stronger' } });
  assert.equal((await trail(h)).totalCount, before);
});

test('application, organization and member changes are recorded', async (t) => {
  const h = await build(t);
  const org = (await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Org' } })).json();
  const app = (await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'A', orgId: org.id } })).json();
  await h.call(h.userToken, { method: 'PATCH', url: `/applications/${app.id}`, payload: { name: 'B' } });
  const appTrail = await trail(h, app.id);
  assert.deepEqual(
    appTrail.items.map((e) => e.action),
    ['application.update', 'application.create'],
  );
  assert.ok(appTrail.items.every((e) => e.orgId === org.id));

  const other = await h.call(undefined, {
    method: 'POST',
    url: '/auth/user',
    payload: { email: 'owner@example.com', password: 'correct horse battery' },
  });
  assert.equal(other.statusCode, 200);
  const userId = h.userId;
  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}`, payload: { description: 'd' } });
  await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${org.id}/member`, payload: { userId, role: 'admin' } });
  await h.call(h.userToken, { method: 'DELETE', url: `/applications/${app.id}` });
  await h.call(h.userToken, { method: 'DELETE', url: `/orgs/${org.id}` });
  const all = await h.store.listAudit({ sortDirection: 'asc', page: 0, perPage: 1000, orgId: org.id });
  assert.deepEqual(
    all.items.map((e) => e.action),
    ['org.create', 'application.create', 'application.update', 'org.update', 'org.modifyMember', 'application.delete', 'org.delete'],
  );
});

test('logins are recorded, successes and failures, without the password', async (t) => {
  const h = await build(t);
  const login = (password: string) =>
    h.call(undefined, { method: 'POST', url: '/auth/user', payload: { email: 'owner@example.com', password } });
  assert.equal((await login('wrong password')).statusCode, 401);
  assert.equal((await login('correct horse battery')).statusCode, 200);
  const entries = (await h.store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, action: 'auth.*' })).items;
  assert.deepEqual(
    entries.map((e) => [e.action, e.outcome, e.actorType]),
    [
      ['auth.login', 'failure', 'anonymous'],
      ['auth.login', 'success', 'user'],
    ],
  );
  assert.equal(entries[1]!.actorId, h.userId);
  assert.equal(entries[0]!.sourceAddress, '127.0.0.1');
  assert.ok(!JSON.stringify(entries).includes('wrong password'));
});

test('GET audit-logs pages and filters like the token list, and needs a read scope on the application', async (t) => {
  const h = await build(t);
  for (let i = 0; i < 5; i++) await h.createToken({ name: `t${i}` });
  const page = await trail(h, h.applicationId, 'perPage=2&page=1&sortDirection=asc');
  assert.equal(page.items.length, 2);
  const filtered = await trail(h, h.applicationId, 'filterField=action&filter=applicationApiToken.c*');
  assert.ok(filtered.items.length >= 5 && filtered.items.every((e) => e.action === 'applicationApiToken.create'));
  const reader = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: ['all.Application.read'] });
  const device = await mintToken(h.store, { ownerType: 'application', ownerId: h.applicationId }, { scope: ['device.*'] });
  const url = `/applications/${h.applicationId}/audit-logs`;
  assert.equal((await h.call(reader.token, { method: 'GET', url })).statusCode, 200);
  assert.equal((await h.call(device.token, { method: 'GET', url })).statusCode, 403);
  assert.equal((await h.call(undefined, { method: 'GET', url })).statusCode, 401);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `${url}?perPage=0` })).statusCode, 400);
});
