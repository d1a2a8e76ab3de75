// Signed webhooks on token events, through HTTP: the webhook resources (the signing
// secret shown at creation and rotation only), the events of token writes as a
// receiver on loopback gets them (each verified with the standardwebhooks package),
// retries with backoff and giving up, the deliveries list and redelivery, and the
// refusal of URLs that reach loopback, private or link-local addresses.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@latchkey/contract';
import type { AppOptions } from '../src/app-options.js';
import { build, type Harness } from './helpers/build.js';
import { githubSigner } from './helpers/github-scanning.js';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.js';

interface CreatedWebhook {
  id: string;
  webhookId: string;
  applicationId?: string;
  userId?: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string;
  creationDate: string;
  lastUpdated: string;
  secret: string;
}

interface Delivery {
  id: string;
  deliveryId: string;
  webhookId: string;
  eventType: string;
  apiTokenId: string;
  status: string;
  attemptCount: number;
  nextAttemptDate?: string;
  deliveredDate?: string;
  creationDate: string;
  attempts: Array<{ date: string; statusCode?: number; latencyMs: number; error?: string }>;
}

/** Fast polling and short waits; the clock is the harness's (moved by the tests). */
const fast = { intervalMs: 10, timeoutMs: 2_000, backoffBaseMs: 1_000, jitter: 0 };

async function harness(t: TestContext, webhooks: AppOptions['webhooks'] = fast) {
  const h = await build(t, { allowPrivateWebhooks: true, webhooks, introspectionSecret: 'webhook-tests-secret' });
  const receiver = await startReceiver(t);
  return { h, receiver };
}

async function createWebhook(
  h: Harness,
  receiver: Receiver,
  body: Record<string, unknown> = {},
  base = `/applications/${h.applicationId}/webhooks`,
): Promise<CreatedWebhook> {
  const response = await h.call(h.userToken, {
    method: 'POST',
    url: base,
    payload: { url: receiver.url, events: ['token.created', 'token.updated', 'token.deleted'], ...body },
  });
  assert.equal(response.statusCode, 201, response.body);
  const created = response.json<CreatedWebhook>();
  receiver.secrets.push(created.secret);
  return created;
}

