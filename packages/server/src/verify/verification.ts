// POST /verify's decision, apart from HTTP: a token and what the caller wants to do
// with it -> an outcome code, in the order (NOT_FOUND, DISABLED, EXPIRED,
// FORBIDDEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED, USAGE_EXCEEDED, else VALID).
// FORBIDDEN first asks the token's allowedCidrs (reason ip: the body's `ip` is not
// in them, or there is none to prove the address), then the application's reach.
// All or nothing: rate limits are consumed first, then credits are spent in one
// conditional statement; a refusal of the credits gives the limits back. A token
// without credits causes no database write. Every answer about a known token is
// counted in ctx.usage. A secret a rotation replaced, in its grace period, is
// verified as its token is, and answered `deprecated: true` with the grace period's
// end as its expiry (counted as VALID_DEPRECATED when valid).
import { holdsActionOnApplication, type VerificationCode, type VerifyAnswer, type VerifyRequest } from '@latchkey/contract';
import type { Authenticator, Inspection } from '../auth/authenticate.js';
import type { ApplicationAccess } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import type { LimitDecision, LimitRequest, RateLimiter } from '../limits/rate-limiter.js';
import { iso } from '../routes/wire.js';
import type { Store, TokenRecord } from '../storage/port.js';
import { refillSince } from '../tokens/credit-refill.js';
import { previousSecretExpiry } from '../tokens/rotation.js';
import { usageCodeOf, type UsageCounter } from '../usage/usage-counter.js';
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

