// What a credential may do on one application: its scopes that apply there (group
// scopes by reach), expanded with the scope algebra, capped by the member's role.
// The server authorizes with this, and so does the client's verifier, so a
// downstream service decides exactly as latchkey would.
import { roleActions, type Role } from './roles.js';
import { actionsOf, authorityOf, hasAcceptedScope } from './scopes.js';

const organizationScopes = new Set(['all.Organization', 'all.Organization.read']);

export type PrincipalKind = 'application' | 'user';
export type ApplicationOwnerType = 'user' | 'organization';

/** The scopes that apply on an application: all.Organization* only on organization-owned ones. */
export function applicableScopes(scopes: readonly string[], principal: PrincipalKind, ownerType: ApplicationOwnerType): readonly string[] {
  if (principal === 'user' && ownerType === 'user') return scopes.filter((s) => !organizationScopes.has(s));
  return scopes;
}

/**
 * Whether a user's scopes accept an action (one of `accepted`) on the user's own
 * applications: creating one, or listing them. all.Organization* do not.
 */
export function acceptedOnOwnApplications(scopes: readonly string[], accepted: ReadonlySet<string>): boolean {
  return hasAcceptedScope(applicableScopes(scopes, 'user', 'user'), accepted);
}

/** The catalogue actions held on an application, after the member's role (if any) caps them. */
export function authorityOnApplication(
  scopes: readonly string[],
  principal: PrincipalKind,
  ownerType: ApplicationOwnerType,
  role?: Role,
): ReadonlySet<string> {
  const authority = authorityOf(applicableScopes(scopes, principal, ownerType));
  if (role === undefined) return authority;
  const cap = roleActions(role);
  return new Set([...authority].filter((action) => cap.has(action)));
}

/**
 * Whether a credential holds one catalogue action on an application, after the
 * member's role caps it: `authorityOnApplication(...).has(action)` without building
 * the sets (the verification path asks this on every call).
 */
export function holdsActionOnApplication(
  scopes: readonly string[],
  principal: PrincipalKind,
  ownerType: ApplicationOwnerType,
  action: string,
  role?: Role,
): boolean {
  if (role !== undefined && !roleActions(role).has(action)) return false;
  return applicableScopes(scopes, principal, ownerType).some((scope) => actionsOf(scope).has(action));
}
