// Fastify helper: a preHandler that lets a request through only when its bearer
// token may perform `action` on the application the request is about.
//
//   app.post('/applications/:applicationId/state',
//     { preHandler: requireScope(verifier, 'device.sendState', (request) => request.params.applicationId) },
//     async (request) => ({ tokenId: request.latchkey?.sub }));
//
// Fastify is a peer dependency: only its types are imported here.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ActionScope, Introspection } from '@latchkey/contract';
import { assertAction, guard } from './guard.js';
import type { Verifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's introspection, set by requireScope when the request is allowed. */
    latchkey?: Introspection;
  }
}

/** The request as getApplicationId sees it: route parameters by name. */
export type LatchkeyFastifyRequest = FastifyRequest<{ Params: Record<string, string | undefined> }>;

/**
 * A preHandler answering 401 `{type: 'Unauthorized'}` without an active bearer token,
 * 403 `{type: 'Forbidden', message: reason}` when the token may not perform `action`
 * on the application, and 503 `{type: 'Unavailable'}` when latchkey cannot be asked;
 * otherwise it sets `request.latchkey` and lets the request through.
 * `getApplicationId` defaults to the `applicationId` route parameter.
 */
export function requireScope(
  verifier: Verifier,
  action: ActionScope,
  getApplicationId: (request: LatchkeyFastifyRequest) => string | undefined = (request) => request.params.applicationId,
): preHandlerAsyncHookHandler {
  assertAction(action);
  return async function latchkeyRequireScope(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const outcome = await guard(verifier, action, request.headers.authorization, () => getApplicationId(request as LatchkeyFastifyRequest));
    if (outcome.status === 200) {
      request.latchkey = outcome.introspection;
      return;
    }
    if (outcome.error) request.log.error({ err: outcome.error }, 'latchkey token introspection failed');
    await reply.code(outcome.status).headers(outcome.headers).send(outcome.body);
  };
}
