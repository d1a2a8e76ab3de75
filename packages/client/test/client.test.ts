// Every SDK method against a live server, called as one would call losant-rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../src/index.js';
import { rejectsWith } from './assertions.js';
import { startServer } from './live-server.js';

test('auth.authenticateUser signs in; the session works after setOption; me.get answers the user', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url });
  const authed = await client.auth.authenticateUser({ credentials: { email: server.email, password: server.password } });
  assert.equal(authed.userId, server.userId);
  assert.match(authed.token, /^lks_/);
  await rejectsWith(client.me.get(), 401, 'Unauthorized');

  assert.equal(client.setOption('accessToken', authed.token), client);
  const me = await client.me.get();
  assert.equal(me.id, server.userId);
  assert.equal(me.userId, server.userId);
  assert.equal(me.email, server.email);
  // Losant's optional summary parameters are accepted
  assert.equal((await client.me.get({ summaryExclude: 'payloadCount' })).id, server.userId);

  await rejectsWith(
    client.auth.authenticateUser({ credentials: { email: server.email, password: 'not the password' } }),
    401,
    'Unauthorized',
  );
});

test('me.changePassword answers a new session and ends the old; auth.logout ends a session; an API token cannot log out', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url });
  const authed = await client.auth.authenticateUser({ credentials: { email: server.email, password: server.password } });
  client.setOption('accessToken', authed.token);
  const newPassword = 'Sdk-passw0rd-2';
  await rejectsWith(client.me.changePassword({ data: { password: 'not the password', newPassword } }), 401, 'Unauthorized');
  const changed = await client.me.changePassword({ data: { password: server.password, newPassword } });
  assert.equal(changed.userId, server.userId);
  assert.match(changed.token, /^lks_/);
  await rejectsWith(client.me.get(), 401, 'Unauthorized');

  client.setOption('accessToken', changed.token);
  assert.equal((await client.me.get()).id, server.userId);
  assert.deepEqual(await client.auth.logout(), { success: true });
  await rejectsWith(client.me.get(), 401, 'Unauthorized');
  await rejectsWith(createClient({ url: server.url, accessToken: server.token }).auth.logout(), 403, 'Forbidden');
});

test('userApiTokens and userApiToken: post, get, patch, delete', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });

  const created = await client.userApiTokens.post({
    apiToken: { name: 'cli', description: 'for scripts', scope: ['all.User.read'], expirationDate: '2099-01-01T00:00:00.000Z' },
  });
  assert.match(created.token, /^lku_/);
  assert.equal(created.ownerType, 'user');
  assert.equal(created.ownerId, server.userId);
  assert.deepEqual(created.scope, ['all.User.read']);

  const page = await client.userApiTokens.get({ filterField: 'name', filter: 'cl*' });
  assert.equal(page.totalCount, 1);
  assert.equal(page.items[0]?.id, created.id);
  assert.equal(page.items[0]?.token, undefined);

  const one = await client.userApiToken.get({ apiTokenId: created.id });
  assert.equal(one.name, 'cli');
  const patched = await client.userApiToken.patch({ apiTokenId: created.id, apiToken: { name: 'cli 2', status: 'inactive' } });
  assert.equal(patched.name, 'cli 2');
  assert.equal(patched.status, 'inactive');
  await rejectsWith(createClient({ url: server.url, accessToken: created.token }).me.get(), 401, 'Unauthorized');

  assert.deepEqual(await client.userApiToken.delete({ apiTokenId: created.id }), { success: true });
  await rejectsWith(client.userApiToken.get({ apiTokenId: created.id }), 404, 'NotFound');
});

test('applications and application: post, get, patch, delete', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });

  const created = await client.applications.post({ application: { name: 'Fleet', description: 'trucks' } });
  assert.equal(created.name, 'Fleet');
  assert.equal(created.ownerType, 'user');
  assert.equal(created.ownerId, server.userId);

  const list = await client.applications.get({ sortField: 'name', sortDirection: 'asc' });
  assert.deepEqual(
    list.items.map((a) => a.name),
    ['Fleet', 'SDK'],
  );
  assert.equal(list.totalCount, 2);
  const own = await client.applications.get({ orgId: '' });
  assert.equal(own.totalCount, 2);
  assert.equal((await client.applications.get()).totalCount, 2);

  assert.equal((await client.application.get({ applicationId: created.id })).description, 'trucks');
  const patched = await client.application.patch({ applicationId: created.id, application: { name: 'Fleet 2' } });
  assert.equal(patched.name, 'Fleet 2');
  assert.equal(patched.description, 'trucks');
  assert.deepEqual(await client.application.delete({ applicationId: created.id }), { success: true });
  await rejectsWith(client.application.get({ applicationId: created.id }), 404, 'NotFound');
});

test('applicationApiTokens and applicationApiToken: post, get, patch, delete', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const { applicationId } = server;

  const created = await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'sdk', scope: ['device.*'] } });
  assert.equal(created.name, 'sdk');
  assert.match(created.token, /^lka_/);
  assert.equal(created.ownerId, applicationId);
  assert.equal(created.ownerType, 'application');
  const page = await client.applicationApiTokens.get({ applicationId, perPage: 10, sortDirection: 'desc' });
  assert.equal(page.totalCount, 1);
  assert.equal(page.items[0]?.id, created.id);
  assert.equal(page.ownerId, applicationId);

  const one = await client.applicationApiToken.get({ applicationId, apiTokenId: created.id });
  assert.deepEqual(one.scope, ['device.*']);
  const patched = await client.applicationApiToken.patch({
    applicationId,
    apiTokenId: created.id,
    apiToken: { description: 'devices only' },
  });
  assert.equal(patched.description, 'devices only');
  assert.equal(patched.name, 'sdk');
  assert.deepEqual(await client.applicationApiToken.delete({ applicationId, apiTokenId: created.id }), { success: true });
  await rejectsWith(client.applicationApiToken.get({ applicationId, apiTokenId: created.id }), 404, 'NotFound');
  assert.equal((await client.applicationApiTokens.get({ applicationId })).totalCount, 0);
});

