// Builds the Fastify application. It never listens: server.ts does, and tests use
// `inject` or listen on a port of their own.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyReply, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authenticatedRoutes } from './auth/authenticated-routes.js';
import { bearerToken, createAuthenticator, tokenKind, type Verdict } from './auth/authenticate.js';
import { FailureCounter } from './auth/failure-counter.js';
import { TokenCache } from './auth/token-cache.js';
import { ApplicationOwners } from './auth/application-owners.js';
import { authorizeApplication, reach } from './auth/authorize.js';
import type { AppContext } from './context.js';
import { ApiError, errors } from './errors.js';
import type { InvalidationEvent, Store } from './storage/port.js';
import { validatorCompiler } from './validation.js';
import { registerRoutes } from './routes/index.js';
import { TokenViews } from './renderings/token-views.js';

export interface AppOptions {
  store: Store;
  logger?: FastifyServerOptions['logger'];
  now?: () => number;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** How long a verified token may be served from memory without a store read (default 5 s). */
  tokenCacheTtlMs?: number;
  /** Session lifetime, and the most `tokenTTL` may ask for (default 24 h). */
  sessionTtlMs?: number;
  /** Enables POST /introspect for callers presenting this secret as a bearer token. */
  introspectionSecret?: string;
  /**
   * Failed authentications one address may make per minute before it gets 429
   * (default 300; 0 disables).
   */
  authFailureLimit?: number;
  /** Longest accepted request line URL, in bytes (default 8 KiB). */
  maxUrlLength?: number;
  /** Largest accepted request head (request line and headers), in bytes (default 16 KiB). */
  maxHeaderSize?: number;
}

export const defaultSessionTtlMs = 24 * 60 * 60 * 1000;

export const defaultBodyLimit = 1024 * 1024;
export const defaultLimits = { authFailureLimit: 300, maxUrlLength: 8 * 1024, maxHeaderSize: 16 * 1024 };

// Sent with every response. A JSON API needs few of helmet's page-oriented
// headers; these are the ones that matter for it (and the pages we serve set
// their own Content-Security-Policy where they need a looser one).
const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  // Responses may carry a token (the 201 of a create): never store them.
  'cache-control': 'no-store',
};

// Losant ids and tokens never need more; longer URLs are refused early.
const routerOptions = { ignoreTrailingSlash: true, maxParamLength: 200 };

const securityHeaderList = Object.entries(securityHeaders).flat();

/** The log levels at which Fastify writes a line for every request. */
const requestLevels = new Set(['info', 'debug', 'trace']);

