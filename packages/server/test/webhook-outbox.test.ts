// The outbox is durable and its deliveries are claimed apart: a real server process
// is SIGKILLed after a token write answered 201 and before its webhook delivery
// completed, restarted on the same database, and the event arrives (signed, with
// the same webhook-id); and two nodes on one PostgreSQL schema deliver each of 500
// events exactly once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/port.js';
import { bannerEnd, freePort, listening, parseFirstAdmin, sandbox, waitForStdout } from './helpers/cli.js';
import { freshSchema, postgresSkipReason, postgresUrl } from './helpers/stores.js';
import { startReceiver } from './helpers/webhook-receiver.js';

test('kill -9 between the commit and the delivery: after a restart the event arrives', async (t) => {
  const receiver = await startReceiver(t);
  // Deliveries are held without an answer: the first attempt is in flight when the server dies.
  receiver.respond = () => 'hang';
  const box = await sandbox(t);
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--database', `sqlite:${join(box.dir, 'db.sqlite')}`, '--allow-private-webhooks'];
  let server = box.spawn(args, { timeoutMs: 120_000 });
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  const base = `http://127.0.0.1:${port}/applications/${admin.applicationId}`;
  const headers = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };

  const webhook = await fetch(`${base}/webhooks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: receiver.url, events: ['token.created'] }),
  });
  assert.equal(webhook.status, 201);
  const { id: webhookId, secret } = (await webhook.json()) as { id: string; secret: string };
  receiver.secrets.push(secret);
  const created = await fetch(`${base}/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'Durable' }) });
  assert.equal(created.status, 201, 'the change committed');
  const token = (await created.json()) as { id: string };
  const [first] = await receiver.until((r) => r.length === 1);
  assert.equal(first!.event?.type, 'token.created', 'sent, signed, and not yet answered');

  server.child.kill('SIGKILL');
  assert.equal((await server.exited).signal, 'SIGKILL');
  receiver.respond = () => 204;
  server = box.spawn(args, { timeoutMs: 120_000 });
  await waitForStdout(server, listening);

  const [, again] = await receiver.until((r) => r.length === 2);
  assert.equal(again!.id, first!.id, 'the same webhook-id: the receiver can tell it already has it');
  assert.equal(again!.event?.type, 'token.created');
  assert.equal(again!.event?.data.apiTokenId, token.id);
  assert.equal(again!.secret, secret);
  const deliveries = await fetch(`${base}/webhooks/${webhookId}/deliveries`, { headers });
  const [delivery] = (
    (await deliveries.json()) as { items: Array<{ id: string; status: string; attempts: Array<{ statusCode?: number }> }> }
  ).items;
  assert.equal(delivery!.id, first!.id);
  assert.equal(delivery!.status, 'delivered');
  // The attempt cut short by the kill left no record; the one after the restart did.
  assert.deepEqual(
    delivery!.attempts.map((a) => a.statusCode),
    [204],
  );
  server.child.kill('SIGTERM');
  assert.equal((await server.exited).code, 0);
});

interface Node {
  app: FastifyInstance;
  store: Store;
}

async function startNode(t: TestContext, schema: string): Promise<Node> {
  const store = await openStore(postgresUrl, { schema });
  const app = await buildApp({ store, allowPrivateWebhooks: true, webhooks: { intervalMs: 10, concurrency: 16 } });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return { app, store };
}

test('two PostgreSQL nodes on one schema deliver each of 500 events exactly once', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const schema = await freshSchema(t);
  const a = await startNode(t, schema);
  const b = await startNode(t, schema);
  const boot = await bootstrap(a.store, { email: 'ops@example.com', password: 'ops password', applicationName: 'Fleet' });
  const receiver = await startReceiver(t);
  const auth = { authorization: `Bearer ${boot.token}` };
  const hook = await a.app.inject({
    method: 'POST',
    url: `/applications/${boot.applicationId}/webhooks`,
    headers: auth,
    payload: { url: receiver.url, events: ['token.created'] },
  });
  assert.equal(hook.statusCode, 201, hook.body);
  receiver.secrets.push(hook.json<{ secret: string }>().secret);
  // How many attempts each node recorded (its store tells only its own listeners of them).
  const attempts = { a: 0, b: 0 };
  a.store.subscribe((event) => void (event.kind === 'webhook-deliveries' && event.change === 'attempted' && attempts.a++));
  b.store.subscribe((event) => void (event.kind === 'webhook-deliveries' && event.change === 'attempted' && attempts.b++));

  // 500 token creates, alternating between the nodes, 25 at a time: each enqueues one event.
  const ids = new Set<string>();
  for (let batch = 0; batch < 20; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        (i % 2 ? a : b).app.inject({
          method: 'POST',
          url: `/applications/${boot.applicationId}/tokens`,
          headers: auth,
          payload: { name: `t${batch}-${i}` },
        }),
      ),
    );
    for (const answer of answers) {
      assert.equal(answer.statusCode, 201);
      ids.add(answer.json<{ id: string }>().id);
    }
  }
  assert.equal(ids.size, 500);
  await receiver.until((r) => new Set(r.map((x) => x.id)).size === 500, 60_000);
  // Once every delivery is recorded as delivered, no claim is left: nothing more can be sent.
  const webhookId = hook.json<{ id: string }>().id;
  const deadline = Date.now() + 30_000;
  let deliveries: Array<{ status: string; attemptCount: number }> = [];
  while (Date.now() < deadline) {
    const page = await b.app.inject({
      method: 'GET',
      url: `/applications/${boot.applicationId}/webhooks/${webhookId}/deliveries?perPage=1000`,
      headers: auth,
    });
    deliveries = page.json<{ items: typeof deliveries }>().items;
    if (deliveries.length === 500 && deliveries.every((d) => d.status === 'delivered')) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(deliveries.length, 500);
  assert.ok(
    deliveries.every((d) => d.status === 'delivered' && d.attemptCount === 1),
    'one attempt each',
  );
  const received = receiver.received;
  const webhookIds = received.map((r) => r.id);
  assert.equal(webhookIds.length, 500, 'no event was sent twice');
  assert.equal(new Set(webhookIds).size, 500);
  assert.ok(received.every((r) => r.event?.type === 'token.created'));
  assert.deepEqual(new Set(received.map((r) => r.event!.data.apiTokenId)), ids, 'every token created had its event');
  // Each node woke on its own writes' events: both sent some.
  assert.equal(attempts.a + attempts.b, 500);
  assert.ok(attempts.a > 0 && attempts.b > 0, `both nodes delivered: ${JSON.stringify(attempts)}`);
});
