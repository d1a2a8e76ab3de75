// End to end: the official `losant-rest` client (axios, CommonJS) against a real
// listening server on a SQLite file. The client always sends
// `_actions=false&_links=true&_embedded=true` and `Accept-Version`, so every call
// here also checks that the server accepts them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken, idPattern, parseToken } from '@latchkey/contract';
import { buildApp } from '../src/app.js';
import { hashToken } from '../src/auth/token-hash.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';

// losant-rest is CommonJS and ships no type declarations: loaded with require and
// typed here with the part of its surface these tests use, so the file type-checks
// under strict without an ambient `declare module`.
type Json = Record<string, unknown>;
interface LosantClient {
  applicationApiTokens: {
    get(params: Json): Promise<Json>;
    post(params: Json): Promise<Json>;
  };
  applicationApiToken: {
    get(params: Json): Promise<Json>;
    patch(params: Json): Promise<Json>;
    delete(params: Json): Promise<Json>;
  };
}
type CreateClient = (options: { url: string; accessToken?: string }) => LosantClient;
const { createClient } = createRequire(import.meta.url)('losant-rest') as { createClient: CreateClient };

/** The error losant-rest rejects with: the body's keys copied onto an Error, plus statusCode. */
interface LosantError extends Error {
  statusCode: number;
  type: string;
}

const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const hexId = new RegExp(idPattern);

async function rejectsWith(promise: Promise<unknown>, statusCode: number, type: string): Promise<LosantError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, 'rejects with an Error');
    const err = error as LosantError;
    assert.equal(err.statusCode, statusCode, `statusCode (message: ${err.message})`);
    assert.equal(err.type, type);
    assert.equal(typeof err.message, 'string');
    assert.ok(err.message.length > 0, 'the message comes from the body');
    // The client copies every body key but `message` onto the error: the body was
    // exactly {type, message}.
    assert.deepEqual(Object.keys(err).sort(), ['statusCode', 'type']);
    return err;
  }
  assert.fail(`expected a ${statusCode} ${type} rejection`);
}

