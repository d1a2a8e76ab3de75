// Attenuation: a caller may only create (or re-activate) a token whose authority
// lies within its own, and that expires no later than itself. Losant lets a token
// mint a stronger one; latchkey does not.
import { authorityOf, firstUngrantable, userGroupScopes } from '@latchkey/contract';
import { errors } from '../errors.js';
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
