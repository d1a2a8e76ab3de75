// GET and POST /applications/{applicationId}/tokens: the successful paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseToken } from '@latchkey/contract';
import { build } from './helpers/build.js';

const hex24 = /^[0-9a-f]{24}$/;
const isoMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('POST creates a token with defaults and returns its secret once', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens`,
    payload: { name: 'deploy bot' },
  });
  assert.equal(res.statusCode, 201);
  const body = res.json();
  assert.match(body.id, hex24);
  assert.equal(body.apiTokenId, body.id);
  assert.equal(body.ownerId, h.applicationId);
  assert.equal(body.ownerType, 'application');
  assert.deepEqual(body.scope, ['all.Application']);
  assert.equal(body.status, 'active');
  assert.equal(body.name, 'deploy bot');
  assert.equal(body.description, '');
  assert.equal(body.creatorType, 'apiToken');
  assert.match(body.creatorId, hex24);
  assert.equal(body.creatorName, 'bootstrap');
  assert.match(body.creationDate, isoMs);
  assert.equal(body.lastUpdated, body.creationDate);
  assert.equal(body.expirationDate, undefined);
  assert.equal(parseToken(body.token), 'application');
});

test('POST keeps every given field', async (t) => {
  const h = await build(t);
  const expirationDate = new Date(Date.now() + 86_400_000).toISOString();
  const created = await h.createToken({
    name: 'full',
    description: 'd'.repeat(32767),
    expirationDate,
    scope: ['device.*', 'all.Device.read', 'applicationApiTokens.get'],
    status: 'inactive',
  });
  assert.equal(created.description, 'd'.repeat(32767));
  assert.equal(created.expirationDate, expirationDate);
  assert.deepEqual(created.scope, ['device.*', 'all.Device.read', 'applicationApiTokens.get']);
  assert.equal(created.status, 'inactive');
});

test('the created token authenticates, and GET never returns a secret', async (t) => {
  const h = await build(t);
  const created = await h.createToken({ name: 'reader', scope: ['applicationApiTokens.get'] });
  const res = await h.call(created.token, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.totalCount, 1);
  assert.equal(body.count, 1);
  assert.equal(body.items[0].id, created.id);
  assert.equal(body.items[0].token, undefined);
  assert.ok(!res.body.includes(created.token));
});

test('GET answers with Losant defaults', async (t) => {
  const h = await build(t);
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    items: [],
    count: 0,
    totalCount: 0,
    perPage: 100,
    page: 0,
    sortField: 'name',
    sortDirection: 'asc',
    ownerId: h.applicationId,
    ownerType: 'application',
  });
});

test('Losant client parameters and header are accepted and ignored', async (t) => {
  const h = await build(t);
  await h.createToken({ name: 'a' });
  const list = await h.call(h.userToken, {
    method: 'GET',
    url: `/applications/${h.applicationId}/tokens?_actions=false&_links=true&_embedded=true`,
    headers: { losantdomain: 'example.com', 'accept-version': '^1.20.1' },
  });
  assert.equal(list.statusCode, 200);
  const post = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens?_actions=false&_links=true&_embedded=true`,
    headers: { losantdomain: 'example.com' },
    payload: { name: 'b' },
  });
  assert.equal(post.statusCode, 201);
});

test('a created token survives reopening the database', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'nested', 'db.sqlite')}`;
  const first = await build(t, { databaseUrl: url });
  const created = await first.createToken({ name: 'durable' });
  await first.app.close();
  const { openStore } = await import('../src/storage/open-store.js');
  const { buildApp } = await import('../src/app.js');
  const store = await openStore(url);
  const app = await buildApp({ store });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const res = await app.inject({
    method: 'GET',
    url: `/applications/${first.applicationId}/tokens`,
    headers: { authorization: `Bearer ${created.token}` },
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().items[0].name, 'durable');
});