async function deliveriesOf(h: Harness, webhookId: string, base = `/applications/${h.applicationId}/webhooks`): Promise<Delivery[]> {
  const response = await h.call(h.userToken, { method: 'GET', url: `${base}/${webhookId}/deliveries?sortDirection=asc` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ items: Delivery[] }>().items;
}

/** Waits until the webhook's deliveries satisfy `predicate`. */
async function deliveriesUntil(
  h: Harness,
  webhookId: string,
  predicate: (deliveries: Delivery[]) => boolean,
  base?: string,
): Promise<Delivery[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const deliveries = await deliveriesOf(h, webhookId, base);
    if (predicate(deliveries)) return deliveries;
    if (Date.now() > deadline) throw new Error(`deliveries never satisfied the test: ${JSON.stringify(deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('webhooks are created, listed, read, patched, rotated and deleted; the secret is shown at creation and rotation only', async (t) => {
  const { h, receiver } = await harness(t);
  const base = `/applications/${h.applicationId}/webhooks`;
  const created = await createWebhook(h, receiver, { description: 'ops', events: ['token.expiring', 'token.created'] });
  assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.deepEqual(
    { ...created, id: typeof created.id, creationDate: typeof created.creationDate, lastUpdated: typeof created.lastUpdated },
    {
      id: 'string',
      webhookId: created.id,
      applicationId: h.applicationId,
      url: receiver.url,
      events: ['token.created', 'token.expiring'],
      enabled: true,
      description: 'ops',
      creationDate: 'string',
      lastUpdated: 'string',
      secret: created.secret,
    },
  );
  const { secret, ...shown } = created;
  const get = await h.call(h.userToken, { method: 'GET', url: `${base}/${created.id}` });
  assert.equal(get.statusCode, 200);
  assert.deepEqual(get.json(), shown, 'read back without its secret');
  const list = await h.call(h.userToken, { method: 'GET', url: base });
  assert.deepEqual(list.json(), {
    items: [shown],
    count: 1,
    totalCount: 1,
    perPage: 100,
    page: 0,
    sortField: 'creationDate',
    sortDirection: 'asc',
  });

  h.clock.now += 1000;
  const patched = await h.call(h.userToken, {
    method: 'PATCH',
    url: `${base}/${created.id}`,
    payload: { url: `${receiver.url}/v2`, events: ['token.deleted'], enabled: false, description: 'paused' },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json(), {
    ...shown,
    url: `${receiver.url}/v2`,
    events: ['token.deleted'],
    enabled: false,
    description: 'paused',
    lastUpdated: new Date(h.clock.now).toISOString(),
  });

  const rotated = await h.call(h.userToken, { method: 'POST', url: `${base}/${created.id}/rotate-secret` });
  assert.equal(rotated.statusCode, 201);
  const newSecret = rotated.json<CreatedWebhook>().secret;
  assert.match(newSecret, /^whsec_/);
  assert.notEqual(newSecret, secret);
  for (const answer of [
    await h.call(h.userToken, { method: 'GET', url: `${base}/${created.id}` }),
    await h.call(h.userToken, { method: 'GET', url: base }),
    patched,
  ]) {
    assert.doesNotMatch(answer.body, /whsec_|"secret"/, 'never read back');
  }

  // Every write is in the application's audit trail.
  const audit = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/audit-logs?perPage=100` });
  const actions = audit.json<{ items: Array<{ action: string; targetType: string; targetId?: string }> }>().items;
  for (const action of ['applicationTokenWebhook.create', 'applicationTokenWebhook.update', 'applicationTokenWebhook.rotateSecret']) {
    assert.ok(
      actions.some((a) => a.action === action && a.targetType === 'webhook' && a.targetId === created.id),
      action,
    );
  }

  const deleted = await h.call(h.userToken, { method: 'DELETE', url: `${base}/${created.id}` });
  assert.deepEqual(deleted.json(), { success: true });
  for (const request of [
    { method: 'GET', url: `${base}/${created.id}` },
    { method: 'PATCH', url: `${base}/${created.id}`, payload: { enabled: true } },
    { method: 'DELETE', url: `${base}/${created.id}` },
    { method: 'POST', url: `${base}/${created.id}/rotate-secret` },
    { method: 'GET', url: `${base}/${created.id}/deliveries` },
    { method: 'POST', url: `${base}/${created.id}/deliveries/${newId()}/redeliver` },
  ] as const) {
    const answer = await h.call(h.userToken, request);
    assert.equal(answer.statusCode, 404, `${request.method} ${request.url}`);
    assert.deepEqual(answer.json(), { type: 'NotFound', message: 'Webhook was not found' });
  }
});

test('webhook bodies and URLs are validated with messages that say what to fix', async (t) => {
  const { h } = await harness(t);
  const base = `/applications/${h.applicationId}/webhooks`;
  const post = (payload: Record<string, unknown>) => h.call(h.userToken, { method: 'POST', url: base, payload });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ url: 'not a url', events: ['token.created'] }, /absolute http or https URL/],
    [{ url: 'ftp://example.com/', events: ['token.created'] }, /http or https, not ftp:/],
    [{ url: 'https://user:pass@example.com/', events: ['token.created'] }, /must not hold credentials/],
    [{ url: 'https://example.com/', events: [] }, /events/],
    [{ url: 'https://example.com/', events: ['token.exploded'] }, /token\.exploded/],
    [{ url: 'https://example.com/', events: ['token.created', 'token.created'] }, /events/],
    [{ url: 'https://example.com/' }, /events/],
    [{ url: 'https://example.com/', events: ['token.created'], secret: 'whsec_mine' }, /secret/],
  ];
  for (const [payload, message] of cases) {
    const answer = await post(payload);
    assert.equal(answer.statusCode, 400, JSON.stringify(payload));
    assert.equal(answer.json().type, 'Validation');
    assert.match(answer.json().message, message, JSON.stringify(payload));
  }
  // At most 20 per application.
  for (let i = 0; i < 20; i++) assert.equal((await post({ url: `https://example.com/${i}`, events: ['token.created'] })).statusCode, 201);
  const over = await post({ url: 'https://example.com/21', events: ['token.created'] });
  assert.equal(over.statusCode, 400);
  assert.match(over.json().message, /already 20 webhooks/);
});

