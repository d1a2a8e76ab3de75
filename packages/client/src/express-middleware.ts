// Express-compatible middleware: `(req, res, next)`, using only res.statusCode,
// res.setHeader and res.end, so it also works on a plain node:http server.
//
//   app.post('/applications/:applicationId/state',
//     requireScopeMiddleware(verifier, 'device.sendState', (req) => req.params.applicationId),
//     (req, res) => res.json({ tokenId: req.latchkey?.sub }));
import type { ActionScope, Introspection } from '@latchkey/contract';
import { assertAction, guard } from './guard.js';
import type { LatchkeyError } from './errors.js';
import type { Verifier } from './verifier.js';

export interface MiddlewareRequest {
  headers: { authorization?: string | string[] | undefined };
  /** The token's introspection, set when the request is allowed. */
  latchkey?: Introspection;
}

export interface MiddlewareResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type Next = (error?: unknown) => void;

export interface MiddlewareOptions {
  /** Called with the failure behind a 503 (latchkey unreachable or refusing the secret). */
  onError?: (error: LatchkeyError) => void;
}

/**
 * Answers 401 `{type: 'Unauthorized'}` without an active bearer token, 403
 * `{type: 'Forbidden', message: reason}` when the token may not perform `action` on
 * the application, 503 `{type: 'Unavailable'}` when latchkey cannot be asked;
 * otherwise sets `req.latchkey` and calls `next()`. Unexpected errors (say, from
 * getApplicationId) go to `next(error)`.
 */
export function requireScopeMiddleware<Req extends MiddlewareRequest = MiddlewareRequest & { params: Record<string, string | undefined> }>(
  verifier: Verifier,
  action: ActionScope,
  getApplicationId: (req: Req) => string | undefined,
  options: MiddlewareOptions = {},
): (req: Req, res: MiddlewareResponse, next: Next) => void {
  assertAction(action);
  return (req, res, next) => {
    guard(verifier, action, req.headers.authorization, () => getApplicationId(req)).then(
      (outcome) => {
        if (outcome.status === 200) {
          req.latchkey = outcome.introspection;
          next();
          return;
        }
        if (outcome.error) options.onError?.(outcome.error);
        res.statusCode = outcome.status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
        res.end(JSON.stringify(outcome.body));
      },
      (error: unknown) => next(error),
    );
  };
}
