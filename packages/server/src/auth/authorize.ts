// principal + action + target -> allowed, or 404 / 403.
// A caller that cannot reach the target learns nothing about it (404, as if it did
// not exist); one that reaches it without an accepted scope (or role) gets 403.
import { actions, applicableScopes, authorityOnApplication, hasAcceptedScope, roleAllows, type ActionName } from '@latchkey/contract';
import type { OrganizationRecord, Role, Store } from '../storage/port.js';
import { errors } from '../errors.js';
import type { ApplicationOwner, ApplicationOwners } from './application-owners.js';
import type { Principal, UserPrincipal } from './principal.js';

/** An application the caller reaches, with the cap its organization role puts on it. */
export interface ApplicationAccess {
  application: ApplicationOwner;
  /** The member's role when the application belongs to an organization; undefined otherwise. */
  role?: Role;
}

/** The scopes of the principal that apply to this application. */
export function effectiveScopes(principal: Principal, application: ApplicationOwner): readonly string[] {
  return applicableScopes(principal.scopes, principal.kind, application.ownerType);
}

/** The catalogue actions the principal holds on this application, after its role's cap. */
export function authorityOn(principal: Principal, access: ApplicationAccess): ReadonlySet<string> {
  return authorityOnApplication(principal.scopes, principal.kind, access.application.ownerType, access.role);
}

export async function reach(
  store: Store,
  owners: ApplicationOwners,
  principal: Principal,
  applicationId: string,
): Promise<ApplicationAccess | undefined> {
  if (principal.kind === 'application' && principal.applicationId !== applicationId) return undefined;
  const application = await owners.get(applicationId);
  if (!application) return undefined;
  if (principal.kind === 'application') return { application };
  if (application.ownerType === 'user') return application.ownerId === principal.userId ? { application } : undefined;
  const role = await store.getRole(application.ownerId, principal.userId);
  return role ? { application, role } : undefined;
}

export async function authorizeApplication(
  store: Store,
  owners: ApplicationOwners,
  principal: Principal,
  action: ActionName,
  applicationId: string,
): Promise<ApplicationAccess> {
  const access = await reach(store, owners, principal, applicationId);
  if (!access) throw errors.notFound('Application');
  if (!hasAcceptedScope(effectiveScopes(principal, access.application), actions[action])) throw errors.forbidden();
  // Roles cap every action: Losant's by the catalogue, latchkey's own by whether the
  // route table marks them read or write.
  if (access.role && !roleAllows(access.role, action)) {
    throw errors.forbidden(`The ${access.role} role does not permit ${action} in this organization`);
  }
  return access;
}

/** User-level actions (me, user tokens, application and organization collections). */
export function authorizeUser(principal: Principal, action: ActionName): UserPrincipal {
  if (principal.kind !== 'user') throw errors.forbidden('This action needs a user credential, not an application token');
  if (!hasAcceptedScope(principal.scopes, actions[action])) throw errors.forbidden();
  return principal;
}

const adminActions = new Set<ActionName>(['org.patch', 'org.delete', 'org.modifyMember', 'org.removeMember']);

/** Organization actions: members reach their organizations; only admins change them. */
export async function authorizeOrganization(
  store: Store,
  principal: Principal,
  action: ActionName,
  orgId: string,
): Promise<{ organization: OrganizationRecord; role: Role; user: UserPrincipal }> {
  if (principal.kind !== 'user') throw errors.notFound('Organization');
  const [organization, role] = await Promise.all([store.getOrganization(orgId), store.getRole(orgId, principal.userId)]);
  if (!organization || !role) throw errors.notFound('Organization');
  if (!hasAcceptedScope(principal.scopes, actions[action])) throw errors.forbidden();
  if (adminActions.has(action) && role !== 'admin') {
    throw errors.forbidden(`The ${role} role does not permit ${action}; it needs admin`);
  }
  return { organization, role, user: principal };
}