test("a token's create, update and delete reach the webhook, signed (standardwebhooks verifies each), without a secret", async (t) => {
  const { h, receiver } = await harness(t);
  const webhook = await createWebhook(h, receiver);
  const ignored = await createWebhook(h, receiver, { events: ['token.expiring'] });
  const paused = await createWebhook(h, receiver, { enabled: false });
  const created = await h.createToken({ name: 'Watched', expirationDate: new Date(h.clock.now + 86_400_000).toISOString() });
  h.clock.now += 1;
  const patch = await h.call(h.userToken, {
    method: 'PATCH',
    url: `/applications/${h.applicationId}/tokens/${created.id}`,
    payload: { name: 'Renamed', status: 'inactive' },
  });
  assert.equal(patch.statusCode, 200);
  h.clock.now += 1;
  const remove = await h.call(h.userToken, { method: 'DELETE', url: `/applications/${h.applicationId}/tokens/${created.id}` });
  assert.equal(remove.statusCode, 200);

  const received = await receiver.until((r) => r.length >= 3);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 3, 'only the webhook on these events, enabled, got them');
  assert.ok(
    received.every((r) => r.event !== undefined && r.secret === webhook.secret),
    "each verified with the webhook's secret",
  );
  assert.deepEqual(received.map((r) => r.event!.type).sort(), ['token.created', 'token.deleted', 'token.updated']);
  const byType = new Map(received.map((r) => [r.event!.type, r]));
  const audit = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/audit-logs?perPage=100` });
  const entries = audit.json<{ items: Array<{ id: string; action: string; targetId?: string }> }>().items;
  for (const [type, action] of [
    ['token.created', 'applicationApiToken.create'],
    ['token.updated', 'applicationApiToken.update'],
    ['token.deleted', 'applicationApiToken.delete'],
  ] as const) {
    const entry = entries.find((e) => e.action === action && e.targetId === created.id)!;
    assert.equal(byType.get(type)!.id, entry.id, `${type}: webhook-id is the audit entry's id`);
    assert.equal(byType.get(type)!.event!.data.auditLogId, entry.id);
  }
  assert.deepEqual(byType.get('token.deleted')!.event, {
    type: 'token.deleted',
    timestamp: new Date(h.clock.now).toISOString(),
    data: {
      apiTokenId: created.id,
      ownerType: 'application',
      ownerId: h.applicationId,
      applicationId: h.applicationId,
      name: 'Renamed',
      status: 'inactive',
      expirationDate: created.expirationDate,
      auditLogId: byType.get('token.deleted')!.id,
      actorType: 'apiToken',
      actorId: await userTokenId(h),
    },
  });
  assert.equal(byType.get('token.created')!.event!.data.name, 'Watched');
  for (const r of received) {
    assert.ok(!r.body.includes(created.token), 'the token string is never sent');
    assert.doesNotMatch(r.body, /hash|lka_|lku_|whsec_/);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(r.signature, /^v1,[A-Za-z0-9+/]+=*$/);
  }

  const deliveries = await deliveriesUntil(h, webhook.id, (d) => d.every((x) => x.status === 'delivered'));
  assert.equal(deliveries.length, 3);
  for (const d of deliveries) {
    assert.equal(d.attemptCount, 1);
    assert.equal(d.attempts.length, 1);
    assert.equal(d.attempts[0]!.statusCode, 204);
    assert.equal(typeof d.attempts[0]!.latencyMs, 'number');
    assert.equal(d.apiTokenId, created.id);
    assert.equal(d.deliveredDate, d.attempts[0]!.date);
  }
  assert.deepEqual(await deliveriesOf(h, ignored.id), []);
  assert.deepEqual(await deliveriesOf(h, paused.id), [], 'a disabled webhook is sent nothing');
});

/** The id of the harness's user token (the actor of its writes). */
async function userTokenId(h: Harness): Promise<string> {
  const list = await h.call(h.userToken, { method: 'GET', url: '/me/tokens' });
  return list.json<{ items: Array<{ id: string }> }>().items[0]!.id;
}

