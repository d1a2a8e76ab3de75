// The SDK's webhook resources against a live server: an application's and the
// user's own, their secrets, deliveries and redelivery, as a receiver on loopback
// gets them.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../src/index.js';
import { rejectsWith } from './assertions.js';
import { startServer } from './live-server.js';

/** A receiver answering 204, keeping each delivery's webhook-id. */
async function receiver(t: TestContext): Promise<{ url: string; ids: string[] }> {
  const ids: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      ids.push(String(request.headers['webhook-id']));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, ids };
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('applicationTokenWebhooks and applicationTokenWebhook: post, get, patch, rotateSecret, deliveries, redeliver, delete', async (t) => {
  const server = await startServer(t, undefined, { allowPrivateWebhooks: true });
  const hook = await receiver(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const { applicationId } = server;
  const created = await client.applicationTokenWebhooks.post({ applicationId, webhook: { url: hook.url, events: ['token.created'] } });
  assert.match(created.secret, /^whsec_/);
  assert.equal(created.applicationId, applicationId);
  const webhookId = created.id;
  const page = await client.applicationTokenWebhooks.get({ applicationId });
  assert.deepEqual(
    page.items.map((w) => w.id),
    [webhookId],
  );
  const all = [];
  for await (const webhook of client.applicationTokenWebhooks.iterate({ applicationId, perPage: 1 })) all.push(webhook.id);
  assert.deepEqual(all, [webhookId]);
  assert.equal('secret' in (await client.applicationTokenWebhook.get({ applicationId, webhookId })), false);
  const patched = await client.applicationTokenWebhook.patch({ applicationId, webhookId, webhook: { description: 'sdk' } });
  assert.equal(patched.description, 'sdk');
  const rotated = await client.applicationTokenWebhook.rotateSecret({ applicationId, webhookId });
  assert.notEqual(rotated.secret, created.secret);

  await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'watched' } });
  await until(async () => (await client.applicationTokenWebhook.deliveries({ applicationId, webhookId })).items[0]?.status === 'delivered');
  const [delivery] = (await client.applicationTokenWebhook.deliveries({ applicationId, webhookId })).items;
  assert.equal(delivery!.eventType, 'token.created');
  assert.deepEqual(hook.ids, [delivery!.id]);
  const again = await client.applicationTokenWebhook.redeliver({ applicationId, webhookId, deliveryId: delivery!.id });
  assert.equal(again.status, 'pending');
  await until(() => hook.ids.length === 2);
  assert.deepEqual(hook.ids, [delivery!.id, delivery!.id]);

  assert.deepEqual(await client.applicationTokenWebhook.delete({ applicationId, webhookId }), { success: true });
  await rejectsWith(client.applicationTokenWebhook.get({ applicationId, webhookId }), 404, 'NotFound');
});

test("userTokenWebhooks and userTokenWebhook: the same for the user's own tokens", async (t) => {
  const server = await startServer(t, undefined, { allowPrivateWebhooks: true });
  const hook = await receiver(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const created = await client.userTokenWebhooks.post({ webhook: { url: hook.url, events: ['token.created', 'token.deleted'] } });
  assert.equal(created.userId, server.userId);
  const webhookId = created.id;
  assert.deepEqual(
    (await client.userTokenWebhooks.get()).items.map((w) => w.id),
    [webhookId],
  );
  assert.equal((await client.userTokenWebhook.patch({ webhookId, webhook: { enabled: false } })).enabled, false);
  await client.userTokenWebhook.patch({ webhookId, webhook: { enabled: true } });
  assert.match((await client.userTokenWebhook.rotateSecret({ webhookId })).secret, /^whsec_/);
  const mine = await client.userApiTokens.post({ apiToken: { name: 'mine' } });
  await until(async () => (await client.userTokenWebhook.deliveries({ webhookId })).items[0]?.status === 'delivered');
  const [delivery] = (await client.userTokenWebhook.deliveries({ webhookId })).items;
  assert.equal(delivery!.apiTokenId, mine.id);
  assert.equal((await client.userTokenWebhook.redeliver({ webhookId, deliveryId: delivery!.id })).id, delivery!.id);
  const { secret: _secret, lastUpdated: _lastUpdated, ...shown } = created;
  const { lastUpdated: _read, ...read } = await client.userTokenWebhook.get({ webhookId });
  assert.deepEqual(read, shown, 'read back without its secret');
  assert.deepEqual(await client.userTokenWebhook.delete({ webhookId }), { success: true });
  assert.equal((await client.userTokenWebhooks.get()).totalCount, 0);
});
