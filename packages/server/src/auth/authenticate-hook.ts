// The onRequest hook of every authenticated route: resolves the bearer token into
// `request.principal`, or answers 401 (429 when the address is throttled).
import type { onRequestHookHandler } from 'fastify';
import type { Refusals } from '../http/refusals.js';
import type { AuthFailureThrottle } from './auth-failure-throttle.js';
import { bearerToken, type Authenticator, type Verdict } from './authenticate.js';

/**
 * Refusals answer from here rather than through Fastify's error path, with bodies
 * serialized once: a flood of bad tokens should cost as little as possible. A
 * callback hook, completed synchronously for malformed and cached tokens: no
 * promise, no throw.
 */
export function createAuthenticateHook(
  authenticator: Authenticator,
  throttle: AuthFailureThrottle,
  refusals: Refusals,
  now: () => number,
): onRequestHookHandler {
  return (request, reply, done) => {
    const at = now();
    const wait = throttle.retryAfter(request.ip, at);
    if (wait > 0) {
      refusals.tooManyRequests.send(reply.header('retry-after', String(wait)));
      return;
    }
    const admit = (principal: Verdict) => {
      if (principal === null) {
        throttle.failed(request.ip, at);
        refusals.unauthorized.send(reply);
        return;
      }
      request.principal = principal;
      done();
    };
    const verdict = authenticator.verify(bearerToken(request.headers.authorization), at);
    if (verdict instanceof Promise) verdict.then(admit, done);
    else admit(verdict);
  };
}