test("a user's webhooks (/me/webhooks) get the events of the user's own tokens, and only those", async (t) => {
  const { h, receiver } = await harness(t);
  const mine = await createWebhook(h, receiver, { events: ['token.created', 'token.deleted'] }, '/me/webhooks');
  assert.equal(mine.userId, h.userId);
  assert.equal(mine.applicationId, undefined);
  const listed = await h.call(h.userToken, { method: 'GET', url: '/me/webhooks' });
  assert.deepEqual(
    listed.json<{ items: Array<{ id: string }> }>().items.map((w) => w.id),
    [mine.id],
  );
  const created = await h.call(h.userToken, { method: 'POST', url: '/me/tokens', payload: { name: 'Personal' } });
  assert.equal(created.statusCode, 201);
  const personal = created.json<{ id: string; token: string }>();
  await h.createToken({ name: 'An application token' });
  // Deliveries list by creation: the delete a millisecond later.
  h.clock.now += 1;
  await h.call(h.userToken, { method: 'DELETE', url: `/me/tokens/${personal.id}` });
  const received = await receiver.until((r) => r.length >= 2);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 2);
  // Deliveries are sent side by side: receivers must not rely on their order.
  assert.deepEqual(received.map((r) => [r.event?.type, r.event?.data.apiTokenId, r.event?.data.ownerType, r.event?.data.ownerId]).sort(), [
    ['token.created', personal.id, 'user', h.userId],
    ['token.deleted', personal.id, 'user', h.userId],
  ]);
  assert.equal(received[0]!.event!.data.applicationId, undefined);
  const deliveries = await deliveriesUntil(h, mine.id, (d) => d.length === 2 && d.every((x) => x.status === 'delivered'), '/me/webhooks');
  assert.deepEqual(
    deliveries.map((d) => d.eventType),
    ['token.created', 'token.deleted'],
  );
  // Redelivered through /me too.
  const again = await h.call(h.userToken, { method: 'POST', url: `/me/webhooks/${mine.id}/deliveries/${deliveries[0]!.id}/redeliver` });
  assert.equal(again.statusCode, 200, again.body);
  await receiver.until((r) => r.length === 3);
  assert.equal(receiver.received[2]!.id, deliveries[0]!.id);
});

test('a refused delivery is retried with exponential backoff until a 2xx; every attempt is listed', async (t) => {
  const { h, receiver } = await harness(t);
  const webhook = await createWebhook(h, receiver, { events: ['token.created'] });
  let answers = [500, 503];
  receiver.respond = () => answers.shift() ?? 200;
  const started = h.clock.now;
  await h.createToken({ name: 'Retried' });
  let [delivery] = await deliveriesUntil(h, webhook.id, (d) => d[0]?.attemptCount === 1);
  assert.equal(delivery!.status, 'pending');
  assert.deepEqual(
    delivery!.attempts.map((a) => [a.statusCode, a.error]),
    [[500, 'HTTP 500']],
  );
  // The first wait is the base (1 s here), then it doubles.
  assert.equal(delivery!.nextAttemptDate, new Date(started + 1000).toISOString());
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(receiver.received.length, 1, 'nothing is sent before it is due');
  h.clock.now = started + 1000;
  [delivery] = await deliveriesUntil(h, webhook.id, (d) => d[0]?.attemptCount === 2);
  assert.equal(delivery!.nextAttemptDate, new Date(started + 1000 + 2000).toISOString());
  h.clock.now = started + 3000;
  [delivery] = await deliveriesUntil(h, webhook.id, (d) => d[0]?.status === 'delivered');
  assert.deepEqual(
    delivery!.attempts.map((a) => [a.statusCode, a.error, a.date]),
    [
      [500, 'HTTP 500', new Date(started).toISOString()],
      [503, 'HTTP 503', new Date(started + 1000).toISOString()],
      [200, undefined, new Date(started + 3000).toISOString()],
    ],
  );
  assert.equal(delivery!.attemptCount, 3);
  assert.equal(delivery!.nextAttemptDate, undefined);
  assert.equal(new Set(receiver.received.map((r) => r.id)).size, 1, 'the same webhook-id on every attempt');
  assert.ok(receiver.received.every((r) => r.event));
  answers = [];
});

