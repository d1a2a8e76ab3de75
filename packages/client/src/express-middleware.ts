// Express-compatible middleware: `(req, res, next)`, using only res.statusCode,
// res.setHeader and res.end, so it also works on a plain node:http server.
//
//   app.post('/applications/:applicationId/state',
//     requireScopeMiddleware(verifier, 'device.sendState', (req) => req.params.applicationId),
//     (req, res) => res.json({ tokenId: req.latchkey?.tokenId }));
import type { ActionScope, VerifyAnswer } from '@latchkey/contract';
import { assertAction, guard, type GuardOptions } from './guard.js';
import type { LatchkeyError } from './errors.js';
import type { Verifier } from './verifier.js';

export interface MiddlewareRequest {
  headers: { authorization?: string | string[] | undefined };
  /** The token's /verify answer, set when the request is allowed. */
  latchkey?: VerifyAnswer;
}

export interface MiddlewareResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type Next = (error?: unknown) => void;

export interface MiddlewareOptions<Req = MiddlewareRequest> extends GuardOptions {
  /** Called with the failure behind a 503 (latchkey unreachable or refusing the secret). */
  onError?: (error: LatchkeyError) => void;
  /** The client's address, checked against a token's allowedCidrs (default none: Express's req.ip depends on its trust proxy setting; a token with allowedCidrs is then refused). */
  getIp?: (req: Req) => string | undefined;
}

/**
 * Answers 401 `{type: 'Unauthorized'}` for a token that is unknown, disabled or
 * expired, 403 `{type: 'Forbidden'}` when it does not reach the application or lacks
 * `action`, 429 `{type: 'TooManyRequests'}` with Retry-After when a rate limit
 * refuses, 429 (or `usageExceededStatus`) when its credits are spent, 503
 * `{type: 'Unavailable'}` when latchkey cannot be asked; every answer that applied
 * limits carries RateLimit-Policy and RateLimit. Otherwise sets `req.latchkey` and
 * calls `next()`. Unexpected errors (say, from getApplicationId) go to `next(error)`.
 */
export function requireScopeMiddleware<Req extends MiddlewareRequest = MiddlewareRequest & { params: Record<string, string | undefined> }>(
  verifier: Verifier,
  action: ActionScope,
  getApplicationId: (req: Req) => string | undefined,
  options: MiddlewareOptions<Req> = {},
): (req: Req, res: MiddlewareResponse, next: Next) => void {
  assertAction(action);
  const { onError, getIp, ...guardOptions } = options;
  return (req, res, next) => {
    Promise.resolve()
      .then(() => guard(verifier, action, req.headers.authorization, () => getApplicationId(req), { ...guardOptions, ip: getIp?.(req) }))
      .then(
        (outcome) => {
          for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
          if (outcome.allowed) {
            req.latchkey = outcome.answer;
            next();
            return;
          }
          if (outcome.error) onError?.(outcome.error);
          res.statusCode = outcome.status;
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(JSON.stringify(outcome.body));
        },
        (error: unknown) => next(error),
      );
  };
}
