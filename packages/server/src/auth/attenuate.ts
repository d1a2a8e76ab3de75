// Attenuation: a caller may only create (or re-activate) a token whose authority
// lies within its own on that application, and that expires no later than itself.
// Losant lets a token mint a stronger one; latchkey does not.
import { authorityOf, firstUngrantable } from '@latchkey/contract';
import type { ApplicationRecord } from '../storage/port.js';
import { errors } from '../errors.js';
import { effectiveScopes } from './authorize.js';
import type { Principal } from './principal.js';

export function assertGrantable(
  principal: Principal,
  application: ApplicationRecord,
  scopes: readonly string[],
  expiresAt: number | null,
): void {
  const denied = firstUngrantable(authorityOf(effectiveScopes(principal, application)), scopes);
  if (denied !== undefined) {
    throw errors.forbidden(`Cannot grant scope ${denied}: it exceeds the caller's own authority on this application`);
  }
  if (principal.expiresAt !== null && (expiresAt === null || expiresAt > principal.expiresAt)) {
    throw errors.forbidden(
      `expirationDate must be set and no later than the caller's own expiration (${new Date(principal.expiresAt).toISOString()})`,
    );
  }
}
