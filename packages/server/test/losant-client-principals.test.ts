// End to end for the principals: the official `losant-rest` client (axios,
// CommonJS) signs in, reads itself, manages its own API tokens, applications and
// organizations against a real listening server on a SQLite file. Every request
// the client makes is recorded (method, url, body) so that a failure names the
// exact request that the server refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idPattern, parseToken } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';

// losant-rest ships no type declarations: loaded with require and typed here with
// the part of its surface these tests use.
type Json = Record<string, unknown>;
type Call = (params?: Json) => Promise<Json>;
interface LosantClient {
  setOption(name: string, value: unknown): void;
  auth: { authenticateUser: Call };
  me: { get: Call; patch: Call };
  applications: { get: Call; post: Call };
  application: { get: Call; patch: Call; delete: Call };
  orgs: { get: Call; post: Call };
  org: { get: Call; patch: Call; delete: Call; modifyMember: Call; removeMember: Call };
  userApiTokens: { get: Call; post: Call };
  userApiToken: { get: Call; patch: Call; delete: Call };
  applicationApiTokens: { get: Call; post: Call };
}
type CreateClient = (options: { url: string; accessToken?: string }) => LosantClient;
const { createClient } = createRequire(import.meta.url)('losant-rest') as { createClient: CreateClient };

/** The error losant-rest rejects with: the body's keys copied onto an Error, plus statusCode. */
interface LosantError extends Error {
  statusCode: number;
  type: string;
}

interface SeenRequest {
  method: string;
  url: string;
  body?: unknown;
}

const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const hexId = new RegExp(idPattern);
/** Within a session's lifetime: what a session may put on the tokens it creates. */
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const clientQuery = /\?_actions=false&_links=true&_embedded=true(&|$)/;

