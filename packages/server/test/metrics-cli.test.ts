// `latchkey serve` with metrics, spawned: --metrics needs --metrics-secret, and
// --metrics-port serves /metrics alone on another port. Log lines carry the request's id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bannerEnd, freePort, listening, listTokens, parseFirstAdmin, sandbox, stopsCleanly, waitForStdout } from './helpers/cli.js';
import { parseScrape } from './helpers/metrics-scrape.js';

const requests = 'latchkey_http_request_duration_seconds_count';

test('serve --metrics without --metrics-secret refuses to start, saying what to add', async (t) => {
  const box = await sandbox(t);
  const result = await box.run(['serve', '--metrics', '--port', String(await freePort()), '--database', `sqlite:${join(box.dir, 'x.db')}`]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /--metrics-secret/);
  assert.doesNotMatch(result.stdout, /listening/);
});

test('serve --metrics --metrics-secret serves /metrics on the API port to the secret only', async (t) => {
  const box = await sandbox(t);
  const port = await freePort();
  const secret = 'scrape-me-please';
  const server = box.spawn([
    'serve',
    '--port',
    String(port),
    '--database',
    `sqlite:${join(box.dir, 'x.db')}`,
    '--metrics',
    '--metrics-secret',
    secret,
  ]);
  await waitForStdout(server, listening);
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  assert.equal((await listTokens(port, admin.applicationId, admin.token)).status, 200);
  const url = `http://127.0.0.1:${port}/metrics`;
  assert.equal((await fetch(url)).status, 401);
  assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const scraped = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(scraped.status, 200);
  const metrics = parseScrape(await scraped.text());
  assert.equal(metrics.value(requests, { route: '/applications/:applicationId/tokens', method: 'GET', status: '200' }), 1);
  assert.equal(metrics.types.get('process_cpu_user_seconds_total'), 'COUNTER');
  assert.ok(!server.stdout.includes(secret), 'the secret is never logged');
  await stopsCleanly(server, 'SIGTERM');
});

test('serve --metrics-port serves /metrics alone on its own port; log lines carry the request id', async (t) => {
  const box = await sandbox(t);
  const [port, metricsPort] = [await freePort(), await freePort()];
  const server = box.spawn([
    'serve',
    '--port',
    String(port),
    '--database',
    `sqlite:${join(box.dir, 'x.db')}`,
    '--metrics-port',
    String(metricsPort),
  ]);
  await waitForStdout(server, listening);
  await waitForStdout(server, bannerEnd);
  const admin = parseFirstAdmin(server.stdout);
  const listed = await fetch(`http://127.0.0.1:${port}/applications/${admin.applicationId}/tokens`, {
    headers: { authorization: `Bearer ${admin.token}`, 'x-request-id': 'trace-me:42' },
  });
  assert.equal(listed.status, 200);
  assert.equal(listed.headers.get('x-request-id'), 'trace-me:42');
  await waitForStdout(server, /"reqId":"trace-me:42".*"statusCode":200/);

  assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, 'not on the API port');
  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/applications`)).status, 404, 'nothing else on the metrics port');
  const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(scraped.status, 200);
  const metrics = parseScrape(await scraped.text());
  assert.equal(metrics.value(requests, { route: '/applications/:applicationId/tokens', method: 'GET', status: '200' }), 1);
  assert.equal(metrics.value(requests, { route: '(unmatched)', method: 'GET', status: '404' }), 1, "the API port's 404 for /metrics");
  await stopsCleanly(server, 'SIGTERM');
});
