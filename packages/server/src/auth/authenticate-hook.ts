// The onRequest hook of every authenticated route: resolves the bearer token into
// `request.principal`, or answers 401 (429 when the address is throttled, or when
// the token's own autoApply rate limits are used up; 403 when the request's address
// is outside the token's allowedCidrs). Every verification of a known token is
// counted in the usage counter.
import { rateLimitField, rateLimitPolicyField, retryAfterSeconds, type RatelimitState } from '@latchkey/contract';
import type { FastifyReply, onRequestHookHandler } from 'fastify';
import { errors } from '../errors.js';
import { sendError } from '../http/bare-response.js';
import type { Refusals } from '../http/refusals.js';
import type { LimitDecision, RateLimiter } from '../limits/rate-limiter.js';
import { usageCodeOf, type UsageCounter } from '../usage/usage-counter.js';
import { limitRequests } from '../verify/verification.js';
import type { LimitEvents } from '../webhooks/limit-events.js';
import type { AuthFailureThrottle } from './auth-failure-throttle.js';
import { bearerToken, type Authenticator, type Inspection } from './authenticate.js';

export interface AuthenticateHookParts {
  authenticator: Authenticator;
  throttle: AuthFailureThrottle;
  refusals: Refusals;
  rateLimiter: RateLimiter;
  usage: UsageCounter;
  /** token.rate_limited for a 429 of the token's own limits, as /verify's RATE_LIMITED sends it. */
  limitEvents?: LimitEvents;
  now: () => number;
}

/** The RateLimit-Policy and RateLimit fields of the limits a request was counted against. */
function rateLimitHeaders(reply: FastifyReply, states: readonly RatelimitState[], now: number): void {
  void reply.header('ratelimit-policy', rateLimitPolicyField(states)).header('ratelimit', rateLimitField(states, now));
}

/**
 * Refusals answer from here rather than through Fastify's error path, with bodies
 * serialized once: a flood of bad tokens should cost as little as possible. A
 * callback hook, completed synchronously for malformed and cached tokens without
 * limits (or with limits counted in memory): no promise, no throw.
 */
export function createAuthenticateHook(parts: AuthenticateHookParts): onRequestHookHandler {
  const { authenticator, throttle, refusals, rateLimiter, usage, limitEvents, now } = parts;
  return (request, reply, done) => {
    const at = now();
    const wait = throttle.retryAfter(request.ip, at);
    if (wait > 0) {
      refusals.tooManyRequests.send(reply.header('retry-after', String(wait)));
      return;
    }
    const admit = (inspection: Inspection) => {
      if (inspection.code !== 'VALID') {
        if (inspection.record) usage.count(inspection.record, inspection.code, at);
        throttle.failed(request.ip, at);
        refusals.unauthorized.send(reply);
        return;
      }
      const { record } = inspection;
      // One property for a token without allowedCidrs. The address is request.ip:
      // the socket's, or with --trust-proxy the client's the proxies forwarded.
      if (record.allowedCidrs !== null && !record.allowedCidrs.allows(request.ip)) {
        usage.count(record, 'FORBIDDEN', at);
        sendError(reply, errors.addressNotAllowed(request.ip));
        return;
      }
      request.principal = inspection.principal;
      const valid = usageCodeOf('VALID', inspection.deprecated);
      const limits = record.ratelimits.length === 0 ? [] : limitRequests(record, undefined);
      if (limits.length === 0) {
        usage.count(record, valid, at);
        done();
        return;
      }
      // Only for a token with limits: nothing is built for the others.
      const limited = (decision: LimitDecision) => {
        rateLimitHeaders(reply, decision.states, at);
        if (decision.allowed) {
          usage.count(record, valid, at);
          done();
          return;
        }
        usage.count(record, 'RATE_LIMITED', at);
        limitEvents?.rateLimited(record, limits, decision, at);
        const seconds = retryAfterSeconds(decision.retryAfterMs ?? 0);
        const used = decision.states.find((s) => s.remaining === 0) ?? decision.states[0]!;
        sendError(reply.header('retry-after', String(seconds)), errors.rateLimited(used.name, used.limit, used.duration, seconds));
      };
      const decision = rateLimiter.apply(limits, at);
      if (decision instanceof Promise) decision.then(limited, done);
      else limited(decision);
    };
    const inspection = authenticator.inspect(bearerToken(request.headers.authorization), at);
    if (inspection instanceof Promise) inspection.then(admit, done);
    else admit(inspection);
  };
}