test('losant-rest client against a listening server', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-losant-'));
  const store = await openStore('sqlite:' + join(dir, 'latchkey.db'));
  const app = await buildApp({ store });
  t.after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const owner = { email: 'owner@example.com', password: 'correct horse battery' };
  const boot = await bootstrap(store, { ...owner, applicationName: 'Client Test' });
  // Same user, a second application: reachable by the user, not by the first app's tokens.
  const other = await bootstrap(store, { ...owner, applicationName: 'Other Application' });
  const applicationId = boot.applicationId!;
  const otherApplicationId = other.applicationId!;
  assert.notEqual(applicationId, otherApplicationId);
  const bootTokenRecord = await store.findTokenByHash(hashToken(boot.token));
  assert.ok(bootTokenRecord);

  // What the client really sends, to check the server accepted exactly that.
  const seen: { url: string; headers: Record<string, unknown> }[] = [];
  app.addHook('onRequest', async (request) => {
    seen.push({ url: request.url, headers: request.headers });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const client = createClient({ url, accessToken: boot.token });

  let created: Json & { token: string; id: string };

  await t.test('post returns the 201 body with the token and Losant defaults', async () => {
    const before = Date.now();
    const body = await client.applicationApiTokens.post({
      applicationId,
      apiToken: { name: 'ci-token', description: 'made by losant-rest' },
      losantdomain: 'example.com',
    });
    const after = Date.now();
    const sent = seen.at(-1)!;
    assert.match(sent.url, /\?_actions=false&_links=true&_embedded=true$/);
    assert.equal(typeof sent.headers['accept-version'], 'string');
    assert.equal(sent.headers.losantdomain, 'example.com');
    assert.equal(typeof body.token, 'string');
    assert.equal(typeof body.id, 'string');
    created = body as typeof created;

    assert.equal(parseToken(created.token), 'application');
    assert.match(created.token, /^lka_[0-9A-Za-z]+$/);
    assert.match(created.id, hexId);
    assert.equal(body.apiTokenId, created.id);
    assert.equal(body.ownerId, applicationId);
    assert.equal(body.ownerType, 'application');
    assert.equal(body.creatorType, 'apiToken');
    assert.equal(body.creatorId, bootTokenRecord.id);
    assert.equal(body.creatorName, bootTokenRecord.name);
    assert.equal(body.name, 'ci-token');
    assert.equal(body.description, 'made by losant-rest');
    assert.deepEqual(body.scope, ['all.Application']);
    assert.equal(body.status, 'active');
    assert.match(String(body.creationDate), isoMillis);
    assert.equal(body.lastUpdated, body.creationDate);
    const createdAt = Date.parse(String(body.creationDate));
    assert.ok(createdAt >= before - 1 && createdAt <= after + 1, 'creationDate is now');
    assert.equal('expirationDate' in body, false, 'no expirationDate when none was given');
  });

  await t.test('post keeps an explicit scope, status and expirationDate', async () => {
    const expirationDate = new Date(Date.now() + 3_600_000).toISOString();
    const body = await client.applicationApiTokens.post({
      applicationId,
      apiToken: { name: 'narrow', scope: ['applicationApiTokens.get'], status: 'inactive', expirationDate },
    });
    assert.deepEqual(body.scope, ['applicationApiTokens.get']);
    assert.equal(body.status, 'inactive');
    assert.equal(body.expirationDate, expirationDate);
    assert.equal(body.description, '');
  });

  await t.test('get pages, sorts and filters with a glob', async () => {
    for (const name of ['page-c', 'page-a', 'page-e', 'page-b', 'page-d', 'other-page']) {
      await client.applicationApiTokens.post({ applicationId, apiToken: { name } });
    }

    const first = await client.applicationApiTokens.get({
      applicationId,
      sortField: 'name',
      sortDirection: 'asc',
      page: 0,
      perPage: 2,
      filterField: 'name',
      filter: 'page-*',
    });
    const names = (list: Json) => (list.items as Json[]).map((item) => item.name);
    assert.deepEqual(names(first), ['page-a', 'page-b']);
    assert.equal(first.count, 2);
    assert.equal(first.totalCount, 5);
    assert.equal(first.page, 0);
    assert.equal(first.perPage, 2);
    assert.equal(first.sortField, 'name');
    assert.equal(first.sortDirection, 'asc');
    assert.equal(first.filterField, 'name');
    assert.equal(first.filter, 'page-*');
    assert.equal(first.ownerId, applicationId);
    assert.equal(first.ownerType, 'application');

    const last = await client.applicationApiTokens.get({
      applicationId,
      sortField: 'name',
      sortDirection: 'asc',
      page: 2,
      perPage: 2,
      filterField: 'name',
      filter: 'page-*',
    });
    assert.deepEqual(names(last), ['page-e']);
    assert.equal(last.count, 1);
    assert.equal(last.totalCount, 5);
    assert.equal(last.page, 2);

    const desc = await client.applicationApiTokens.get({
      applicationId,
      sortField: 'name',
      sortDirection: 'desc',
      page: 1,
      perPage: 2,
      filterField: 'name',
      filter: 'page-*',
    });
    assert.deepEqual(names(desc), ['page-c', 'page-b']);
    assert.equal(desc.sortDirection, 'desc');

    const inner = await client.applicationApiTokens.get({ applicationId, filterField: 'name', filter: '*page*' });
    assert.equal(inner.totalCount, 6, 'a glob star matches at both ends');

    const inactive = await client.applicationApiTokens.get({ applicationId, filterField: 'status', filter: 'inactive' });
    assert.deepEqual(names(inactive), ['narrow']);

    // Blank filter means no filtering, as in Losant.
    const all = await client.applicationApiTokens.get({ applicationId, filterField: 'name', filter: '', losantdomain: 'example.com' });
    const sent = seen.at(-1)!;
    assert.match(sent.url, /[?&]_actions=false&_links=true&_embedded=true(&|$)/);
    assert.equal(sent.headers.losantdomain, 'example.com');
    assert.equal(all.totalCount, 8);
    assert.equal('filter' in all, false);
  });

  await t.test('a listed token never carries its secret', async () => {
    const list = await client.applicationApiTokens.get({ applicationId, filterField: 'name', filter: 'ci-token' });
    const items = list.items as Json[];
    assert.equal(items.length, 1);
    assert.equal(items[0]!.id, created.id);
    assert.equal('token' in items[0]!, false);
    assert.equal(JSON.stringify(list).includes(created.token), false);
  });

  await t.test('an application token lists its own application and not another one', async () => {
    const appClient = createClient({ url, accessToken: created.token });
    const own = await appClient.applicationApiTokens.get({ applicationId, perPage: 1 });
    assert.equal(own.ownerId, applicationId);
    assert.equal(own.totalCount, 8);

    // The user owns the other application, but this token belongs to the first one.
    const mine = await client.applicationApiTokens.get({ applicationId: otherApplicationId });
    assert.equal(mine.totalCount, 0);
    await rejectsWith(appClient.applicationApiTokens.get({ applicationId: otherApplicationId }), 404, 'NotFound');
    await rejectsWith(appClient.applicationApiTokens.post({ applicationId: otherApplicationId, apiToken: { name: 'x' } }), 404, 'NotFound');

    // It records itself as the creator of what it creates.
    const child = await appClient.applicationApiTokens.post({ applicationId, apiToken: { name: 'child' } });
    assert.equal(child.creatorType, 'apiToken');
    assert.equal(child.creatorId, created.id);
    assert.equal(child.creatorName, 'ci-token');
  });

  await t.test('errors reject with statusCode and type from the {type, message} body', async () => {
    await rejectsWith(client.applicationApiTokens.post({ applicationId, apiToken: {} }), 400, 'Validation');
    await rejectsWith(client.applicationApiTokens.post({ applicationId, apiToken: { name: '' } }), 400, 'Validation');
    await rejectsWith(
      client.applicationApiTokens.post({ applicationId, apiToken: { name: 'x', scope: ['not.aScope'] } }),
      400,
      'Validation',
    );
    await rejectsWith(
      client.applicationApiTokens.post({ applicationId, apiToken: { name: 'x', expirationDate: '2001-01-01T00:00:00.000Z' } }),
      400,
      'Validation',
    );
    await rejectsWith(client.applicationApiTokens.get({ applicationId, sortField: 'nope' }), 400, 'Validation');
    await rejectsWith(client.applicationApiTokens.get({ applicationId: 'not-an-id' }), 400, 'Validation');
    await rejectsWith(client.applicationApiTokens.get({ applicationId: '0123456789abcdef01234567' }), 404, 'NotFound');

    const garbage = createClient({ url, accessToken: 'garbage' });
    await rejectsWith(garbage.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
    await rejectsWith(garbage.applicationApiTokens.post({ applicationId, apiToken: { name: 'x' } }), 401, 'Unauthorized');
    const anonymous = createClient({ url });
    await rejectsWith(anonymous.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
    // One character off (checksum fails) and well formed but unknown: the same answer.
    const flipped = created.token[4] === 'A' ? 'B' : 'A';
    const mistyped = createClient({ url, accessToken: created.token.slice(0, 4) + flipped + created.token.slice(5) });
    await rejectsWith(mistyped.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
    const unknown = createClient({ url, accessToken: generateToken('application') });
    await rejectsWith(unknown.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
  });

  await t.test('a token without the action scope gets 403, an inactive one 401', async () => {
    const readOnly = await client.applicationApiTokens.post({
      applicationId,
      apiToken: { name: 'read-only', scope: ['applicationApiTokens.get'] },
    });
    const readClient = createClient({ url, accessToken: String(readOnly.token) });
    const list = await readClient.applicationApiTokens.get({ applicationId, filterField: 'name', filter: 'read-only' });
    assert.equal(list.totalCount, 1);
    await rejectsWith(readClient.applicationApiTokens.post({ applicationId, apiToken: { name: 'x' } }), 403, 'Forbidden');

    const inactive = await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'off', status: 'inactive' } });
    const inactiveClient = createClient({ url, accessToken: String(inactive.token) });
    await rejectsWith(inactiveClient.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
  });

  await t.test('applicationApiToken.get/patch/delete: one token, state effective at once', async () => {
    const one = await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'single', scope: ['all.Application'] } });
    const apiTokenId = String(one.id);
    const got = await client.applicationApiToken.get({ applicationId, apiTokenId });
    assert.equal(got.id, apiTokenId);
    assert.equal(got.token, undefined);

    const oneClient = createClient({ url, accessToken: String(one.token) });
    assert.equal((await oneClient.applicationApiTokens.get({ applicationId, perPage: 1 })).perPage, 1);

    const patched = await client.applicationApiToken.patch({
      applicationId,
      apiTokenId,
      apiToken: { name: 'single renamed', status: 'inactive' },
    });
    assert.equal(patched.name, 'single renamed');
    assert.equal(patched.status, 'inactive');
    assert.ok(Date.parse(String(patched.lastUpdated)) > Date.parse(String(one.lastUpdated)));
    await rejectsWith(oneClient.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
    await client.applicationApiToken.patch({ applicationId, apiTokenId, apiToken: { status: 'active' } });
    assert.equal((await oneClient.applicationApiTokens.get({ applicationId })).ownerId, applicationId);

    await rejectsWith(
      client.applicationApiToken.patch({ applicationId, apiTokenId, apiToken: { scope: ['all.Device'] } }),
      400,
      'Validation',
    );
    const deleted = await client.applicationApiToken.delete({ applicationId, apiTokenId });
    assert.deepEqual(deleted, { success: true });
    await rejectsWith(oneClient.applicationApiTokens.get({ applicationId }), 401, 'Unauthorized');
    await rejectsWith(client.applicationApiToken.get({ applicationId, apiTokenId }), 404, 'NotFound');
  });

  await t.test('attenuation: a token cannot mint a stronger one', async () => {
    const narrow = await client.applicationApiTokens.post({
      applicationId,
      apiToken: { name: 'narrow', scope: ['applicationApiTokens.post', 'device.*'] },
    });
    const narrowClient = createClient({ url, accessToken: String(narrow.token) });
    const err = await rejectsWith(
      narrowClient.applicationApiTokens.post({ applicationId, apiToken: { name: 'wide', scope: ['all.Application'] } }),
      403,
      'Forbidden',
    );
    assert.match(err.message, /all\.Application/);
    const child = await narrowClient.applicationApiTokens.post({ applicationId, apiToken: { name: 'ok', scope: ['device.get'] } });
    assert.equal(child.creatorType, 'apiToken');
    assert.equal(child.creatorId, narrow.id);
  });
});
