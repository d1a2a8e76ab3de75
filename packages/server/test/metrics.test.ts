// GET /metrics (--metrics): behind its bearer secret, in Prometheus's text format
// (read with a real parser), counting the traffic sent: requests by route template,
// on Fastify's path and on the early paths, and verifications by outcome code.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { generateToken } from '@latchkey/contract';
import { Metrics } from '../src/metrics/metrics.js';
import { build, type Harness } from './helpers/build.js';
import { parseScrape, type Scrape } from './helpers/metrics-scrape.js';
import { openStore } from '../src/storage/open-store.js';
import { adapters, freshSchema, postgresSkipReason, postgresUrl, skipUnavailable } from './helpers/stores.js';
import { startReceiver } from './helpers/webhook-receiver.js';

const metricsSecret = 'metrics-secret-for-tests';
const introspectionSecret = 'introspection-secret-for-tests';
const requests = 'latchkey_http_request_duration_seconds_count';
const verifications = 'latchkey_verifications_total';
const tokensRoute = '/applications/:applicationId/tokens';

async function setUp(
  t: TestContext,
  metrics = new Metrics({ processMetrics: false }),
  more: Parameters<typeof build>[1] = {},
): Promise<Harness> {
  return build(t, { introspectionSecret, ...more, app: { metrics, metricsSecret } });
}

async function scrape(h: Harness): Promise<Scrape> {
  const response = await h.call(metricsSecret, { method: 'GET', url: '/metrics' });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseScrape(response.body);
}

const verify = (h: Harness, token: string) =>
  h.call(introspectionSecret, { method: 'POST', url: '/verify', payload: { token } }).then((r) => r.json() as { code: string });