test('a delivery is given up after its last attempt, recorded as failed; a timeout is an attempt too; redelivery sends it again', async (t) => {
  const { h, receiver } = await harness(t, { ...fast, maxAttempts: 3, timeoutMs: 200 });
  const webhook = await createWebhook(h, receiver, { events: ['token.created'] });
  let failing = true;
  receiver.respond = () => (failing ? (receiver.received.length === 1 ? 'hang' : 500) : 204);
  const started = h.clock.now;
  await h.createToken({ name: 'Doomed' });
  await deliveriesUntil(h, webhook.id, (d) => d[0]?.attemptCount === 1);
  h.clock.now = started + 1000;
  await deliveriesUntil(h, webhook.id, (d) => d[0]?.attemptCount === 2);
  h.clock.now = started + 3000;
  const [failed] = await deliveriesUntil(h, webhook.id, (d) => d[0]?.status === 'failed');
  assert.equal(failed!.attemptCount, 3);
  assert.equal(failed!.nextAttemptDate, undefined);
  assert.deepEqual(
    failed!.attempts.map((a) => [a.statusCode, a.error]),
    [
      [undefined, 'no answer within 200 ms'],
      [500, 'HTTP 500'],
      [500, 'HTTP 500'],
    ],
  );
  h.clock.now += 60_000;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(receiver.received.length, 3, 'given up: never sent again by itself');

  failing = false;
  const base = `/applications/${h.applicationId}/webhooks/${webhook.id}`;
  const redelivered = await h.call(h.userToken, { method: 'POST', url: `${base}/deliveries/${failed!.id}/redeliver` });
  assert.equal(redelivered.statusCode, 200, redelivered.body);
  assert.deepEqual(
    [redelivered.json<Delivery>().status, redelivered.json<Delivery>().attemptCount, redelivered.json<Delivery>().attempts.length],
    ['pending', 0, 3],
  );
  const [delivered] = await deliveriesUntil(h, webhook.id, (d) => d[0]?.status === 'delivered');
  assert.equal(delivered!.attempts.length, 4);
  assert.equal(delivered!.attempts[3]!.statusCode, 204);
  assert.equal(receiver.received.at(-1)!.id, failed!.id, 'the same webhook-id');
  const unknown = await h.call(h.userToken, { method: 'POST', url: `${base}/deliveries/${newId()}/redeliver` });
  assert.deepEqual(unknown.json(), { type: 'NotFound', message: 'Delivery was not found' });
  const audit = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/audit-logs?perPage=100` });
  assert.ok(audit.json<{ items: Array<{ action: string }> }>().items.some((e) => e.action === 'applicationTokenWebhookDelivery.redeliver'));
});

test('after rotate-secret, deliveries are signed with the new secret, not the old', async (t) => {
  const { h, receiver } = await harness(t);
  const webhook = await createWebhook(h, receiver, { events: ['token.created'] });
  const rotated = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/webhooks/${webhook.id}/rotate-secret`,
  });
  const newSecret = rotated.json<CreatedWebhook>().secret;
  receiver.secrets.push(newSecret);
  await h.createToken({ name: 'After the rotation' });
  const [received] = await receiver.until((r) => r.length === 1);
  assert.equal(received!.secret, newSecret);
});

test('webhook URLs that reach loopback, private or link-local addresses are refused, naming --allow-private-webhooks', async (t) => {
  const h = await build(t);
  const base = `/applications/${h.applicationId}/webhooks`;
  const post = (url: string) => h.call(h.userToken, { method: 'POST', url: base, payload: { url, events: ['token.created'] } });
  for (const [url, what] of [
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://localhost/hook', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['https://192.168.1.10/', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::1]/', 'loopback'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique local'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
  ] as const) {
    const answer = await post(url);
    assert.equal(answer.statusCode, 400, url);
    assert.equal(answer.json().type, 'Validation');
    assert.match(answer.json().message, new RegExp(what), url);
    assert.match(answer.json().message, /--allow-private-webhooks/, url);
  }
  // A public address is taken (an IP literal: nothing to resolve).
  const made = await post('https://93.184.215.14/hooks');
  assert.equal(made.statusCode, 201, made.body);
  const patch = await h.call(h.userToken, {
    method: 'PATCH',
    url: `${base}/${made.json<{ id: string }>().id}`,
    payload: { url: 'http://192.168.0.1/' },
  });
  assert.equal(patch.statusCode, 400);
  assert.match(patch.json().message, /private address: webhooks are sent to public addresses only/);
});

