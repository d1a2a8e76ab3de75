// Fastify helper: a preHandler that lets a request through only when latchkey's
// POST /verify says its bearer token may perform `action` on the application the
// request is about (and its rate limits and credits allow it).
//
//   app.post('/applications/:applicationId/state',
//     { preHandler: requireScope(verifier, 'device.sendState', (request) => request.params.applicationId) },
//     async (request) => ({ tokenId: request.latchkey?.tokenId }));
//
// Fastify is a peer dependency: only its types are imported here.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ActionScope, VerifyAnswer } from '@latchkey/contract';
import { assertAction, guard, type GuardOptions } from './guard.js';
import type { Verifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's /verify answer, set by requireScope when the request is allowed. */
    latchkey?: VerifyAnswer;
  }
}

/** The request as getApplicationId sees it: route parameters by name. */
export type LatchkeyFastifyRequest = FastifyRequest<{ Params: Record<string, string | undefined> }>;

export interface RequireScopeOptions extends GuardOptions {
  /** The client's address, checked against a token's allowedCidrs (default request.ip). */
  getIp?: (request: LatchkeyFastifyRequest) => string | undefined;
}

export type { GuardOptions };

/**
 * A preHandler answering 401 `{type: 'Unauthorized'}` for a token that is unknown,
 * disabled or expired, 403 `{type: 'Forbidden'}` when it does not reach the
 * application or lacks `action`, 429 `{type: 'TooManyRequests'}` with Retry-After
 * when a rate limit refuses, 429 (or `usageExceededStatus`) when its credits are
 * spent, and 503 `{type: 'Unavailable'}` when latchkey cannot be asked. Every answer
 * that applied limits carries RateLimit-Policy and RateLimit. Otherwise it sets
 * `request.latchkey` and lets the request through. `getApplicationId` defaults to
 * the `applicationId` route parameter.
 */
export function requireScope(
  verifier: Verifier,
  action: ActionScope,
  getApplicationId: (request: LatchkeyFastifyRequest) => string | undefined = (request) => request.params.applicationId,
  options: RequireScopeOptions = {},
): preHandlerAsyncHookHandler {
  assertAction(action);
  const { getIp = (request: LatchkeyFastifyRequest) => request.ip, ...guardOptions } = options;
  return async function latchkeyRequireScope(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const asked = request as LatchkeyFastifyRequest;
    const outcome = await guard(verifier, action, request.headers.authorization, () => getApplicationId(asked), {
      ...guardOptions,
      ip: getIp(asked),
    });
    void reply.headers(outcome.headers);
    if (outcome.allowed) {
      request.latchkey = outcome.answer;
      return;
    }
    if (outcome.error) request.log.error({ err: outcome.error }, 'latchkey token verification failed');
    await reply.code(outcome.status).send(outcome.body);
  };
}