/** The token's part of an answer about a known, active token; `deprecated`: given by its previous secret. */
function identity(record: TokenRecord, deprecated: boolean, valid: boolean, code: VerificationCode): VerifyAnswer {
  const answer: VerifyAnswer = {
    valid,
    code,
    tokenId: record.id,
    // A login session verifies as the user it belongs to.
    ownerType: record.ownerType === 'application' ? 'application' : 'user',
    ownerId: record.ownerId,
    scope: record.scope,
  };
  if (deprecated) answer.expirationDate = iso(previousSecretExpiry(record));
  else if (record.expiresAt !== null) answer.expirationDate = iso(record.expiresAt);
  if (record.meta !== null) answer.meta = record.meta;
  if (deprecated) answer.deprecated = true;
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

/**
 * One frozen answer per stored record and secret, made once: the previous secret's
 * says deprecated and has its own expiry, so the two are never each other's.
 */
function keptPerRecord(make: (record: TokenRecord, deprecated: boolean) => VerifyAnswer) {
  const kept = { current: new WeakMap<TokenRecord, VerifyAnswer>(), deprecated: new WeakMap<TokenRecord, VerifyAnswer>() };
  return (record: TokenRecord, deprecated: boolean): VerifyAnswer => {
    const answers = deprecated ? kept.deprecated : kept.current;
    let out = answers.get(record);
    if (out === undefined) answers.set(record, (out = Object.freeze(make(record, deprecated))));
    return out;
  };
}

export function createVerify(parts: VerificationParts): Verify {
  const { store, authenticator, reach, rateLimiter, usage, limitEvents } = parts;
  // VALID for a token with no limit applied and no credits, and FORBIDDEN for an
  // address outside its allowedCidrs: the same every time for one record and secret.
  const validWithoutLimits = keptPerRecord((record, deprecated) => identity(record, deprecated, true, 'VALID'));
  const forbiddenAddress = keptPerRecord((record, deprecated) => ({ ...identity(record, deprecated, false, 'FORBIDDEN'), reason: 'ip' }));

  const answer = (record: TokenRecord, deprecated: boolean, code: VerificationCode, now: number, out: VerifyAnswer): VerifyAnswer => {
    usage.count(record, usageCodeOf(code, deprecated), now);
    return out;
  };

  /** Credits, once the limits (if any) were consumed: spent, or the limits given back. */
  async function spend(
    record: TokenRecord,
    deprecated: boolean,
    request: VerifyRequest,
    limits: LimitRequest[],
    decision: LimitDecision | undefined,
    now: number,
  ) {
    const credits = record.credits!;
    const cost = request.cost ?? 1;
    let spent;
    try {
      spent = await store.spendCredits({ id: record.id, cost, refillSince: refillSince(credits.refill, now), at: now });
    } catch (error) {
      if (decision) await rateLimiter.refund(limits, now);
      throw error;
    }
    // Deleted since it was read: as unknown as it now is.
    if (!spent) {
      if (decision) await rateLimiter.refund(limits, now);
      return notFound;
    }
    if (spent.crossed) limitEvents?.creditsCrossed();
    const code: VerificationCode = spent.spent ? 'VALID' : 'USAGE_EXCEEDED';
    const out = identity(record, deprecated, spent.spent, code);
    out.credits = { remaining: spent.remaining };
    if (decision) {
      if (!spent.spent) await rateLimiter.refund(limits, now);
      // Refunded, each limit has its cost back.
      out.ratelimits = spent.spent ? decision.states : decision.states.map((s, i) => ({ ...s, remaining: s.remaining + limits[i]!.cost }));
    }
    return answer(record, deprecated, code, now, out);
  }

  function afterLimits(
    record: TokenRecord,
    deprecated: boolean,
    request: VerifyRequest,
    limits: LimitRequest[],
    decision: LimitDecision | undefined,
    now: number,
  ) {
    if (decision && !decision.allowed) {
      limitEvents?.rateLimited(record, limits, decision, now);
      const out = identity(record, deprecated, false, 'RATE_LIMITED');
      out.ratelimits = decision.states;
      return answer(record, deprecated, 'RATE_LIMITED', now, out);
    }
    if (record.credits !== null) return spend(record, deprecated, request, limits, decision, now);
    if (!decision) return answer(record, deprecated, 'VALID', now, validWithoutLimits(record, deprecated));
    const out = identity(record, deprecated, true, 'VALID');
    out.ratelimits = decision.states;
    return answer(record, deprecated, 'VALID', now, out);
  }

  /** Past the token and the application: limits, then credits. */
  function consume(record: TokenRecord, deprecated: boolean, request: VerifyRequest, now: number): VerifyAnswer | Promise<VerifyAnswer> {
    const limits = limitRequests(record, request.ratelimits);
    if (limits.length === 0) return afterLimits(record, deprecated, request, limits, undefined, now);
    const decision = rateLimiter.apply(limits, now);
    return decision instanceof Promise
      ? decision.then((d) => afterLimits(record, deprecated, request, limits, d, now))
      : afterLimits(record, deprecated, request, limits, decision, now);
  }

  async function onApplication(
    record: TokenRecord,
    deprecated: boolean,
    principal: Principal,
    request: VerifyRequest,
    applicationId: string,
    now: number,
  ) {
    const access = await reach(principal, applicationId);
    if (!access) return answer(record, deprecated, 'FORBIDDEN', now, identity(record, deprecated, false, 'FORBIDDEN'));
    const { action } = request;
    if (
      action !== undefined &&
      !holdsActionOnApplication(principal.scopes, principal.kind, access.application.ownerType, action, access.role)
    ) {
      return answer(record, deprecated, 'INSUFFICIENT_PERMISSIONS', now, identity(record, deprecated, false, 'INSUFFICIENT_PERMISSIONS'));
    }
    return consume(record, deprecated, request, now);
  }

  function decide(inspection: Inspection, request: VerifyRequest, now: number): VerifyAnswer | Promise<VerifyAnswer> {
    if (inspection.code === 'NOT_FOUND') return notFound;
    const { record } = inspection;
    if (inspection.code !== 'VALID') return answer(record, false, inspection.code, now, refused[inspection.code]);
    const { deprecated, principal } = inspection;
    // Before any answer that could be VALID (the kept one included): one property for a token without allowedCidrs.
    if (record.allowedCidrs !== null && !record.allowedCidrs.allows(request.ip)) {
      return answer(record, deprecated, 'FORBIDDEN', now, forbiddenAddress(record, deprecated));
    }
    if (request.applicationId !== undefined) return onApplication(record, deprecated, principal, request, request.applicationId, now);
    return consume(record, deprecated, request, now);
  }

  return (request, now) => {
    const inspection = authenticator.inspect(request.token, now);
    return inspection instanceof Promise ? inspection.then((i) => decide(i, request, now)) : decide(inspection, request, now);
  };
}