test('a webhook whose URL reaches a private address by delivery time is not sent to; the attempt says why', async (t) => {
  // A server without --allow-private-webhooks; the stored URL stands for a name whose DNS answer changed since it was checked.
  const h = await build(t, { webhooks: fast });
  const receiver = await startReceiver(t);
  const at = h.clock.now;
  const stored = {
    id: newId(at),
    ownerType: 'application' as const,
    ownerId: h.applicationId,
    url: receiver.url,
    secret: 'whsec_dGVzdC1zZWNyZXQtb2YtMjQtYnl0ZXMh',
    events: ['token.created' as const],
    enabled: true,
    description: '',
    createdAt: at,
    updatedAt: at,
  };
  assert.equal(await h.store.createWebhook(stored), true);
  const localhost = { ...stored, id: newId(at), url: `http://localhost:${receiver.port}/hooks` };
  assert.equal(await h.store.createWebhook(localhost), true);
  await h.createToken({ name: 'Not sent' });
  for (const webhook of [stored, localhost]) {
    const [delivery] = await deliveriesUntil(h, webhook.id, (d) => d[0]?.attemptCount === 1);
    assert.equal(delivery!.attempts[0]!.statusCode, undefined);
    assert.match(delivery!.attempts[0]!.error!, /loopback address: webhooks are sent to public addresses only/);
  }
  assert.equal(receiver.received.length, 0);
});

test('token.expiring is sent 7 days and 1 day before expirationDate, each once (injected clock)', async (t) => {
  const { h, receiver } = await harness(t, { ...fast, expiryScan: { intervalMs: 10 } });
  const day = 86_400_000;
  const webhook = await createWebhook(h, receiver, { events: ['token.expiring'] });
  const now = h.clock.now;
  // Already within 7 days; within 1 day; 2 minutes short of the 7-day mark; far away; inactive.
  const inSix = await h.createToken({ name: 'six days', expirationDate: new Date(now + 6 * day).toISOString() });
  const inHours = await h.createToken({ name: 'hours', expirationDate: new Date(now + 12 * 3_600_000).toISOString() });
  const soon = await h.createToken({ name: 'soon', expirationDate: new Date(now + 7 * day + 120_000).toISOString() });
  await h.createToken({ name: 'far', expirationDate: new Date(now + 30 * day).toISOString() });
  await h.createToken({ name: 'inactive', status: 'inactive', expirationDate: new Date(now + 3 * day).toISOString() });
  const first = await receiver.until((r) => r.length >= 2);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 2, 'no repeat while the clock stands still: each scan covers only what crossed since');
  const of = (received: typeof first) =>
    received
      .map((r) => [r.event?.type, r.event?.data.name, r.event?.data.expiresWithin])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  assert.deepEqual(of(first), [
    ['token.expiring', 'hours', 86_400],
    ['token.expiring', 'six days', 604_800],
  ]);
  assert.deepEqual(new Set(first.map((r) => r.event?.data.apiTokenId)), new Set([inSix.id, inHours.id]));
  // Three minutes on, 'soon' crosses its 7-day mark.
  h.clock.now = now + 180_000;
  await receiver.until((r) => r.length >= 3);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 3);
  assert.deepEqual(of([receiver.received[2]!]), [['token.expiring', 'soon', 604_800]]);
  assert.equal(receiver.received[2]!.event!.data.apiTokenId, soon.id);
  assert.ok(receiver.received.every((r) => r.event));
  assert.equal((await deliveriesOf(h, webhook.id)).length, 3);
});