test('/metrics answers 401 without its secret, and is not served without one configured', async (t) => {
  const h = await setUp(t);
  for (const token of [undefined, 'wrong', h.userToken, introspectionSecret]) {
    const response = await h.call(token, { method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 401, String(token));
    const body = response.json() as { type: string; message: string };
    assert.equal(body.type, 'Unauthorized');
    assert.match(body.message, /--metrics-secret/);
    assert.doesNotMatch(response.body, /latchkey_/);
  }
  const off = await build(t);
  assert.equal((await off.call(metricsSecret, { method: 'GET', url: '/metrics' })).statusCode, 404, 'off by default');
});

test('requests are counted by route template, method and status; verifications by outcome code', async (t) => {
  const h = await setUp(t);
  const before = await scrape(h);
  const list = () => h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  for (let i = 0; i < 3; i++) assert.equal((await list()).statusCode, 200);
  assert.equal((await h.call(generateToken('user'), { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 401);
  const created = await h.createToken({ name: 'metered', scope: ['all.Application'] });
  assert.equal((await verify(h, created.token)).code, 'VALID');
  assert.equal((await verify(h, created.token)).code, 'VALID');
  assert.equal((await verify(h, generateToken('application'))).code, 'NOT_FOUND');
  const tokenRoute = `${tokensRoute}/:apiTokenId`;
  assert.equal(
    (await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens/${created.id}` })).statusCode,
    200,
  );
  assert.equal((await h.call(undefined, { method: 'GET', url: `/nowhere/${created.id}` })).statusCode, 404);

  const text = (await h.call(metricsSecret, { method: 'GET', url: '/metrics' })).body;
  const after = parseScrape(text);
  const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
  assert.equal(after.types.get('latchkey_http_request_duration_seconds'), 'HISTOGRAM');
  assert.equal(after.types.get(verifications), 'COUNTER');
  assert.equal(delta(requests, { route: tokensRoute, method: 'GET', status: '200' }), 3);
  assert.equal(delta(requests, { route: tokensRoute, method: 'GET', status: '401' }), 1);
  assert.equal(delta(requests, { route: tokensRoute, method: 'POST', status: '201' }), 1);
  assert.equal(delta(requests, { route: '/verify', method: 'POST', status: '200' }), 3);
  assert.equal(delta(requests, { route: tokenRoute, method: 'GET', status: '200' }), 1);
  assert.equal(delta(requests, { route: '(unmatched)', method: 'GET', status: '404' }), 1);
  // The user token authenticated 5 times (3 lists, the create and the get), the new one verified twice.
  assert.equal(delta(verifications, { code: 'VALID' }), 7);
  // An unknown token is counted under no token's usage: it has none.
  assert.equal(delta(verifications, { code: 'NOT_FOUND' }), 0);
  // Route templates only: no id of the traffic appears in any label.
  for (const id of [h.applicationId, created.id]) assert.ok(!text.includes(id), `${id} is in no label`);
  assert.ok(after.labelSets(requests).every((labels) => !labels.route!.includes('0')));
});

test('the verified-token cache counts its hits and misses', async (t) => {
  const h = await setUp(t);
  const created = await h.createToken({ name: 'cached', scope: ['all.Application'] });
  const before = await scrape(h);
  for (let i = 0; i < 3; i++) assert.equal((await verify(h, created.token)).code, 'VALID');
  const after = await scrape(h);
  const lookups = 'latchkey_token_cache_lookups_total';
  const hits = after.value(lookups, { result: 'hit' }) - before.value(lookups, { result: 'hit' });
  const misses = after.value(lookups, { result: 'miss' }) - before.value(lookups, { result: 'miss' });
  assert.equal(hits + misses, 3, 'one lookup per verification');
  assert.ok(hits >= 2, 'the first verification at most reads the store');
});

test('usage batches written are counted, with their lag', async (t) => {
  const h = await setUp(t);
  assert.equal((await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` })).statusCode, 200);
  // Reading usage writes what was counted first.
  const usage = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/usage` });
  assert.equal(usage.statusCode, 200, usage.body);
  const after = await scrape(h);
  assert.ok(after.value('latchkey_usage_batches_total', { result: 'written' }) >= 1);
  assert.equal(after.value('latchkey_usage_batches_total', { result: 'failed' }), 0);
  const lag = after.value('latchkey_usage_batch_lag_seconds');
  assert.ok(lag >= 0 && lag <= 120, `lag ${lag} is within the minute bucket and the flush`);
});

test('the early /verify and the early refusals are counted under their route templates', async (t) => {
  const h = await setUp(t);
  // A hook of Fastify's own sees only the requests that reach Fastify (the scrapes aside).
  let reachedFastify = 0;
  h.app.addHook('onRequest', (request, _reply, done) => {
    if (request.url !== '/metrics') reachedFastify++;
    done();
  });
  const created = await h.createToken({ name: 'early', scope: ['all.Application'] });
  reachedFastify = 0;
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const before = await scrape(h);
  const post = (token: string) =>
    fetch(`${base}/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${introspectionSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  for (let i = 0; i < 2; i++) assert.equal((await post(created.token)).status, 200);
  const garbage = await fetch(`${base}/applications/${h.applicationId}/tokens`, { headers: { authorization: 'Bearer garbage' } });
  assert.equal(garbage.status, 401);
  const after = await scrape(h);
  const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
  assert.equal(delta(requests, { route: '/verify', method: 'POST', status: '200' }), 2);
  assert.equal(delta(requests, { route: tokensRoute, method: 'GET', status: '401' }), 1);
  assert.equal(delta(verifications, { code: 'VALID' }), 2);
  assert.equal(reachedFastify, 0, 'all of it answered ahead of Fastify');
});

test('process metrics are collected, per app registry', async (t) => {
  const h = await setUp(t, new Metrics());
  const other = await setUp(t);
  const scraped = await scrape(h);
  assert.equal(scraped.types.get('process_cpu_user_seconds_total'), 'COUNTER');
  assert.ok(scraped.types.has('nodejs_eventloop_lag_seconds'));
  assert.equal((await scrape(other)).types.has('process_cpu_user_seconds_total'), false, 'registries are not shared');
  // Traffic on one app is not counted on the other.
  const before = (await scrape(other)).value(requests, { route: tokensRoute, method: 'GET', status: '200' });
  await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens` });
  assert.equal((await scrape(other)).value(requests, { route: tokensRoute, method: 'GET', status: '200' }), before);
});

for (const adapter of adapters) {
  test(`webhook deliveries by result, the outbox's depth and its oldest undelivered age (${adapter.name})`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const h = await setUp(t, undefined, {
      store,
      allowPrivateWebhooks: true,
      webhooks: { intervalMs: 10, timeoutMs: 2_000, backoffBaseMs: 600_000, jitter: 0, maxAttempts: 2 },
    });
    const receiver = await startReceiver(t);
    receiver.respond = () => 500;
    const created = await h.call(h.userToken, {
      method: 'POST',
      url: `/applications/${h.applicationId}/webhooks`,
      payload: { url: receiver.url, events: ['token.created'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    receiver.secrets.push(created.json<{ secret: string }>().secret);
    const deliveries = 'latchkey_webhook_deliveries_total';
    const empty = await scrape(h);
    assert.equal(empty.value('latchkey_webhook_outbox_pending'), 0);
    assert.equal(empty.value('latchkey_webhook_outbox_oldest_age_seconds'), 0);

    const enqueuedAt = h.clock.now;
    await h.createToken({ name: 'announced', scope: ['all.Application'] });
    await receiver.until((r) => r.length === 1);
    // The refusal is recorded just after the receiver answered.
    const until = async (what: string, holds: (s: Scrape) => boolean) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const scraped = await scrape(h);
        if (holds(scraped)) return scraped;
        assert.ok(Date.now() < deadline, `never: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await until('the first attempt counted', (s) => s.value(deliveries, { result: 'retrying' }) === 1);
    // Not due yet (the backoff is 10 minutes): it waits in the outbox.
    h.clock.now = enqueuedAt + 90_000;
    const waiting = await scrape(h);
    assert.equal(waiting.value('latchkey_webhook_outbox_pending'), 1);
    assert.equal(waiting.value('latchkey_webhook_outbox_oldest_age_seconds'), 90, 'by the injected clock');
    // Past the backoff (10 minutes), the second and last attempt fails too: given up, nothing pending.
    h.clock.now = enqueuedAt + 600_000;
    await receiver.until((r) => r.length === 2);
    const gaveUp = await until('the last attempt counted', (s) => s.value(deliveries, { result: 'failed' }) === 1);
    assert.equal(gaveUp.value('latchkey_webhook_outbox_pending'), 0);
    assert.equal(gaveUp.value(deliveries, { result: 'delivered' }), 0);

    // Back to the real time: the receiver checks the signature's timestamp against it.
    h.clock.now = Date.now();
    receiver.respond = () => 204;
    await h.createToken({ name: 'delivered', scope: ['all.Application'] });
    const done = await until('delivered', (s) => s.value(deliveries, { result: 'delivered' }) === 1);
    assert.equal(done.value(deliveries, { result: 'retrying' }), 1);
    assert.equal(done.value('latchkey_webhook_outbox_pending'), 0);
    // The pool's gauges: PostgreSQL's pool, or SQLite's one connection; nothing waits once the traffic is done.
    assert.equal(done.value('latchkey_db_pool_waiting'), 0);
    const connections = ['idle', 'busy'].map((state) => done.value('latchkey_db_pool_connections', { state }));
    if (adapter.name === 'sqlite') assert.deepEqual(connections, [1, 0], 'one connection, idle between requests');
    else assert.ok(connections[0]! + connections[1]! >= 1, 'the queries left connections in the pool');
  });
}

test("another node's writes are counted as they arrive, with the longest lag (PostgreSQL); none on SQLite", async (t) => {
  const single = await scrape(await setUp(t));
  assert.equal(single.types.has('latchkey_peer_notifications_total'), false, 'SQLite: no other nodes');
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const schema = await freshSchema(t);
  const a = await setUp(t, undefined, { store: await openStore(postgresUrl, { schema }) });
  const b = await setUp(t, undefined, { store: await openStore(postgresUrl, { schema }) });
  const received = 'latchkey_peer_notifications_total';
  const before = (await scrape(b)).value(received);
  await a.createToken({ name: 'from a', scope: ['all.Application'] });
  const deadline = Date.now() + 10_000;
  let scraped = await scrape(b);
  while (scraped.value(received) === before) {
    assert.ok(Date.now() < deadline, "never: b received a's write");
    await new Promise((resolve) => setTimeout(resolve, 10));
    scraped = await scrape(b);
  }
  assert.equal(scraped.types.get(received), 'COUNTER');
  assert.equal(scraped.types.get('latchkey_peer_notification_lag_max_seconds'), 'GAUGE');
  assert.ok(scraped.value('latchkey_peer_notification_lag_max_seconds') >= 0);
  // Its own writes are not notifications to itself.
  const own = (await scrape(a)).value(received);
  await a.createToken({ name: 'again from a', scope: ['all.Application'] });
  assert.equal((await scrape(a)).value(received), own);
});
