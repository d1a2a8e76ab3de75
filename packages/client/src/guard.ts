// What the Fastify and Express helpers share: Authorization header -> POST /verify
// answer -> the HTTP answer, with the RateLimit-Policy and RateLimit fields of
// draft-ietf-httpapi-ratelimit-headers on every answer that applied limits.
// Internal; not exported from the package.
import {
  errorTypes,
  isAction,
  rateLimitField,
  rateLimitPolicyField,
  retryAfterSeconds,
  type ActionScope,
  type RatelimitState,
  type VerifyAnswer,
} from '@latchkey/contract';
import { describeId } from './describe-id.js';
import { LatchkeyError } from './errors.js';
import type { Verifier, VerifyOptions } from './verifier.js';

/** What a route asks of each verification beyond the action. */
export interface GuardOptions {
  /** Credits each request spends (default: latchkey's, 1 when the token has credits). */
  cost?: number;
  /** The limits to apply and their cost (default: every autoApply limit of the token, cost 1). */
  ratelimits?: VerifyOptions['ratelimits'];
  /** The status of a token out of credits (default 429). */
  usageExceededStatus?: number;
}

export interface ErrorAnswer {
  allowed: false;
  status: number;
  headers: Record<string, string>;
  body: { type: string; message: string };
  /** The verification failure behind a 503. */
  error?: LatchkeyError;
}
export type GuardOutcome = { allowed: true; status: 200; headers: Record<string, string>; answer: VerifyAnswer } | ErrorAnswer;

const bearer = /^Bearer +(\S+) *$/i;
// latchkey's own 401 message: the same whether the token is missing, malformed or inactive.
const unauthorizedMessage = 'Authorization failed: invalid or missing token';
const typeOfStatus = new Map<number, string>(Object.entries(errorTypes).map(([type, status]) => [status, type]));

/** The token of an `Authorization: Bearer ...` header; undefined when absent or malformed. */
export function bearerToken(header: string | readonly string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return bearer.exec(header)?.[1];
}

/** The RateLimit-Policy and RateLimit fields of the limits an answer applied. */
export function rateLimitHeaders(states: readonly RatelimitState[] | undefined, now: number): Record<string, string> {
  if (!states || states.length === 0) return {};
  return { 'ratelimit-policy': rateLimitPolicyField(states), ratelimit: rateLimitField(states, now) };
}

/** The limits that refused: those without room for this request's cost (all of them if none is told apart). */
function refusing(states: readonly RatelimitState[], named: GuardOptions['ratelimits']): readonly RatelimitState[] {
  const costOf = (name: string) => named?.find((limit) => limit.name === name)?.cost ?? 1;
  const full = states.filter((state) => state.remaining < Math.max(1, costOf(state.name)));
  return full.length > 0 ? full : states;
}

export async function guard(
  verifier: Verifier,
  action: ActionScope,
  header: string | readonly string[] | undefined,
  applicationId: () => string | undefined,
  options: GuardOptions & { ip?: string | undefined } = {},
): Promise<GuardOutcome> {
  const token = bearerToken(header);
  if (token === undefined) return unauthorized();
  const id = applicationId() ?? '';
  let answer: VerifyAnswer;
  try {
    answer = await verifier.verify(token, {
      applicationId: id,
      action,
      ...(options.cost === undefined ? {} : { cost: options.cost }),
      ...(options.ratelimits === undefined ? {} : { ratelimits: options.ratelimits }),
      ...(options.ip === undefined ? {} : { ip: options.ip }),
    });
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return {
      allowed: false,
      status: 503,
      headers: {},
      body: { type: 'Unavailable', message: 'Could not verify the token with latchkey' },
      error,
    };
  }
  const now = Date.now();
  const headers = rateLimitHeaders(answer.ratelimits, now);
  switch (answer.code) {
    case 'VALID':
      return { allowed: true, status: 200, headers, answer };
    case 'NOT_FOUND':
    case 'DISABLED':
    case 'EXPIRED':
      return unauthorized();
    case 'FORBIDDEN':
      if (answer.reason === 'ip') return forbidden(headers, "token is not allowed from this client's address");
      return forbidden(headers, `token does not reach application ${describeId(id)}`);
    case 'INSUFFICIENT_PERMISSIONS':
      return forbidden(headers, `token lacks ${action} on application ${describeId(id)}`);
    case 'RATE_LIMITED': {
      const full = refusing(answer.ratelimits ?? [], options.ratelimits);
      const waitMs = Math.max(0, ...full.map((state) => state.reset - now));
      const seconds = retryAfterSeconds(waitMs);
      const names = full.map((state) => `"${state.name}"`).join(', ');
      return {
        allowed: false,
        status: 429,
        headers: { ...headers, 'retry-after': String(seconds) },
        body: { type: 'TooManyRequests', message: `Rate limit ${names} reached for this token: retry in ${seconds} s` },
      };
    }
    case 'USAGE_EXCEEDED': {
      const status = options.usageExceededStatus ?? 429;
      return {
        allowed: false,
        status,
        headers,
        body: { type: typeOfStatus.get(status) ?? 'UsageExceeded', message: 'The token has no credits left for this request' },
      };
    }
  }
}

function forbidden(headers: Record<string, string>, message: string): ErrorAnswer {
  return {
    allowed: false,
    status: 403,
    headers: { ...headers, 'www-authenticate': 'Bearer error="insufficient_scope"' },
    body: { type: 'Forbidden', message },
  };
}

function unauthorized(): ErrorAnswer {
  return {
    allowed: false,
    status: 401,
    headers: { 'www-authenticate': 'Bearer' },
    body: { type: 'Unauthorized', message: unauthorizedMessage },
  };
}

/** Fails at construction, not on the first request, when the action is not in the catalogue. */
export function assertAction(action: string): void {
  if (!isAction(action)) throw new TypeError(`Unknown latchkey action ${JSON.stringify(action)}`);
}