test('token.expiring is enqueued once even when scans repeat (a restart, another node)', async (t) => {
  const { h, receiver } = await harness(t, { ...fast, expiryScan: { intervalMs: 10 } });
  const webhook = await createWebhook(h, receiver, { events: ['token.expiring'] });
  await h.createToken({ name: 'expiring', expirationDate: new Date(h.clock.now + 3 * 86_400_000).toISOString() });
  await receiver.until((r) => r.length === 1);
  // A second app on the same store scans from scratch (as a restarted node does).
  const { buildApp } = await import('../src/app.js');
  const second = await buildApp({
    store: h.store,
    now: () => h.clock.now,
    allowPrivateWebhooks: true,
    webhooks: { ...fast, expiryScan: { intervalMs: 10 } },
  });
  t.after(() => second.close());
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await deliveriesOf(h, webhook.id)).length, 1);
  assert.equal(receiver.received.length, 1);
});

test('token.credits_low is sent when a spend takes the balance to 20%, 10% and 0% of its base, each once', async (t) => {
  const { h, receiver } = await harness(t);
  await createWebhook(h, receiver, { events: ['token.credits_low'] });
  const metered = await h.createToken({ name: 'metered', credits: { remaining: 10 } });
  const refilled = await h.createToken({ name: 'refilled', credits: { remaining: 5, refill: { amount: 50, interval: 'daily' } } });
  const verify = (token: string, cost?: number) =>
    h.app.inject({
      method: 'POST',
      url: '/verify',
      headers: { authorization: 'Bearer webhook-tests-secret' },
      payload: { token, ...(cost === undefined ? {} : { cost }) },
    });
  const codes: string[] = [];
  for (let i = 0; i < 11; i++) codes.push((await verify(metered.token)).json().code);
  assert.deepEqual(codes, [...Array(10).fill('VALID'), 'USAGE_EXCEEDED']);
  // Of the refill amount (50): 5 is 10% already; a spend of 5 reaches 0%.
  assert.equal((await verify(refilled.token, 5)).json().code, 'VALID');
  const received = await receiver.until((r) => r.length >= 4);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 4);
  const lows = received
    .map((r) => r.event!.data)
    .map((d) => [d.name, d.threshold, d.remaining, d.creditsBase])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(b[1]) - Number(a[1]));
  assert.deepEqual(lows, [
    ['metered', 20, 2, 10],
    ['metered', 10, 1, 10],
    ['metered', 0, 0, 10],
    ['refilled', 0, 0, 50],
  ]);
  assert.ok(received.every((r) => r.event?.type === 'token.credits_low' && r.event.data.apiTokenId));
});

test('token.rate_limited is sent at most once per token, limit and window', async (t) => {
  const { h, receiver } = await harness(t);
  await createWebhook(h, receiver, { events: ['token.rate_limited'] });
  const minute = 60_000;
  // The window boundaries are the epoch's; start just inside one.
  h.clock.now = Math.floor(h.clock.now / minute) * minute + 10;
  const limited = await h.createToken({ name: 'limited', ratelimits: [{ name: 'per-minute', limit: 2, duration: minute }] });
  const verify = () =>
    h.app.inject({
      method: 'POST',
      url: '/verify',
      headers: { authorization: 'Bearer webhook-tests-secret' },
      payload: { token: limited.token },
    });
  const codes: string[] = [];
  for (let i = 0; i < 6; i++) codes.push((await verify()).json().code);
  assert.deepEqual(codes, ['VALID', 'VALID', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  await receiver.until((r) => r.length >= 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 1, 'four refusals in one window: one event');
  const windowEnd = Math.floor(h.clock.now / minute) * minute + minute;
  assert.deepEqual(receiver.received[0]!.event!.data.ratelimit, {
    name: 'per-minute',
    limit: 2,
    duration: minute,
    reset: new Date(windowEnd).toISOString(),
  });
  // The next window (the previous one's weight refuses at once): another event.
  h.clock.now = windowEnd + 1;
  let code = '';
  while (code !== 'RATE_LIMITED') code = (await verify()).json().code;
  await verify();
  await receiver.until((r) => r.length >= 2);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 2);
  assert.equal((receiver.received[1]!.event!.data.ratelimit as { reset: string }).reset, new Date(windowEnd + minute).toISOString());
});

test("latchkey's own API's 429 for a token's limits sends token.rate_limited too, once per window with /verify's", async (t) => {
  const { h, receiver } = await harness(t);
  await createWebhook(h, receiver, { events: ['token.rate_limited'] });
  const minute = 60_000;
  h.clock.now = Math.floor(h.clock.now / minute) * minute + 10;
  const limited = await h.createToken({
    name: 'limited',
    scope: ['all.Application'],
    ratelimits: [{ name: 'api', limit: 1, duration: minute }],
  });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++)
    statuses.push((await h.call(limited.token, { method: 'GET', url: `/applications/${h.applicationId}` })).statusCode);
  assert.deepEqual(statuses, [200, 429, 429]);
  await receiver.until((r) => r.length >= 1);
  assert.equal(receiver.received[0]!.event!.data.apiTokenId, limited.id, "the API's 429 sent it");
  const refused = await h.app.inject({
    method: 'POST',
    url: '/verify',
    headers: { authorization: 'Bearer webhook-tests-secret' },
    payload: { token: limited.token },
  });
  assert.equal(refused.json().code, 'RATE_LIMITED');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.received.length, 1, 'two 429s and a RATE_LIMITED in one window: one event');
  assert.equal((receiver.received[0]!.event!.data.ratelimit as { name: string }).name, 'api');
});