/** Answers malformed or oversized requests that never reach a route, in the error shape. */
function clientErrorResponse(code: string | undefined): string {
  const message = code === 'HPE_HEADER_OVERFLOW' ? 'Request headers are too large' : 'Malformed request';
  const body = JSON.stringify({ type: 'Validation', message });
  const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  return `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** Maps any error thrown while handling a request to the `{type, message}` shape. */
function toApiError(error: FastifyError, bodyLimit: number, store: Store): ApiError {
  if (error instanceof ApiError) return error;
  if (store.isUnavailable(error)) return errors.unavailable();
  if (error.validation) return errors.validation(error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.validation('Unsupported Content-Type; send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.validation('Body cannot be empty when Content-Type is application/json');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return errors.validation('Body is not valid JSON');
  }
  if (error.statusCode === 413) return errors.payloadTooLarge(bodyLimit);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return errors.validation(error.message);
  }
  return errors.internal();
}

function definedOnly(options: AppOptions): Partial<typeof defaultLimits> {
  const out: Partial<typeof defaultLimits> = {};
  for (const key of Object.keys(defaultLimits) as Array<keyof typeof defaultLimits>) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  const limits = { ...defaultLimits, ...definedOnly(options) };
  // Set below, once the context it refuses with exists.
  let refuseEarly: (req: IncomingMessage, res: ServerResponse) => boolean = () => false;
  const app = Fastify({
    logger: options.logger ?? false,
    // A child logger per request costs about as much as routing it, and only adds
    // the request id. Below 'info' there are no per-request lines to carry it; the
    // error handler names the request itself.
    childLoggerFactory: (logger, bindings, opts) => (requestLevels.has(logger.level) ? logger.child(bindings, opts) : logger),
    bodyLimit,
    serverFactory: (handler) =>
      createServer({ maxHeaderSize: limits.maxHeaderSize }, (req, res) => {
        if (!refuseEarly(req, res)) handler(req, res);
      }),
    // Malformed paths are refused by the router before any route: answer them in
    // the error shape too, without echoing the path back.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The URL is malformed';
      void reply.code(400).send(errors.validation(message).toJSON());
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (socket.writable) socket.end(clientErrorResponse(error.code));
      else socket.destroy();
    },
    routerOptions,
  });
  app.setValidatorCompiler(validatorCompiler);
  // Every request passes here, so it is a plain callback hook: an async one costs a
  // promise and a microtask per request. Headers set now survive error answers too.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    // Shutting down: do not keep the connection open for a next request.
    if (!app.server.listening) reply.header('connection', 'close');
    done(request.url.length > limits.maxUrlLength ? errors.validation(`URL is longer than ${limits.maxUrlLength} bytes`) : undefined);
  });
  app.decorateRequest('principal', null as never);

  const now = options.now ?? Date.now;
  const tokenCache = new TokenCache(options.tokenCacheTtlMs);
  const owners = new ApplicationOwners(options.store, options.tokenCacheTtlMs);
  const authFailures = new FailureCounter(60_000);
  const unauthorized = errors.unauthorized();
  const tooManyRequests = errors.tooManyRequests();
  // Failed authentications per address; past the limit, 429 until the window ends.
  const throttled = limits.authFailureLimit > 0;
  const retryAfter = (ip: string, at: number) => (throttled ? authFailures.retryAfter(ip, limits.authFailureLimit, at) : 0);
  const failed = (ip: string, at: number) => {
    if (throttled) authFailures.add(ip, at);
  };
  const views = new TokenViews();
  // Renderings need no invalidation to stay correct (versions see to that); deleted
  // tokens' renderings are dropped so they do not take room.
  const invalidate = (event: InvalidationEvent) => {
    if (event.kind === 'token') {
      tokenCache.invalidateToken(event.id);
      views.forget(event.id);
    } else if (event.kind === 'owner') {
      tokenCache.invalidateOwner(event.id);
      owners.invalidate(event.id);
    } else if (event.kind === 'all') {
      tokenCache.clear();
      owners.clear();
      views.clear();
    }
  };
  // Other nodes' writes (PostgreSQL NOTIFY) reach this node's caches here.
  options.store.subscribe(invalidate);
  const authenticator = createAuthenticator(options.store, tokenCache, (error) =>
    app.log.warn({ err: error }, 'could not record lastUsed'),
  );
  const ctx: AppContext = {
    store: options.store,
    invalidate,
    views,
    authenticator,
    now,
    // Refusals answer from here rather than through Fastify's error path, with
    // bodies serialized once: a flood of bad tokens should cost as little as
    // possible. A callback hook, completed synchronously for malformed and cached
    // tokens: no promise, no throw.
    authenticate: (request, reply, done) => {
      const at = now();
      const wait = retryAfter(request.ip, at);
      if (wait > 0) {
        tooManyRequests.send(reply.header('retry-after', String(wait)));
        return;
      }
      const admit = (principal: Verdict) => {
        if (principal === null) {
          failed(request.ip, at);
          unauthorized.send(reply);
          return;
        }
        request.principal = principal;
        done();
      };
      const verdict = authenticator.verify(bearerToken(request.headers.authorization), at);
      if (verdict instanceof Promise) verdict.then(admit, done);
      else admit(verdict);
    },
    authorizeApplication: (request, action, applicationId) =>
      authorizeApplication(options.store, owners, request.principal, action, applicationId, now()),
    reach: (principal, applicationId) => reach(options.store, owners, principal, applicationId, now()),
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, bodyLimit, options.store);
    if (apiError.statusCode >= 500) {
      const log = request.log === app.log ? app.log.child({ reqId: request.id }) : request.log;
      log.error({ err: error }, 'request failed');
    }
    return apiError.send(reply);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errors.notFound().toJSON()));

  // A request to an authenticated route without a token that could be valid gets its
  // 401 (or 429) straight from node's request event, before Fastify builds a request
  // and a reply and runs its hooks: about as much work again as node's own HTTP
  // handling. A flood of garbage tokens is the cheapest attack on a token service, so
  // refusing it should cost close to nothing. The answer is the one the authenticate
  // hook gives, byte for byte (test/early-refusal.test.ts). Whenever Fastify has
  // more to do than refuse (a log line per request, the 503s of shutting down, an
  // over-long URL), the request takes the ordinary path.
  const authenticates = authenticatedRoutes(app, ctx.authenticate, routerOptions);
  const tooManyHeaders = new Map<number, string[]>();
  refuseEarly = (req, res) => {
    if (requestLevels.has(app.log.level) || !app.server.listening) return false;
    const url = req.url ?? '';
    if (url.length > limits.maxUrlLength || tokenKind(bearerToken(req.headers.authorization)) !== undefined) return false;
    if (!authenticates(req.method, url)) return false;
    // What Fastify's request.ip is without trustProxy (which latchkey does not set).
    const ip = req.socket.remoteAddress ?? '';
    const at = now();
    const wait = retryAfter(ip, at);
    if (wait > 0) {
      // Past the limit a flood gets nothing but 429s: their header list (one per wait,
      // at most a window's seconds) is built once, like the 401's.
      let headers = tooManyHeaders.get(wait);
      if (!headers) tooManyHeaders.set(wait, (headers = [...securityHeaderList, 'retry-after', String(wait)]));
      tooManyRequests.write(res, headers);
    } else {
      failed(ip, at);
      unauthorized.write(res, securityHeaderList);
    }
    return true;
  };

  await registerRoutes(app, ctx, {
    introspectionSecret: options.introspectionSecret,
    sessionTtlMs: options.sessionTtlMs ?? defaultSessionTtlMs,
  });
  return app;
}
