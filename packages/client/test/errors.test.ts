// Failures: HTTP errors keep the server's status and type; a timeout and a network
// failure are their own LatchkeyError subclasses with status 0 and the cause kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, LatchkeyError, LatchkeyNetworkError, LatchkeyTimeoutError } from '../src/index.js';
import { rejectsWith } from './assertions.js';
import { startServer } from './live-server.js';

const unknownId = '0123456789abcdef01234567';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

test("HTTP errors: 401, 403, 404 and 400 with the server's type and message", async (t) => {
  const server = await startServer(t);
  const client = createClient({ url: server.url, accessToken: server.token });
  const { applicationId } = server;

  const unauthorized = await rejectsWith(
    createClient({ url: server.url }).applicationApiTokens.get({ applicationId }),
    401,
    'Unauthorized',
  );
  assert.equal(unauthorized.name, 'LatchkeyError');
  assert.ok(unauthorized instanceof Error);
  assert.ok(!(unauthorized instanceof LatchkeyNetworkError));
  await rejectsWith(createClient({ url: server.url, accessToken: 'lka_not-a-token' }).me.get(), 401, 'Unauthorized');

  const narrow = await client.applicationApiTokens.post({ applicationId, apiToken: { name: 'devices', scope: ['device.*'] } });
  const asNarrow = createClient({ url: server.url, accessToken: narrow.token });
  await rejectsWith(asNarrow.applicationApiTokens.get({ applicationId }), 403, 'Forbidden');
  // attenuation: a token may not mint a stronger one
  const refused = await rejectsWith(
    client
      .setOption('accessToken', narrow.token)
      .applicationApiTokens.post({ applicationId, apiToken: { name: 'x', scope: ['all.Application'] } }),
    403,
    'Forbidden',
  );
  client.setOption('accessToken', server.token);
  assert.equal(refused.statusCode, 403);

  await rejectsWith(client.application.get({ applicationId: unknownId }), 404, 'NotFound');
  await rejectsWith(client.applicationApiToken.get({ applicationId, apiTokenId: unknownId }), 404, 'NotFound');

  await rejectsWith(client.applicationApiTokens.get({ applicationId, perPage: 0 }), 400, 'Validation');
  await rejectsWith(client.applicationApiTokens.post({ applicationId, apiToken: { name: '' } }), 400, 'Validation');
  // path parameters are encoded: this is a malformed id (400), not another route
  await rejectsWith(client.application.get({ applicationId: `${applicationId}/tokens` }), 400, 'Validation');
});

test('a server that never answers: LatchkeyTimeoutError after timeoutMs, with the abort as cause', async (t) => {
  const silent = createServer(() => {
    /* never answers */
  });
  const url = await listen(silent);
  t.after(() => close(silent));

  const client = createClient({ url, timeoutMs: 100 });
  const started = Date.now();
  const error = await rejectsWith(client.me.get(), 0, 'Timeout');
  const elapsed = Date.now() - started;
  assert.ok(error instanceof LatchkeyTimeoutError);
  assert.ok(error instanceof LatchkeyError);
  assert.equal(error.name, 'LatchkeyTimeoutError');
  assert.equal(error.timeoutMs, 100);
  assert.match(error.message, /GET \/me timed out after 100 ms/);
  assert.ok(error.cause !== undefined);
  assert.ok(elapsed >= 90 && elapsed < 5000, `took ${elapsed} ms`);

  // a per-call timeout overrides the client's
  const perCall = await rejectsWith(createClient({ url }).orgs.get({}, { timeoutMs: 50 }), 0, 'Timeout');
  assert.ok(perCall instanceof LatchkeyTimeoutError);
  assert.equal(perCall.timeoutMs, 50);
});

test('a timeout also covers a body that never finishes', async (t) => {
  const stalling = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"id":');
  });
  const url = await listen(stalling);
  t.after(() => close(stalling));
  const error = await rejectsWith(createClient({ url, timeoutMs: 100 }).me.get(), 0, 'Timeout');
  assert.ok(error instanceof LatchkeyTimeoutError);
});

test('a closed port: LatchkeyNetworkError with the fetch failure as cause', async () => {
  const probe = createServer();
  const url = await listen(probe);
  await close(probe);

  const client = createClient({ url, accessToken: 'lku_whatever', timeoutMs: 5000 });
  const error = await rejectsWith(client.applications.get(), 0, 'Network');
  assert.ok(error instanceof LatchkeyNetworkError);
  assert.ok(error instanceof LatchkeyError);
  assert.ok(!(error instanceof LatchkeyTimeoutError));
  assert.equal(error.name, 'LatchkeyNetworkError');
  assert.ok(error.cause instanceof Error);
  assert.match(error.message, /^GET \/applications failed/);
  assert.doesNotMatch(error.message, /lku_/);
});

test("an answer that is not latchkey's: the status is kept, the type follows from it", async (t) => {
  const proxy = createServer((request, response) => {
    if (request.url?.startsWith('/me')) {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    } else if (request.url?.startsWith('/orgs')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('nothing here');
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    }
  });
  const url = await listen(proxy);
  t.after(() => close(proxy));
  const client = createClient({ url });

  const badGateway = await rejectsWith(client.me.get(), 502, 'Internal');
  assert.equal(badGateway.message, 'Bad Gateway');
  await rejectsWith(client.orgs.get(), 404, 'NotFound');
  await rejectsWith(client.applications.get(), 200, 'Internal');
});

test("a caller's AbortSignal cancels the call with its own reason, not a LatchkeyError", async (t) => {
  const silent = createServer(() => {
    /* never answers */
  });
  const url = await listen(silent);
  t.after(() => close(silent));
  const client = createClient({ url, timeoutMs: 5000 });

  const controller = new AbortController();
  const pending = client.me.get({}, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(!(error instanceof LatchkeyError));
    assert.equal((error as Error).name, 'AbortError');
    return true;
  });
  const reason = new Error('already cancelled');
  await assert.rejects(client.me.get({}, { signal: AbortSignal.abort(reason) }), (error: unknown) => error === reason);
});
