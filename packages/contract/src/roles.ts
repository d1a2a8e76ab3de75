// What an organization role lets any of a member's credentials do in that
// organization's applications. A token never exceeds its user's current role.
import { scopeCatalogue } from './scope-catalogue.js';
import { actionsOf } from './scopes.js';

/** Organization roles, the one declaration every package imports. */
export const roles = ['admin', 'edit', 'collaborate', 'view'] as const;
export type Role = (typeof roles)[number];

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
