// requireScopeMiddleware on a plain node:http server (what Express calls it with),
// against a live latchkey.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, type LatchkeyError, type Verifier } from '../src/index.js';
import { requireScopeMiddleware, type MiddlewareRequest } from '../src/express-middleware.js';
import { introspectionSecret, startIntrospectionServer } from './introspection-server.js';

type Request = IncomingMessage & MiddlewareRequest & { params: { applicationId?: string } };

/** POST /applications/:applicationId/state behind the middleware, as an Express app would route it. */
async function service(t: TestContext, verifier: Verifier, onError?: (error: LatchkeyError) => void) {
  const middleware = requireScopeMiddleware(verifier, 'device.sendState', (req: Request) => req.params.applicationId, {
    ...(onError ? { onError } : {}),
  });
  const http = createServer((incoming, res) => {
    const match = /^\/applications\/([^/]+)\/state$/.exec(new URL(incoming.url ?? '/', 'http://x').pathname);
    if (incoming.method !== 'POST' || !match) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const req = Object.assign(incoming, { params: { applicationId: decodeURIComponent(match[1]!) } }) as Request;
    middleware(req, res, (error) => {
      if (error) {
        res.statusCode = 500;
        res.end(JSON.stringify({ type: 'Internal', message: 'next(error)' }));
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ tokenId: req.latchkey?.tokenId }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return async (applicationId: string, authorization?: string) => {
    const response = await fetch(`${base}/applications/${encodeURIComponent(applicationId)}/state`, {
      method: 'POST',
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };
}

test('next() with req.latchkey when allowed, 401 without an active token, 403 without the action', async (t) => {
  const server = await startIntrospectionServer(t);
  const sendState = await service(t, createVerifier({ url: server.url, introspectionSecret }));
  const { applicationId } = server;

  const device = await server.createToken(['device.*']);
  assert.deepEqual(await sendState(applicationId, `Bearer ${device.token}`).then((r) => [r.status, r.body]), [200, { tokenId: device.id }]);

  const unauthorized = { type: 'Unauthorized', message: 'Authorization failed: invalid or missing token' };
  for (const authorization of [undefined, 'Bearer', 'Bearer garbage', `Basic ${device.token}`]) {
    const response = await sendState(applicationId, authorization);
    assert.deepEqual([response.status, response.body], [401, unauthorized], String(authorization));
    assert.equal(response.headers.get('www-authenticate'), 'Bearer');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  }
  const inactive = await server.createToken(['all.Device']);
  await server.api('PATCH', `/applications/${applicationId}/tokens/${inactive.id}`, { status: 'inactive' });
  assert.equal((await sendState(applicationId, `Bearer ${inactive.token}`)).status, 401);

  const reader = await server.createToken(['all.Application.read']);
  const forbidden = await sendState(applicationId, `Bearer ${reader.token}`);
  assert.deepEqual(
    [forbidden.status, forbidden.body],
    [403, { type: 'Forbidden', message: `token lacks device.sendState on application ${applicationId}` }],
  );
  const other = await server.api<{ id: string }>('POST', '/applications', { name: 'Other' });
  const elsewhere = await sendState(other.id, `Bearer ${device.token}`);
  assert.deepEqual(
    [elsewhere.status, elsewhere.body],
    [403, { type: 'Forbidden', message: `token does not reach application ${other.id}` }],
  );
  const malformed = await sendState('not-an-id', `Bearer ${device.token}`);
  assert.deepEqual([malformed.status, malformed.body.message], [403, 'token does not reach application "not-an-id"']);
});

test('503 when latchkey cannot answer (reported to onError); errors of getApplicationId go to next(error)', async (t) => {
  const server = await startIntrospectionServer(t);
  const token = await server.createToken(['all.Device']);
  const errors: LatchkeyError[] = [];
  const sendState = await service(t, createVerifier({ url: server.url, introspectionSecret: 'wrong secret' }), (e) => errors.push(e));
  const response = await sendState(server.applicationId, `Bearer ${token.token}`);
  assert.equal(response.status, 503);
  assert.equal(response.body.type, 'Unavailable');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.statusCode, 401);

  const verifier = createVerifier({ url: server.url, introspectionSecret });
  const throwing = requireScopeMiddleware(verifier, 'device.sendState', () => {
    throw new Error('no application here');
  });
  const passed = await new Promise<unknown>((resolve) => {
    throwing(
      { headers: { authorization: `Bearer ${token.token}` }, params: {} },
      { statusCode: 0, setHeader: () => undefined, end: () => undefined },
      resolve,
    );
  });
  assert.ok(passed instanceof Error && passed.message === 'no application here');
});
