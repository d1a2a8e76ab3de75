// What an organization role lets any of a member's credentials do in that
// organization's applications. A token never exceeds its user's current role.
import { routeAccess } from './route-table.js';
import { scopeCatalogue } from './scope-catalogue.js';
import { actionsOf, isAction } from './scopes.js';

import type { Role } from './role-names.js';

export { roles, type Role } from './role-names.js';

const protectedResources = new Set(['application', 'applicationApiToken', 'applicationApiTokens']);
const everything = actionsOf('all.Application');
const readOnly = actionsOf('all.Application.read');
// collaborate: read and write application sub-resources, but never write the
// application itself or its API tokens.
const collaborate: ReadonlySet<string> = new Set(
  scopeCatalogue.scopes.filter((s) => s.kind === 'action' && (s.read || !protectedResources.has(s.resource))).map((s) => s.scope),
);

const caps: Readonly<Record<Role, ReadonlySet<string>>> = {
  view: readOnly,
  collaborate,
  edit: everything,
  admin: everything,
};

/** The catalogue actions a role allows in the organization's applications. */
export function roleActions(role: Role): ReadonlySet<string> {
  return caps[role];
}

/**
 * Whether a role lets a member perform `action` in the organization's applications.
 * Losant's actions are capped by the catalogue; every other action (latchkey's own)
 * by its read/write marking in the route table: reads are open to every role,
 * writes need a role that may write everything (edit, admin). An action the table
 * does not know is refused.
 */
export function roleAllows(role: Role, action: string): boolean {
  if (isAction(action)) return caps[role].has(action);
  const access = routeAccess(action);
  return access === 'read' || (access === 'write' && caps[role] === everything);
}
