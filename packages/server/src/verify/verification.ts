// POST /verify's decision, apart from HTTP: a token and what the caller wants to do
// with it -> an outcome code, in the order (NOT_FOUND, DISABLED, EXPIRED,
// FORBIDDEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED, USAGE_EXCEEDED, else VALID).
// All or nothing: rate limits are consumed first, then credits are spent in one
// conditional statement; a refusal of the credits gives the limits back. A token
// without credits causes no database write. Every answer about a known token is
// counted in ctx.usage.
import { holdsActionOnApplication, type VerificationCode, type VerifyAnswer, type VerifyRequest } from '@latchkey/contract';
import type { Authenticator, Inspection } from '../auth/authenticate.js';
import type { ApplicationAccess } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import type { LimitDecision, LimitRequest, RateLimiter } from '../limits/rate-limiter.js';
import { iso } from '../routes/wire.js';
import type { Store, TokenRecord } from '../storage/port.js';
import { refillSince } from '../tokens/credit-refill.js';
import type { UsageCounter } from '../usage/usage-counter.js';
import type { LimitEvents } from '../webhooks/limit-events.js';

export interface VerificationParts {
  store: Store;
  authenticator: Authenticator;
  reach: (principal: Principal, applicationId: string) => Promise<ApplicationAccess | undefined>;
  rateLimiter: RateLimiter;
  usage: UsageCounter;
  /** token.rate_limited and token.credits_low, enqueued beside the answer (never awaited). */
  limitEvents?: LimitEvents;
}

export type Verify = (request: VerifyRequest, now: number) => VerifyAnswer | Promise<VerifyAnswer>;

/**
 * What makes a schema-valid body unanswerable, as a message saying what to fix, or
 * undefined. Depends on the body alone: whatever the token, a well-formed request
 * gets 200.
 */
export function verifyRequestProblem(request: VerifyRequest): string | undefined {
  if (request.action !== undefined && request.applicationId === undefined) {
    return 'body/action needs body/applicationId: the application the action is performed on';
  }
  const names = new Set<string>();
  for (const { name } of request.ratelimits ?? []) {
    if (names.has(name)) return `body/ratelimits names "${name}" more than once; give each limit once, with its total cost`;
    names.add(name);
  }
  return undefined;
}

// Answers that are the same every time are frozen, which tells the caller it may
// keep what it made of them (early-verify.ts keeps their rendering).
const notFound: VerifyAnswer = Object.freeze({ valid: false, code: 'NOT_FOUND' });
const refused = Object.freeze({
  DISABLED: Object.freeze({ valid: false, code: 'DISABLED' }),
  EXPIRED: Object.freeze({ valid: false, code: 'EXPIRED' }),
} as const);

/** The token's part of an answer about a known, active token. */
function identity(record: TokenRecord, valid: boolean, code: VerificationCode): VerifyAnswer {
  const answer: VerifyAnswer = {
    valid,
    code,
    tokenId: record.id,
    // A login session verifies as the user it belongs to.
    ownerType: record.ownerType === 'application' ? 'application' : 'user',
    ownerId: record.ownerId,
    scope: record.scope,
  };
  if (record.expiresAt !== null) answer.expirationDate = iso(record.expiresAt);
  if (record.meta !== null) answer.meta = record.meta;
  return answer;
}

/**
 * The limits a verification applies: those it names, with their cost (a name the
 * token has no limit of applies nothing), else every autoApply limit at cost 1.
 */
export function limitRequests(record: TokenRecord, named: VerifyRequest['ratelimits']): LimitRequest[] {
  const requests: LimitRequest[] = [];
  if (named === undefined) {
    for (const limit of record.ratelimits) {
      if (limit.autoApply) requests.push({ tokenId: record.id, name: limit.name, limit: limit.limit, duration: limit.duration, cost: 1 });
    }
    return requests;
  }
  for (const { name, cost } of named) {
    const limit = record.ratelimits.find((l) => l.name === name);
    if (limit) requests.push({ tokenId: record.id, name, limit: limit.limit, duration: limit.duration, cost: cost ?? 1 });
  }
  return requests;
}

