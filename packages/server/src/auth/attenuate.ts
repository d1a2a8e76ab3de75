// Attenuation: a caller may only create (or re-activate) a token whose authority
// lies within its own, that expires no later than itself, and whose limits (rate
// limits, credits, allowedCidrs) are no looser than its own. Losant lets a token
// mint a stronger one; latchkey does not.
import { authorityOf, firstUngrantable, userGroupScopes } from '@latchkey/contract';
import { errors } from '../errors.js';
import type { TokenCredits, TokenRatelimit } from '../storage/port.js';
import type { AllowedCidrs } from '../tokens/allowed-cidrs.js';
import { effectiveRemaining } from '../tokens/credit-refill.js';
import { authorityOn, type ApplicationAccess } from './authorize.js';
import type { Principal, UserPrincipal } from './principal.js';

// A login session stands for the user, who can always sign in again: its lifetime
// bounds authentication, not authority, so it may create long-lived tokens (as the
// console does). API tokens are bounded by their own expiry.
function assertExpiry(principal: Principal, expiresAt: number | null): void {
  if (principal.kind === 'user' && principal.session) return;
  if (principal.expiresAt !== null && (expiresAt === null || expiresAt > principal.expiresAt)) {
    throw errors.forbidden(
      `expirationDate must be set and no later than the caller's own expiration (${new Date(principal.expiresAt).toISOString()})`,
    );
  }
}

function refuse(scope: string): never {
  throw errors.forbidden(`Cannot grant scope ${scope}: it exceeds the caller's own authority`);
}

/** A new application token on this application. */
export function assertGrantable(
  principal: Principal,
  access: ApplicationAccess,
  scopes: readonly string[],
  expiresAt: number | null,
): void {
  const denied = firstUngrantable(authorityOn(principal, access), scopes);
  if (denied !== undefined) refuse(denied);
  assertExpiry(principal, expiresAt);
}

/**
 * A new user token. Application-level scopes on a user token apply to every
 * application the user reaches, so they must lie within what the caller holds on
 * all of them: all.Organization* (organization applications only) do not count.
 */
export function assertGrantableToUser(principal: UserPrincipal, scopes: readonly string[], expiresAt: number | null): void {
  const held = principal.scopes;
  const everywhere = authorityOf(held.filter((s) => !s.startsWith('all.Organization')));
  for (const scope of scopes) {
    // A user-level group reaches beyond any one application: only all.User (which
    // holds them all) or the same group may grant it.
    const ok = (userGroupScopes as readonly string[]).includes(scope)
      ? held.includes('all.User') || held.includes(scope)
      : firstUngrantable(everywhere, [scope]) === undefined;
    if (!ok) refuse(scope);
  }
  assertExpiry(principal, expiresAt);
}

/** The limits a token holds: what verifications of it may spend. */
export interface TokenLimits {
  ratelimits: readonly TokenRatelimit[];
  credits: TokenCredits | null;
  /** Where it may be used from; null: anywhere. */
  allowedCidrs: AllowedCidrs | null;
}

const perDuration = (r: TokenRatelimit) => `${r.limit} per ${r.duration} ms`;

/**
 * Whether `granted` allows no more than `own`: no bigger burst (limit) and no higher
 * rate (limit / duration; compared as exact integer products, which exceed 2^53).
 * Both, since either alone lets a token through more than its creator: a longer
 * window with a bigger limit bursts more, a shorter one with the same limit runs
 * faster. An autoApply limit must stay autoApply, or verifications naming no limit
 * would skip it.
 */
function withinRatelimit(granted: TokenRatelimit, own: TokenRatelimit): boolean {
  return (
    granted.limit <= own.limit &&
    BigInt(granted.limit) * BigInt(own.duration) <= BigInt(own.limit) * BigInt(granted.duration) &&
    (granted.autoApply || !own.autoApply)
  );
}

function assertRatelimits(own: readonly TokenRatelimit[], granted: readonly TokenRatelimit[]): void {
  for (const limit of own) {
    const match = granted.find((g) => g.name === limit.name);
    if (!match) {
      throw errors.forbidden(
        `Cannot grant a token without ratelimit "${limit.name}": the caller is limited by it (${perDuration(limit)}), so every token it grants must be too`,
      );
    }
    if (!withinRatelimit(match, limit)) {
      throw errors.forbidden(
        `Cannot grant ratelimit "${limit.name}" of ${perDuration(match)}${match.autoApply ? '' : ' (autoApply false)'}: ` +
          `it allows more than the caller's own ${perDuration(limit)}${limit.autoApply ? ' (autoApply)' : ''}`,
      );
    }
  }
}

/**
 * Credits within the caller's: some (not unlimited), a balance no greater than its
 * own as it stands now, and a refill only if its own refills, by no more, and no
 * more often (a daily refill under a monthly one would refill thirty times over).
 */
function assertCredits(own: TokenCredits | null, granted: TokenCredits | null, now: number): void {
  if (own === null) return;
  const balance = effectiveRemaining(own, now);
  if (granted === null) throw errors.forbidden(`Cannot grant unlimited credits: the caller has credits (${balance} remaining)`);
  if (granted.remaining > balance) {
    throw errors.forbidden(
      `Cannot grant credits.remaining ${granted.remaining}: it exceeds the caller's own remaining credits (${balance})`,
    );
  }
  const refill = granted.refill;
  if (!refill) return;
  if (!own.refill) throw errors.forbidden(`Cannot grant a credits refill: the caller's own credits do not refill`);
  if (refill.amount > own.refill.amount) {
    throw errors.forbidden(
      `Cannot grant credits.refill.amount ${refill.amount}: it exceeds the caller's own refill (${own.refill.amount})`,
    );
  }
  if (refill.interval === 'daily' && own.refill.interval === 'monthly') {
    throw errors.forbidden(`Cannot grant a daily credits refill: the caller's own credits refill monthly`);
  }
}

/**
 * A token's limits within its grantor's (`caller`: the calling token's limits as
 * stored; a caller without limits may grant any). For creates, re-activations and
 * patches of limits alike: what the token would hold afterwards is checked.
 */
export function assertLimitsGrantable(caller: TokenLimits, granted: TokenLimits, now: number): void {
  assertRatelimits(caller.ratelimits, granted.ratelimits);
  assertCredits(caller.credits, granted.credits, now);
  assertAllowedCidrs(caller.allowedCidrs, granted.allowedCidrs);
}

/**
 * A caller held to allowedCidrs grants only tokens held to ranges inside them:
 * otherwise it could mint a token to use from anywhere. Named, never inherited
 * (as ratelimits), so a grant says what it holds.
 */
function assertAllowedCidrs(own: AllowedCidrs | null, granted: AllowedCidrs | null): void {
  if (own === null) return;
  const list = own.list.join(', ');
  if (granted === null) {
    throw errors.forbidden(
      `Cannot grant a token without allowedCidrs: the caller may only be used from ${list}, so every token it grants must be too`,
    );
  }
  const outside = own.firstOutside(granted);
  if (outside !== undefined) {
    throw errors.forbidden(
      `Cannot grant allowedCidrs entry ${JSON.stringify(outside)}: it lies outside the caller's own allowedCidrs (${list})`,
    );
  }
}