test('losant-rest client: auth, me, user tokens, applications, orgs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-losant-principals-'));
  const store = await openStore('sqlite:' + join(dir, 'latchkey.db'));
  const app = await buildApp({ store });
  t.after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const owner = { email: 'owner@example.com', password: 'correct horse battery' };
  const viewer = { email: 'viewer@example.com', password: 'another long password' };
  const ownerBoot = await bootstrap(store, owner);
  const viewerBoot = await bootstrap(store, viewer);
  assert.notEqual(ownerBoot.userId, viewerBoot.userId);

  // What the client really sends: the body is parsed after onRequest, so it is
  // attached to the same record in preValidation.
  const seen: SeenRequest[] = [];
  const records = new WeakMap<object, SeenRequest>();
  app.addHook('onRequest', async (request) => {
    const record: SeenRequest = { method: request.method, url: request.url };
    records.set(request, record);
    seen.push(record);
  });
  app.addHook('preValidation', async (request) => {
    const record = records.get(request);
    if (record && request.body !== undefined) record.body = request.body;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const last = (): SeenRequest => {
    const request = seen.at(-1);
    assert.ok(request, 'the client made a request');
    return request;
  };
  const describe = (request: SeenRequest | undefined): string =>
    request ? `${request.method} ${request.url}${request.body === undefined ? '' : ' ' + JSON.stringify(request.body)}` : '(no request)';

  /** Awaits a client call; a rejection is rethrown naming the exact request made. */
  async function ok(promise: Promise<Json>): Promise<Json> {
    const before = seen.length;
    try {
      return await promise;
    } catch (error) {
      const err = error as LosantError;
      throw new Error(
        `client call failed: ${err.statusCode} ${err.type}: ${err.message}; request: ${describe(seen[before] ?? seen.at(-1))}`,
        { cause: error },
      );
    }
  }

  async function rejectsWith(promise: Promise<unknown>, statusCode: number, type: string): Promise<LosantError> {
    const before = seen.length;
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof Error, 'rejects with an Error');
      const err = error as LosantError;
      const request = describe(seen[before]);
      assert.equal(err.statusCode, statusCode, `statusCode (message: ${err.message}; request: ${request})`);
      assert.equal(err.type, type, `type (request: ${request})`);
      assert.equal(typeof err.message, 'string');
      assert.ok(err.message.length > 0, 'the message comes from the body');
      assert.deepEqual(Object.keys(err).sort(), ['statusCode', 'type'], 'the body was exactly {type, message}');
      return err;
    }
    assert.fail(`expected a ${statusCode} ${type} rejection; request: ${describe(seen[before])}`);
  }

  const client = createClient({ url });
  let viewerClient: LosantClient;

  await t.test('auth.authenticateUser signs in; a wrong password is 401', async () => {
    await rejectsWith(
      client.auth.authenticateUser({ credentials: { email: owner.email, password: 'wrong password!' } }),
      401,
      'Unauthorized',
    );
    await rejectsWith(
      client.auth.authenticateUser({ credentials: { email: 'nobody@example.com', password: owner.password } }),
      401,
      'Unauthorized',
    );
    // Before signing in the client has no token.
    await rejectsWith(client.me.get(), 401, 'Unauthorized');

    const authed = await ok(client.auth.authenticateUser({ credentials: owner }));
    const sent = last();
    assert.equal(sent.method, 'POST');
    assert.match(sent.url, /^\/auth\/user\?/);
    assert.match(sent.url, clientQuery);
    assert.deepEqual(sent.body, owner);
    assert.equal(authed.userId, ownerBoot.userId);
    assert.equal(typeof authed.token, 'string');
    assert.equal(parseToken(String(authed.token)), 'session');
    client.setOption('accessToken', authed.token);

    const viewerAuthed = await ok(
      createClient({ url }).auth.authenticateUser({ credentials: { email: viewer.email.toUpperCase(), password: viewer.password } }),
    );
    assert.equal(viewerAuthed.userId, viewerBoot.userId, 'email is case-insensitive');
    viewerClient = createClient({ url, accessToken: String(viewerAuthed.token) });
  });

  await t.test('me.get answers the signed-in user', async () => {
    const me = await ok(client.me.get());
    const sent = last();
    assert.equal(sent.method, 'GET');
    assert.match(sent.url, /^\/me\?/);
    assert.equal(me.id, ownerBoot.userId);
    assert.equal(me.userId, ownerBoot.userId);
    assert.equal(me.email, owner.email);
    assert.match(String(me.creationDate), isoMillis);
    assert.match(String(me.lastUpdated), isoMillis);

    const viewerMe = await ok(viewerClient.me.get());
    assert.equal(viewerMe.id, viewerBoot.userId);
    assert.equal(viewerMe.email, viewer.email);

    // The bootstrap user token (all.User) is a user credential too.
    const bootMe = await ok(createClient({ url, accessToken: ownerBoot.token }).me.get());
    assert.equal(bootMe.id, ownerBoot.userId);
  });

  await t.test("me.patch changes the user's names (and latchkey's tokenPolicy); a bad body is 400", async () => {
    const me = await ok(client.me.patch({ user: { firstName: 'Grace', lastName: 'Hopper' } }));
    const sent = last();
    assert.equal(sent.method, 'PATCH');
    assert.match(sent.url, /^\/me\?/);
    assert.deepEqual(sent.body, { firstName: 'Grace', lastName: 'Hopper' });
    assert.equal(me.fullName, 'Grace Hopper');
    assert.equal(me.email, owner.email);
    const policy = await ok(client.me.patch({ user: { tokenPolicy: { leakPolicy: 'notify' } } }));
    assert.deepEqual(policy.tokenPolicy, { leakPolicy: 'notify' });
    assert.equal((await ok(client.me.patch({ user: { tokenPolicy: null } }))).tokenPolicy, undefined);
    await rejectsWith(client.me.patch({ user: { title: 'Rear Admiral' } }), 400, 'Validation');
  });

  await t.test('userApiTokens / userApiToken: create, list, get, patch, delete; state effective at once', async () => {
    // A session stands for the user (README, Attenuation): it may create a
    // never-expiring token, as a plain Losant flow expects.
    const forever = await ok(client.userApiTokens.post({ apiToken: { name: 'forever', scope: ['all.User.read'] } }));
    assert.equal(forever.expirationDate, undefined);
    await ok(client.userApiToken.delete({ apiTokenId: String(forever.id) }));
    const expirationDate = inAnHour();
    const created = await ok(client.userApiTokens.post({ apiToken: { name: 'read token', scope: ['all.User.read'], expirationDate } }));
    let sent = last();
    assert.equal(sent.method, 'POST');
    assert.match(sent.url, /^\/me\/tokens\?/);
    assert.deepEqual(sent.body, { name: 'read token', scope: ['all.User.read'], expirationDate });
    assert.equal(created.expirationDate, expirationDate);
    assert.equal(typeof created.token, 'string');
    assert.equal(parseToken(String(created.token)), 'user');
    assert.match(String(created.id), hexId);
    assert.equal(created.name, 'read token');
    assert.deepEqual(created.scope, ['all.User.read']);
    assert.equal(created.status, 'active');
    assert.equal(created.ownerId, ownerBoot.userId);
    const apiTokenId = String(created.id);

    const list = await ok(client.userApiTokens.get());
    sent = last();
    assert.equal(sent.method, 'GET');
    assert.match(sent.url, /^\/me\/tokens\?/);
    const items = list.items as Json[];
    assert.ok(
      items.some((item) => item.id === apiTokenId),
      'the new token is listed',
    );
    assert.ok(
      items.every((item) => !('token' in item)),
      'a listed token never carries its secret',
    );
    const filtered = await ok(client.userApiTokens.get({ filterField: 'name', filter: 'read*', perPage: 5, sortField: 'name' }));
    assert.deepEqual(
      (filtered.items as Json[]).map((item) => item.id),
      [apiTokenId],
    );

    const got = await ok(client.userApiToken.get({ apiTokenId }));
    sent = last();
    assert.equal(sent.method, 'GET');
    assert.match(sent.url, new RegExp(`^/me/tokens/${apiTokenId}\\?`));
    assert.equal(got.id, apiTokenId);
    assert.equal('token' in got, false);

    const tokenClient = createClient({ url, accessToken: String(created.token) });
    const me = await ok(tokenClient.me.get());
    assert.equal(me.id, ownerBoot.userId);
    // all.User.read does not create tokens.
    await rejectsWith(tokenClient.userApiTokens.post({ apiToken: { name: 'x' } }), 403, 'Forbidden');

    const patched = await ok(client.userApiToken.patch({ apiTokenId, apiToken: { name: 'read token (off)', status: 'inactive' } }));
    sent = last();
    assert.equal(sent.method, 'PATCH');
    assert.match(sent.url, new RegExp(`^/me/tokens/${apiTokenId}\\?`));
    assert.deepEqual(sent.body, { name: 'read token (off)', status: 'inactive' });
    assert.equal(patched.name, 'read token (off)');
    assert.equal(patched.status, 'inactive');
    await rejectsWith(tokenClient.me.get(), 401, 'Unauthorized');

    await ok(client.userApiToken.patch({ apiTokenId, apiToken: { status: 'active' } }));
    assert.equal((await ok(tokenClient.me.get())).id, ownerBoot.userId, 'active again: accepted again');

    await rejectsWith(client.userApiToken.patch({ apiTokenId, apiToken: { scope: ['all.User'] } }), 400, 'Validation');

    const deleted = await ok(client.userApiToken.delete({ apiTokenId }));
    sent = last();
    assert.equal(sent.method, 'DELETE');
    assert.match(sent.url, new RegExp(`^/me/tokens/${apiTokenId}\\?`));
    assert.deepEqual(deleted, { success: true });
    await rejectsWith(tokenClient.me.get(), 401, 'Unauthorized');
    await rejectsWith(client.userApiToken.get({ apiTokenId }), 404, 'NotFound');
    // Another user's token is out of reach: 404, as if it did not exist.
    const theirs = await ok(viewerClient.userApiTokens.post({ apiToken: { name: 'theirs', scope: ['all.User.read'], expirationDate } }));
    await rejectsWith(client.userApiToken.get({ apiTokenId: String(theirs.id) }), 404, 'NotFound');
  });

  await t.test('applications / application: create, list, get, patch, delete', async () => {
    const created = await ok(client.applications.post({ application: { name: 'Alpha App', description: 'first' } }));
    let sent = last();
    assert.equal(sent.method, 'POST');
    assert.match(sent.url, /^\/applications\?/);
    assert.deepEqual(sent.body, { name: 'Alpha App', description: 'first' });
    assert.match(String(created.id), hexId);
    assert.equal(created.applicationId, created.id);
    assert.equal(created.name, 'Alpha App');
    assert.equal(created.description, 'first');
    assert.equal(created.ownerType, 'user');
    assert.equal(created.ownerId, ownerBoot.userId);
    assert.match(String(created.creationDate), isoMillis);
    const applicationId = String(created.id);
    await ok(client.applications.post({ application: { name: 'Beta App' } }));
    await ok(client.applications.post({ application: { name: 'alpha two' } }));

    const page = await ok(client.applications.get({ perPage: 1, sortField: 'name', filterField: 'name', filter: 'alpha*' }));
    sent = last();
    assert.equal(sent.method, 'GET');
    assert.match(sent.url, /^\/applications\?/);
    assert.match(sent.url, /perPage=1/);
    assert.match(sent.url, /filterField=name/);
    assert.deepEqual(
      (page.items as Json[]).map((item) => item.name),
      ['Alpha App'],
    );
    assert.equal(page.count, 1);
    assert.equal(page.totalCount, 2);
    assert.equal(page.perPage, 1);
    assert.equal(page.page, 0);
    const second = await ok(client.applications.get({ perPage: 1, page: 1, sortField: 'name', filterField: 'name', filter: 'alpha*' }));
    assert.deepEqual(
      (second.items as Json[]).map((item) => item.name),
      ['alpha two'],
    );
    // The other user sees none of them.
    const viewerApps = await ok(viewerClient.applications.get());
    assert.equal(viewerApps.totalCount, 0);
    await rejectsWith(viewerClient.application.get({ applicationId }), 404, 'NotFound');

    const got = await ok(client.application.get({ applicationId }));
    sent = last();
    assert.equal(sent.method, 'GET');
    assert.match(sent.url, new RegExp(`^/applications/${applicationId}\\?`));
    assert.equal(got.id, applicationId);
    assert.equal(got.name, 'Alpha App');

    const patched = await ok(client.application.patch({ applicationId, application: { name: 'Alpha Renamed', description: 'second' } }));
    sent = last();
    assert.equal(sent.method, 'PATCH');
    assert.deepEqual(sent.body, { name: 'Alpha Renamed', description: 'second' });
    assert.equal(patched.name, 'Alpha Renamed');
    assert.equal(patched.description, 'second');
    assert.ok(Date.parse(String(patched.lastUpdated)) > Date.parse(String(created.lastUpdated)));
    await rejectsWith(client.application.patch({ applicationId, application: { name: '' } }), 400, 'Validation');

    // An application token of it works until the application is deleted.
    const appToken = await ok(
      client.applicationApiTokens.post({ applicationId, apiToken: { name: 'app token', expirationDate: inAnHour() } }),
    );
    const appClient = createClient({ url, accessToken: String(appToken.token) });
    assert.equal((await ok(appClient.applicationApiTokens.get({ applicationId }))).ownerId, applicationId);

    const deleted = await ok(client.application.delete({ applicationId }));
    sent = last();
    assert.equal(sent.method, 'DELETE');
    assert.match(sent.url, new RegExp(`^/applications/${applicationId}\\?`));
    assert.deepEqual(deleted, { success: true });
    await rejectsWith(client.application.get({ applicationId }), 404, 'NotFound');
    await rejectsWith(appClient.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
    const after = await ok(client.applications.get({ filterField: 'name', filter: 'alpha*' }));
    assert.equal(after.totalCount, 1);
  });

  await t.test('orgs / org: members, roles, org applications, last admin, delete', async () => {
    const org = await ok(client.orgs.post({ organization: { name: 'Acme', description: 'an org' } }));
    let sent = last();
    assert.equal(sent.method, 'POST');
    assert.match(sent.url, /^\/orgs\?/);
    assert.deepEqual(sent.body, { name: 'Acme', description: 'an org' });
    assert.match(String(org.id), hexId);
    assert.equal(org.orgId, org.id);
    assert.equal(org.name, 'Acme');
    const orgId = String(org.id);
    assert.deepEqual(
      (org.members as Json[]).map((m) => [m.userId, m.role]),
      [[ownerBoot.userId, 'admin']],
      'the creator is the first admin',
    );

    const orgs = await ok(client.orgs.get());
    sent = last();
    assert.equal(sent.method, 'GET');
    assert.match(sent.url, /^\/orgs\?/);
    assert.deepEqual(
      (orgs.items as Json[]).map((o) => o.id),
      [orgId],
    );
    assert.equal(orgs.totalCount, 1);
    assert.equal((await ok(viewerClient.orgs.get())).totalCount, 0, 'not a member yet');
    await rejectsWith(viewerClient.org.get({ orgId }), 404, 'NotFound');

    const got = await ok(client.org.get({ orgId }));
    sent = last();
    assert.match(sent.url, new RegExp(`^/orgs/${orgId}\\?`));
    assert.equal(got.name, 'Acme');

    const patched = await ok(client.org.patch({ orgId, organization: { name: 'Acme Corp' } }));
    sent = last();
    assert.equal(sent.method, 'PATCH');
    assert.deepEqual(sent.body, { name: 'Acme Corp' });
    assert.equal(patched.name, 'Acme Corp');
    assert.equal(patched.description, 'an org');

    const withMember = await ok(client.org.modifyMember({ orgId, member: { userId: viewerBoot.userId, role: 'view' } }));
    sent = last();
    assert.equal(sent.method, 'PATCH');
    assert.match(sent.url, new RegExp(`^/orgs/${orgId}/member\\?`));
    assert.deepEqual(sent.body, { userId: viewerBoot.userId, role: 'view' });
    const viewerMember = (withMember.members as Json[]).find((m) => m.userId === viewerBoot.userId);
    assert.equal(viewerMember?.role, 'view');
    assert.equal(viewerMember.email, viewer.email);
    assert.equal((await ok(viewerClient.orgs.get())).totalCount, 1, 'now a member');
    assert.equal((await ok(viewerClient.org.get({ orgId }))).id, orgId);
    await rejectsWith(viewerClient.org.patch({ orgId, organization: { name: 'mine' } }), 403, 'Forbidden');
    await rejectsWith(viewerClient.org.modifyMember({ orgId, member: { userId: viewerBoot.userId, role: 'admin' } }), 403, 'Forbidden');
    await rejectsWith(viewerClient.applications.post({ application: { name: 'nope', orgId } }), 403, 'Forbidden');

    // An application of the organization: the view member sees it, reads its tokens, creates none.
    const orgApp = await ok(client.applications.post({ application: { name: 'Org App', orgId } }));
    sent = last();
    assert.deepEqual(sent.body, { name: 'Org App', orgId });
    assert.equal(orgApp.ownerType, 'organization');
    assert.equal(orgApp.ownerId, orgId);
    assert.equal(orgApp.organizationName, 'Acme Corp');
    const applicationId = String(orgApp.id);
    await ok(client.applicationApiTokens.post({ applicationId, apiToken: { name: 'org app token', expirationDate: inAnHour() } }));

    const visible = await ok(viewerClient.applications.get({ filterField: 'name', filter: 'Org*' }));
    assert.deepEqual(
      (visible.items as Json[]).map((a) => a.id),
      [applicationId],
    );
    assert.equal((await ok(viewerClient.application.get({ applicationId }))).ownerId, orgId);
    const tokens = await ok(viewerClient.applicationApiTokens.get({ applicationId }));
    assert.equal(tokens.totalCount, 1);
    await rejectsWith(
      viewerClient.applicationApiTokens.post({ applicationId, apiToken: { name: 'viewer token', expirationDate: inAnHour() } }),
      403,
      'Forbidden',
    );
    await rejectsWith(viewerClient.application.patch({ applicationId, application: { name: 'x' } }), 403, 'Forbidden');

    // The last admin can be neither demoted nor removed.
    await rejectsWith(client.org.modifyMember({ orgId, member: { userId: ownerBoot.userId, role: 'view' } }), 400, 'Validation');
    await rejectsWith(client.org.removeMember({ orgId, userId: ownerBoot.userId }), 400, 'Validation');
    sent = last();
    assert.equal(sent.method, 'DELETE');
    assert.match(sent.url, new RegExp(`^/orgs/${orgId}/member\\?`));
    assert.match(sent.url, new RegExp(`[?&]userId=${ownerBoot.userId}(&|$)`));

    const removed = await ok(client.org.removeMember({ orgId, userId: viewerBoot.userId }));
    assert.deepEqual(removed, { success: true });
    assert.equal((await ok(viewerClient.orgs.get())).totalCount, 0, 'no longer a member');
    assert.equal((await ok(viewerClient.applications.get())).totalCount, 0, 'the org application is gone from its list');
    await rejectsWith(viewerClient.applicationApiTokens.get({ applicationId }), 404, 'NotFound');
    await rejectsWith(client.org.removeMember({ orgId, userId: viewerBoot.userId }), 404, 'NotFound');
    const afterRemove = await ok(client.org.get({ orgId }));
    assert.deepEqual(
      (afterRemove.members as Json[]).map((m) => m.userId),
      [ownerBoot.userId],
    );

    // An organization with applications is not deleted.
    await rejectsWith(client.org.delete({ orgId }), 400, 'Validation');
    await ok(client.application.delete({ applicationId }));
    const deleted = await ok(client.org.delete({ orgId }));
    sent = last();
    assert.equal(sent.method, 'DELETE');
    assert.match(sent.url, new RegExp(`^/orgs/${orgId}\\?`));
    assert.deepEqual(deleted, { success: true });
    await rejectsWith(client.org.get({ orgId }), 404, 'NotFound');
    assert.equal((await ok(client.orgs.get())).totalCount, 0);
  });

  await t.test('applications.get({ orgId }) filters by organization, as in Losant', async () => {
    const org = await ok(client.orgs.post({ organization: { name: 'Filter Org' } }));
    const orgId = String(org.id);
    const inOrg = await ok(client.applications.post({ application: { name: 'In Org', orgId } }));
    await ok(client.applications.post({ application: { name: 'Personal' } }));
    const page = await ok(client.applications.get({ orgId }));
    assert.deepEqual(
      (page.items as Json[]).map((a) => a.id),
      [inOrg.id],
    );
    const own = await ok(client.applications.get({ orgId: '', sortField: 'ownerId', summaryExclude: 'payloadCount' }));
    assert.ok((own.items as Json[]).every((a) => a.ownerType === 'user'));
    assert.ok((own.items as Json[]).some((a) => a.name === 'Personal'));
  });
});