test('a rotation, a revocation by the holder and a leak GitHub reports reach the webhook as token.rotated, token.revoked, token.leaked', async (t) => {
  const signer = githubSigner(t);
  const h = await build(t, {
    allowPrivateWebhooks: true,
    webhooks: fast,
    introspectionSecret: 'webhook-tests-secret',
    app: { githubScanningKeys: signer.keys },
  });
  const receiver = await startReceiver(t);
  await createWebhook(h, receiver, { events: ['token.rotated', 'token.revoked', 'token.leaked'] });
  const [rotated, revoked, leaked] = [
    await h.createToken({ name: 'rotated' }),
    await h.createToken({ name: 'revoked' }),
    await h.createToken({ name: 'leaked' }),
  ];

  const rotate = await h.call(h.userToken, {
    method: 'POST',
    url: `/applications/${h.applicationId}/tokens/${rotated.id}/rotate`,
    payload: { gracePeriod: 60 },
  });
  assert.equal(rotate.statusCode, 201, rotate.body);
  const revoke = await h.app.inject({ method: 'POST', url: '/revoke', payload: { token: revoked.token } });
  assert.equal(revoke.statusCode, 200, revoke.body);
  const report = JSON.stringify([{ token: leaked.token, type: 'latchkey_application_token', url: 'https://github.com/o/r/blob/x/env' }]);
  const scan = await h.app.inject({ method: 'POST', url: '/secret-scanning/github', payload: report, headers: signer.headers(report) });
  assert.equal(scan.statusCode, 200, scan.body);
  // Each write's time is after the token's last change (lastUpdated moves forward): let the clock pass it.
  h.clock.now += 10;

  const received = await receiver.until((r) => r.length >= 3);
  assert.ok(
    received.every((r) => r.event !== undefined),
    'each verified with the webhook secret',
  );
  const byType = new Map(received.map((r) => [r.event!.type, r.event!.data]));
  assert.deepEqual([...byType.keys()].sort(), ['token.leaked', 'token.revoked', 'token.rotated']);
  assert.equal(byType.get('token.rotated')!.apiTokenId, rotated.id);
  assert.equal(byType.get('token.revoked')!.apiTokenId, revoked.id);
  assert.equal(byType.get('token.revoked')!.status, 'inactive');
  assert.equal(byType.get('token.revoked')!.actorType, 'apiToken', 'revoked by its holder');
  assert.equal(byType.get('token.leaked')!.apiTokenId, leaked.id);
  assert.equal(byType.get('token.leaked')!.status, 'inactive', 'deactivated by the default leakPolicy');
  const secrets = [rotated.token, rotate.json().token as string, revoked.token, leaked.token];
  for (const r of received) for (const secret of secrets) assert.ok(!r.body.includes(secret), 'no token string is sent');
});