export function createVerify(parts: VerificationParts): Verify {
  const { store, authenticator, reach, rateLimiter, usage, limitEvents } = parts;
  /** VALID for a token with no limit applied and no credits: one frozen answer per stored record. */
  const plainValid = new WeakMap<TokenRecord, VerifyAnswer>();
  const validWithoutLimits = (record: TokenRecord): VerifyAnswer => {
    let out = plainValid.get(record);
    if (out === undefined) plainValid.set(record, (out = Object.freeze(identity(record, true, 'VALID'))));
    return out;
  };

  const answer = (record: TokenRecord, code: VerificationCode, now: number, out: VerifyAnswer): VerifyAnswer => {
    usage.count(record, code, now);
    return out;
  };

  /** Credits, once the limits (if any) were consumed: spent, or the limits given back. */
  async function spend(
    record: TokenRecord,
    request: VerifyRequest,
    limits: LimitRequest[],
    decision: LimitDecision | undefined,
    now: number,
  ) {
    const credits = record.credits!;
    const cost = request.cost ?? 1;
    let spent;
    try {
      spent = await store.spendCredits({ id: record.id, cost, refillSince: refillSince(credits.refill, now) });
    } catch (error) {
      if (decision) await rateLimiter.refund(limits, now);
      throw error;
    }
    // Deleted since it was read: as unknown as it now is.
    if (!spent) {
      if (decision) await rateLimiter.refund(limits, now);
      return notFound;
    }
    if (spent.spent) limitEvents?.creditsSpent(record, cost, spent.remaining, now);
    const code: VerificationCode = spent.spent ? 'VALID' : 'USAGE_EXCEEDED';
    const out = identity(record, spent.spent, code);
    out.credits = { remaining: spent.remaining };
    if (decision) {
      if (!spent.spent) await rateLimiter.refund(limits, now);
      // Refunded, each limit has its cost back.
      out.ratelimits = spent.spent ? decision.states : decision.states.map((s, i) => ({ ...s, remaining: s.remaining + limits[i]!.cost }));
    }
    return answer(record, code, now, out);
  }

  function afterLimits(
    record: TokenRecord,
    request: VerifyRequest,
    limits: LimitRequest[],
    decision: LimitDecision | undefined,
    now: number,
  ) {
    if (decision && !decision.allowed) {
      limitEvents?.rateLimited(record, limits, decision, now);
      const out = identity(record, false, 'RATE_LIMITED');
      out.ratelimits = decision.states;
      return answer(record, 'RATE_LIMITED', now, out);
    }
    if (record.credits !== null) return spend(record, request, limits, decision, now);
    if (!decision) return answer(record, 'VALID', now, validWithoutLimits(record));
    const out = identity(record, true, 'VALID');
    out.ratelimits = decision.states;
    return answer(record, 'VALID', now, out);
  }

  /** Past the token and the application: limits, then credits. */
  function consume(record: TokenRecord, request: VerifyRequest, now: number): VerifyAnswer | Promise<VerifyAnswer> {
    const limits = limitRequests(record, request.ratelimits);
    if (limits.length === 0) return afterLimits(record, request, limits, undefined, now);
    const decision = rateLimiter.apply(limits, now);
    return decision instanceof Promise
      ? decision.then((d) => afterLimits(record, request, limits, d, now))
      : afterLimits(record, request, limits, decision, now);
  }

  async function onApplication(record: TokenRecord, principal: Principal, request: VerifyRequest, applicationId: string, now: number) {
    const access = await reach(principal, applicationId);
    if (!access) return answer(record, 'FORBIDDEN', now, identity(record, false, 'FORBIDDEN'));
    const { action } = request;
    if (
      action !== undefined &&
      !holdsActionOnApplication(principal.scopes, principal.kind, access.application.ownerType, action, access.role)
    ) {
      return answer(record, 'INSUFFICIENT_PERMISSIONS', now, identity(record, false, 'INSUFFICIENT_PERMISSIONS'));
    }
    return consume(record, request, now);
  }

  function decide(inspection: Inspection, request: VerifyRequest, now: number): VerifyAnswer | Promise<VerifyAnswer> {
    if (inspection.code === 'NOT_FOUND') return notFound;
    const { record } = inspection;
    if (inspection.code !== 'VALID') return answer(record, inspection.code, now, refused[inspection.code]);
    if (request.applicationId !== undefined) return onApplication(record, inspection.principal, request, request.applicationId, now);
    return consume(record, request, now);
  }

  return (request, now) => {
    const inspection = authenticator.inspect(request.token, now);
    return inspection instanceof Promise ? inspection.then((i) => decide(i, request, now)) : decide(inspection, request, now);
  };
}
