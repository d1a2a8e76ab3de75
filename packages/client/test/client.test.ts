// The SDK against a live server on a free port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@latchkey/server';
import { bootstrap } from '@latchkey/server/bootstrap';
import { openStore } from '@latchkey/server/storage';
import { createClient, LatchkeyError } from '../src/index.js';

test('list and create through the SDK; failures throw LatchkeyError', async (t) => {
  const store = await openStore('sqlite::memory:');
  const boot = await bootstrap(store, { email: 'sdk@example.com', password: 'sdk password', applicationName: 'SDK' });
  const app = await buildApp({ store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const client = createClient({ url, accessToken: boot.token });
  const applicationId = boot.applicationId!;

  const created = await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'sdk', scope: ['device.*'] } });
  assert.equal(created.name, 'sdk');
  assert.match(created.token, /^lka_/);
  const page = await client.applicationApiTokens.get({ applicationId, perPage: 10, sortDirection: 'desc' });
  assert.equal(page.totalCount, 1);
  assert.equal(page.items[0]?.id, created.id);

  const anonymous = createClient({ url });
  await assert.rejects(anonymous.applicationApiTokens.get({ applicationId }), (error: unknown) => {
    assert.ok(error instanceof LatchkeyError);
    assert.equal(error.statusCode, 401);
    assert.equal(error.type, 'Unauthorized');
    return true;
  });
});
