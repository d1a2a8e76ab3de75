// principal + action + application -> the application, or 404 / 403.
// A caller that cannot reach the application learns nothing about it (404, as if
// it did not exist); one that reaches it without an accepted scope gets 403.
import { actions, hasAcceptedScope, type ActionName } from '@latchkey/contract';
import type { ApplicationRecord, Store } from '../storage/port.js';
import { errors } from '../errors.js';
import type { Principal } from './principal.js';

const organizationScopes = new Set(['all.Organization', 'all.Organization.read']);

function reaches(principal: Principal, application: ApplicationRecord): boolean {
  if (principal.kind === 'application') return principal.applicationId === application.id;
  return application.ownerType === 'user' && application.ownerId === principal.userId;
}

/** The scopes of the principal that apply to this application. */
export function effectiveScopes(principal: Principal, application: ApplicationRecord): readonly string[] {
  // all.Organization covers organization-owned applications only.
  if (principal.kind === 'user' && application.ownerType === 'user') {
    return principal.scopes.filter((s) => !organizationScopes.has(s));
  }
  return principal.scopes;
}

export async function authorizeApplication(
  store: Store,
  principal: Principal,
  action: ActionName,
  applicationId: string,
): Promise<ApplicationRecord> {
  if (principal.kind === 'application' && principal.applicationId !== applicationId) {
    throw errors.notFound('Application');
  }
  const application = await store.getApplication(applicationId);
  if (!application || !reaches(principal, application)) throw errors.notFound('Application');
  if (!hasAcceptedScope(effectiveScopes(principal, application), actions[action])) throw errors.forbidden();
  return application;
}
