// The Fastify and Express helpers turn each outcome of POST /verify into one HTTP
// answer: statuses, RateLimit-Policy / RateLimit (draft-ietf-httpapi-ratelimit-headers),
// Retry-After, and what they ask /verify. First over a Verifier that gives chosen
// answers (the helpers take any Verifier), then end to end against latchkey.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { VerificationCode, VerifyAnswer } from '@latchkey/contract';
import { createVerifier, type Verifier, type VerifyOptions } from '../src/index.js';
import { requireScope } from '../src/fastify-plugin.js';
import { requireScopeMiddleware, type MiddlewareRequest } from '../src/express-middleware.js';
import { introspectionSecret, servesVerify, startIntrospectionServer } from './introspection-server.js';

const applicationId = '5f0c2b7e9d3a4c1b8e6f7a90';

/** A Verifier whose every verification gets `answer()`; what it was asked is kept. */
function answering(answer: () => VerifyAnswer): Verifier & { asked: Array<VerifyOptions | undefined> } {
  const asked: Array<VerifyOptions | undefined> = [];
  return {
    asked,
    verify: async (_token, options) => {
      asked.push(options);
      return answer();
    },
    authorize: () => Promise.reject(new Error('the helpers verify')),
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

const known: Pick<VerifyAnswer, 'tokenId' | 'ownerType' | 'ownerId' | 'scope'> = {
  tokenId: '5f0c2b7e9d3a4c1b8e6f7a91',
  ownerType: 'application',
  ownerId: applicationId,
  scope: ['all.Device'],
};

interface Answered {
  status: number;
  headers: Record<string, string | undefined>;
  body: Record<string, unknown>;
}

type Options = Parameters<typeof requireScope>[3] & Parameters<typeof requireScopeMiddleware>[3];

/** The same route behind each helper; `send` answers as a client sees it. */
async function services(t: TestContext, verifier: Verifier, options: Options = {}) {
  const fastify = Fastify();
  fastify.post(
    '/applications/:applicationId/state',
    { preHandler: requireScope(verifier, 'device.sendState', undefined, options) },
    async (request) => ({
      tokenId: request.latchkey?.tokenId,
    }),
  );
  await fastify.ready();
  t.after(() => fastify.close());

  type Request = IncomingMessage & MiddlewareRequest & { params: { applicationId?: string } };
  const middleware = requireScopeMiddleware(verifier, 'device.sendState', (req: Request) => req.params.applicationId, options);
  const http = createServer((incoming, res) => {
    const id = /^\/applications\/([^/]+)\/state$/.exec(incoming.url ?? '')?.[1];
    const req = Object.assign(incoming, { params: { applicationId: id } }) as Request;
    middleware(req, res, () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ tokenId: req.latchkey?.tokenId }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const lower = (headers: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value === undefined ? undefined : String(value)]),
    );
  return {
    async fastify(token: string): Promise<Answered> {
      const response = await fastify.inject({
        method: 'POST',
        url: `/applications/${applicationId}/state`,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.statusCode, headers: lower(response.headers), body: response.json() };
    },
    async express(token: string): Promise<Answered> {
      const response = await fetch(`${base}/applications/${applicationId}/state`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, headers, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

const helpers = ['fastify', 'express'] as const;

test('VALID: through, with RateLimit-Policy and RateLimit of every limit applied; what the route asks is sent', async (t) => {
  const verifier = answering(() => ({
    valid: true,
    code: 'VALID',
    ...known,
    ratelimits: [
      { name: 'requests', limit: 100, duration: 60_000, remaining: 37, reset: Date.now() + 11_500 },
      { name: 'burst', limit: 10, duration: 1_000, remaining: 9, reset: Date.now() + 400 },
    ],
  }));
  const send = await services(t, verifier, { cost: 2, ratelimits: [{ name: 'requests', cost: 3 }] });
  for (const helper of helpers) {
    const answer = await send[helper]('lka_whatever');
    assert.equal(answer.status, 200, helper);
    assert.deepEqual(answer.body, { tokenId: known.tokenId });
    assert.equal(answer.headers['ratelimit-policy'], '"requests";q=100;w=60, "burst";q=10;w=1', helper);
    assert.equal(answer.headers['ratelimit'], '"requests";r=37;t=12, "burst";r=9;t=1', helper);
  }
  const [fastifyAsked, expressAsked] = verifier.asked;
  assert.deepEqual(
    { ...fastifyAsked, ip: undefined },
    { applicationId, action: 'device.sendState', cost: 2, ratelimits: [{ name: 'requests', cost: 3 }], ip: undefined },
  );
  assert.equal(fastifyAsked?.ip, '127.0.0.1', 'Fastify: request.ip by default');
  assert.equal(expressAsked?.ip, undefined, 'Express: no address unless getIp says which');
});

test('RATE_LIMITED: 429 with Retry-After of the limit that refused, and the RateLimit fields', async (t) => {
  const send = await services(
    t,
    answering(() => ({
      valid: false,
      code: 'RATE_LIMITED',
      ...known,
      ratelimits: [
        { name: 'requests', limit: 100, duration: 60_000, remaining: 0, reset: Date.now() + 30_500 },
        { name: 'burst', limit: 10, duration: 1_000, remaining: 4, reset: Date.now() + 400 },
      ],
    })),
  );
  for (const helper of helpers) {
    const answer = await send[helper]('lka_whatever');
    assert.equal(answer.status, 429, helper);
    assert.equal(answer.headers['retry-after'], '31', helper);
    assert.equal(answer.headers['ratelimit'], '"requests";r=0;t=31, "burst";r=4;t=1');
    assert.deepEqual(answer.body, { type: 'TooManyRequests', message: 'Rate limit "requests" reached for this token: retry in 31 s' });
  }
});

test('USAGE_EXCEEDED: 429 with its own message, or the status the route configures', async (t) => {
  const exhausted = (): VerifyAnswer => ({ valid: false, code: 'USAGE_EXCEEDED', ...known, credits: { remaining: 0 } });
  const send = await services(t, answering(exhausted));
  const paying = await services(t, answering(exhausted), { usageExceededStatus: 402 });
  for (const helper of helpers) {
    assert.deepEqual(await send[helper]('lka_whatever').then((a) => [a.status, a.body]), [
      429,
      { type: 'TooManyRequests', message: 'The token has no credits left for this request' },
    ]);
    assert.deepEqual(await paying[helper]('lka_whatever').then((a) => [a.status, a.body]), [
      402,
      { type: 'UsageExceeded', message: 'The token has no credits left for this request' },
    ]);
  }
});

test('NOT_FOUND, DISABLED, EXPIRED: 401; FORBIDDEN, INSUFFICIENT_PERMISSIONS: 403', async (t) => {
  let code: VerificationCode = 'NOT_FOUND';
  const send = await services(
    t,
    answering(() => (['NOT_FOUND', 'DISABLED', 'EXPIRED'].includes(code) ? { valid: false, code } : { valid: false, code, ...known })),
  );
  const expected: Array<[VerificationCode, number, string]> = [
    ['NOT_FOUND', 401, 'Authorization failed: invalid or missing token'],
    ['DISABLED', 401, 'Authorization failed: invalid or missing token'],
    ['EXPIRED', 401, 'Authorization failed: invalid or missing token'],
    ['FORBIDDEN', 403, `token does not reach application ${applicationId}`],
    ['INSUFFICIENT_PERMISSIONS', 403, `token lacks device.sendState on application ${applicationId}`],
  ];
  for (const helper of helpers) {
    for (const [outcome, status, message] of expected) {
      code = outcome;
      const answer = await send[helper]('lka_whatever');
      assert.deepEqual([answer.status, answer.body.message], [status, message], `${helper} ${outcome}`);
      assert.equal(answer.headers['www-authenticate'], status === 401 ? 'Bearer' : 'Bearer error="insufficient_scope"');
    }
  }
});

test('end to end: a token limited to 2 requests a minute, and a token with 1 credit', async (t) => {
  const server = await startIntrospectionServer(t);
  if (!(await servesVerify(server.url))) return t.skip('this server has no POST /verify yet');
  const verifier = createVerifier({ url: server.url, introspectionSecret });
  t.after(() => verifier.close());
  const fastify = Fastify();
  fastify.post('/applications/:applicationId/state', { preHandler: requireScope(verifier, 'device.sendState') }, async () => ({
    ok: true,
  }));
  await fastify.ready();
  t.after(() => fastify.close());
  const send = (token: string) =>
    fastify.inject({ method: 'POST', url: `/applications/${server.applicationId}/state`, headers: { authorization: `Bearer ${token}` } });

  const limited = await server.api<{ token: string }>('POST', `/applications/${server.applicationId}/tokens`, {
    name: 'limited',
    scope: ['all.Device'],
    ratelimits: [{ name: 'requests', limit: 2, duration: 60_000 }],
  });
  const first = await send(limited.token);
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['ratelimit-policy'], '"requests";q=2;w=60');
  assert.match(String(first.headers['ratelimit']), /^"requests";r=1;t=\d+$/);
  assert.equal((await send(limited.token)).statusCode, 200);
  const refused = await send(limited.token);
  assert.equal(refused.statusCode, 429);
  assert.match(String(refused.headers['retry-after']), /^\d+$/);
  assert.match(String(refused.headers['ratelimit']), /^"requests";r=0;t=\d+$/);

  const paid = await server.api<{ token: string }>('POST', `/applications/${server.applicationId}/tokens`, {
    name: 'paid',
    scope: ['all.Device'],
    credits: { remaining: 1 },
  });
  assert.equal((await send(paid.token)).statusCode, 200);
  const spent = await send(paid.token);
  assert.deepEqual(
    [spent.statusCode, spent.json()],
    [429, { type: 'TooManyRequests', message: 'The token has no credits left for this request' }],
  );
});
