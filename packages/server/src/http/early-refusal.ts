// A request to an authenticated route without a token that could be valid gets its
// 401 (or 429) straight from node's request event, before Fastify builds a request
// and a reply and runs its hooks: about as much work again as node's own HTTP
// handling. A flood of garbage tokens is the cheapest attack on a token service, so
// refusing it should cost close to nothing. The answer is the one the authenticate
// hook gives, byte for byte (test/early-refusal.test.ts). Whenever Fastify has more
// to do than refuse (a log line per request, the 503s of shutting down, an
// over-long URL), the request takes the ordinary path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedCache } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import type { AuthFailureThrottle } from '../auth/auth-failure-throttle.js';
import { bearerToken, type Authenticator } from '../auth/authenticate.js';
import type { Metrics } from '../metrics/metrics.js';
import { bodyPending, lingerAfterAnswer } from './lingering-close.js';
import type { Refusals } from './refusals.js';
import { requestIdHeader, requestIdOf } from './request-id.js';
import { logsEveryRequest } from './request-logging.js';
import { securityHeaderList } from './security-headers.js';

/** Answers the request and returns true, or returns false to pass it on to Fastify. */
export type EarlyRefusal = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface EarlyRefusalParts {
  app: FastifyInstance;
  maxUrlLength: number;
  authenticator: Authenticator;
  /** The template of the route `method url` reaches if that route authenticates (auth/authenticated-routes.ts). */
  authenticates: (method: string | undefined, url: string) => string | undefined;
  throttle: AuthFailureThrottle;
  refusals: Refusals;
  now: () => number;
  /** The client's address as Fastify's request.ip has it (http/client-address.ts). */
  addressOf: (req: IncomingMessage) => string;
  /** Where the refusals are counted as requests, as Fastify's answers are (metrics/http-metrics.ts). */
  metrics?: Metrics;
}

export function createEarlyRefusal(parts: EarlyRefusalParts): EarlyRefusal {
  const { app, maxUrlLength, authenticator, authenticates, throttle, refusals, now, addressOf, metrics } = parts;
  // Past the limit a flood gets nothing but 429s: their header list (one per wait,
  // at most a window's seconds) is built once, like the 401's.
  const tooManyHeaders = new BoundedCache<number, string[]>({ max: 64 });
  return (req, res) => {
    if (logsEveryRequest(app) || !app.server.listening) return false;
    const url = req.url ?? '';
    if (url.length > maxUrlLength || authenticator.kind(bearerToken(req.headers.authorization)) !== undefined) return false;
    const started = metrics === undefined ? 0 : performance.now();
    const route = authenticates(req.method, url);
    if (route === undefined) return false;
    // Set before the header list: writeHead puts the list after it, as Fastify's hook does.
    res.setHeader(requestIdHeader, requestIdOf(req.headers[requestIdHeader]));
    // What Fastify's request.ip is, so both paths throttle the same address.
    const ip = addressOf(req);
    const at = now();
    const wait = throttle.retryAfter(ip, at);
    if (wait > 0) {
      let headers = tooManyHeaders.get(wait);
      if (!headers) tooManyHeaders.set(wait, (headers = [...securityHeaderList, 'retry-after', String(wait)]));
      refusals.tooManyRequests.write(res, headers);
    } else {
      throttle.failed(ip, at);
      refusals.unauthorized.write(res, securityHeaderList);
    }
    metrics?.observeRequest(route, req.method ?? '', res.statusCode, (performance.now() - started) / 1000);
    // Answered while a body may still be arriving: read the rest, within bounds.
    if (bodyPending(req)) lingerAfterAnswer(req);
    return true;
  };
}
