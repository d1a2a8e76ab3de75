// What the Fastify and Express helpers share: Authorization header -> decision ->
// the HTTP answer. Internal; not exported from the package.
import { isAction, type ActionScope, type Introspection } from '@latchkey/contract';
import { LatchkeyError } from './errors.js';
import type { Verifier } from './verifier.js';

export interface ErrorAnswer {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { type: string; message: string };
  /** The introspection failure behind a 503. */
  error?: LatchkeyError;
}
export type GuardOutcome = { status: 200; introspection: Introspection } | ErrorAnswer;

const bearer = /^Bearer +(\S+) *$/i;
// latchkey's own 401 message: the same whether the token is missing, malformed or inactive.
const unauthorizedMessage = 'Authorization failed: invalid or missing token';

/** The token of an `Authorization: Bearer ...` header; undefined when absent or malformed. */
export function bearerToken(header: string | readonly string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return bearer.exec(header)?.[1];
}

export async function guard(
  verifier: Verifier,
  action: ActionScope,
  header: string | readonly string[] | undefined,
  applicationId: () => string | undefined,
): Promise<GuardOutcome> {
  const token = bearerToken(header);
  if (token === undefined) return unauthorized();
  let decision;
  try {
    decision = await verifier.authorize(token, { applicationId: applicationId() ?? '', action });
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return {
      status: 503,
      headers: {},
      body: { type: 'Unavailable', message: 'Could not verify the token with latchkey' },
      error,
    };
  }
  if (decision.allowed && decision.introspection) return { status: 200, introspection: decision.introspection };
  if (!decision.introspection?.active) return unauthorized();
  return {
    status: 403,
    headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
    body: { type: 'Forbidden', message: decision.reason },
  };
}

function unauthorized(): ErrorAnswer {
  return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: { type: 'Unauthorized', message: unauthorizedMessage } };
}

/** Fails at construction, not on the first request, when the action is not in the catalogue. */
export function assertAction(action: string): void {
  if (!isAction(action)) throw new TypeError(`Unknown latchkey action ${JSON.stringify(action)}`);
}