test('applicationApiToken.rotate and userApiToken.rotate: a new secret, the old one deprecated during the grace period', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const { applicationId } = server;
  const created = await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'svc', scope: ['all.Application'] } });
  const rotated = await client.applicationApiToken.rotate({ applicationId, apiTokenId: created.id, rotation: { gracePeriod: 300 } });
  assert.equal(rotated.id, created.id);
  assert.match(rotated.token, /^lka_/);
  assert.notEqual(rotated.token, created.token);
  assert.ok(rotated.rotatedAt);
  assert.equal(Date.parse(rotated.previousSecretExpiresAt!), Date.parse(rotated.rotatedAt!) + 300_000);
  // Both secrets work during the grace period.
  const withOld = createClient({ url: server.url, accessToken: created.token });
  const withNew = createClient({ url: server.url, accessToken: rotated.token });
  assert.equal((await withOld.application.get({ applicationId })).id, applicationId);
  assert.equal((await withNew.application.get({ applicationId })).id, applicationId);
  // Without `rotation`, no grace period: the secret it replaces stops at once.
  const again = await client.applicationApiToken.rotate({ applicationId, apiTokenId: created.id });
  assert.equal(again.previousSecretExpiresAt, undefined);
  await rejectsWith(withOld.application.get({ applicationId }), 401, 'Unauthorized');
  await rejectsWith(withNew.application.get({ applicationId }), 401, 'Unauthorized');
  await rejectsWith(
    client.applicationApiToken.rotate({ applicationId, apiTokenId: created.id, rotation: { gracePeriod: -1 } }),
    400,
    'Validation',
  );

  const mine = await client.userApiTokens.post({ apiToken: { name: 'cli', scope: ['all.User.read'] } });
  const mineRotated = await client.userApiToken.rotate({ apiTokenId: mine.id, rotation: { gracePeriod: 60 } });
  assert.match(mineRotated.token, /^lku_/);
  assert.equal(mineRotated.id, mine.id);
  assert.equal((await client.userApiToken.get({ apiTokenId: mine.id })).previousSecretExpiresAt, mineRotated.previousSecretExpiresAt);
});

test('orgs and org: post, get, patch, modifyMember, removeMember, delete', async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const other = await server.addUser('other@example.com');

  const org = await client.orgs.post({ organization: { name: 'Acme', description: 'widgets' } });
  assert.equal(org.name, 'Acme');
  assert.deepEqual(
    org.members.map((m) => [m.userId, m.role]),
    [[server.userId, 'admin']],
  );
  const list = await client.orgs.get({ perPage: 10 });
  assert.deepEqual(
    list.items.map((o) => o.id),
    [org.id],
  );
  assert.equal((await client.orgs.get()).totalCount, 1);

  assert.equal((await client.org.get({ orgId: org.id })).description, 'widgets');
  assert.equal((await client.org.patch({ orgId: org.id, organization: { name: 'Acme Inc' } })).name, 'Acme Inc');

  const withMember = await client.org.modifyMember({ orgId: org.id, member: { userId: other.userId, role: 'view' } });
  assert.deepEqual(withMember.members.map((m) => m.role).sort(), ['admin', 'view']);
  const asOther = createClient({ url: server.url, accessToken: other.token });
  assert.equal((await asOther.org.get({ orgId: org.id })).id, org.id);
  await rejectsWith(asOther.org.patch({ orgId: org.id, organization: { name: 'Mine' } }), 403, 'Forbidden');
  // latchkey: the member named by email instead (matched in any case); an email no user has is a 404.
  const byEmail = await client.org.modifyMember({ orgId: org.id, member: { email: 'Other@Example.com', role: 'edit' } });
  assert.equal(byEmail.members.find((m) => m.userId === other.userId)?.role, 'edit');
  await rejectsWith(client.org.modifyMember({ orgId: org.id, member: { email: 'nobody@example.com', role: 'view' } }), 404, 'NotFound');

  // an application in the organization blocks its deletion (400)
  const app = await client.applications.post({ application: { name: 'Org app', orgId: org.id } });
  assert.equal(app.ownerType, 'organization');
  assert.equal(app.organizationName, 'Acme Inc');
  assert.deepEqual(
    (await client.applications.get({ orgId: org.id })).items.map((a) => a.id),
    [app.id],
  );
  await rejectsWith(client.org.delete({ orgId: org.id }), 400, 'Validation');
  await client.application.delete({ applicationId: app.id });

  assert.deepEqual(await client.org.removeMember({ orgId: org.id, userId: other.userId }), { success: true });
  await rejectsWith(asOther.org.get({ orgId: org.id }), 404, 'NotFound');
  await rejectsWith(client.org.removeMember({ orgId: org.id, userId: server.userId }), 400, 'Validation');

  assert.deepEqual(await client.org.delete({ orgId: org.id }), { success: true });
  await rejectsWith(client.org.get({ orgId: org.id }), 404, 'NotFound');
});
