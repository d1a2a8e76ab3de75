// The scope algebra: what a scope holds, expressed as a set of catalogue actions.
// Authorization (may this caller do X?) and attenuation (may this caller grant Y?)
// both reduce to set membership and inclusion here, so they cannot disagree.
import { scopeCatalogue } from './scope-catalogue.js';

type CatalogueEntry = (typeof scopeCatalogue.scopes)[number];
/** A scope an application API token may carry (the Application API Token Post enum). */
export type ApplicationScope = CatalogueEntry['scope'];
/** A catalogue action such as `device.sendState`. */
export type ActionScope = Extract<CatalogueEntry, { kind: 'action' }>['scope'];
/** Scopes that reach beyond one application; only user credentials carry them. */
export const userGroupScopes = ['all.User', 'all.User.read', 'all.Organization', 'all.Organization.read'] as const;
export type UserGroupScope = (typeof userGroupScopes)[number];
export type Scope = ApplicationScope | UserGroupScope;

export const applicationScopes: readonly ApplicationScope[] = scopeCatalogue.scopes.map((s) => s.scope);

const actionEntries = scopeCatalogue.scopes.filter((s): s is Extract<CatalogueEntry, { kind: 'action' }> => s.kind === 'action');
/** Every catalogue action, in catalogue order. */
export const catalogueActions: readonly ActionScope[] = actionEntries.map((s) => s.scope);
const everyAction: ReadonlySet<string> = new Set(catalogueActions);
const readActions: ReadonlySet<string> = new Set(actionEntries.filter((s) => s.read).map((s) => s.scope));
const deviceActions: ReadonlySet<string> = new Set(actionEntries.filter((s) => s.device).map((s) => s.scope));
const deviceReadActions: ReadonlySet<string> = new Set(actionEntries.filter((s) => s.deviceRead).map((s) => s.scope));
const actionsByResource = new Map<string, Set<string>>();
for (const entry of actionEntries) {
  let set = actionsByResource.get(entry.resource);
  if (!set) actionsByResource.set(entry.resource, (set = new Set()));
  set.add(entry.scope);
}

// A Map, not an object literal: scope names come from callers, and `toString` or
// `__proto__` must not resolve to something on Object.prototype.
const groups: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['all.User', everyAction],
  ['all.Organization', everyAction],
  ['all.Application', everyAction],
  ['all.User.read', readActions],
  ['all.Organization.read', readActions],
  ['all.Application.read', readActions],
  ['all.Device', deviceActions],
  ['all.Device.read', deviceReadActions],
]);
const empty: ReadonlySet<string> = new Set();

export function isAction(scope: string): scope is ActionScope {
  return everyAction.has(scope);
}

export function isKnownScope(scope: string): scope is Scope {
  return groups.has(scope) || everyAction.has(scope) || (scope.endsWith('.*') && actionsByResource.has(scope.slice(0, -2)));
}

/** The catalogue actions one scope holds; unknown scopes hold nothing. */
export function actionsOf(scope: string): ReadonlySet<string> {
  const group = groups.get(scope);
  if (group) return group;
  if (everyAction.has(scope)) return new Set([scope]);
  if (scope.endsWith('.*')) return actionsByResource.get(scope.slice(0, -2)) ?? empty;
  return empty;
}

/** The union of the actions a scope list holds. */
export function authorityOf(scopes: Iterable<string>): ReadonlySet<string> {
  // Every create asks this. In the common cases (one scope, or one that holds every
  // action) there is nothing to merge: answer with the catalogue's own set rather
  // than copying hundreds of actions.
  const sets: Array<ReadonlySet<string>> = [];
  for (const scope of scopes) {
    const actions = actionsOf(scope);
    if (actions === everyAction) return everyAction;
    if (actions.size > 0) sets.push(actions);
  }
  if (sets.length === 1) return sets[0]!;
  const out = new Set<string>();
  for (const set of sets) for (const action of set) out.add(action);
  return out;
}

/** True when every action `scope` holds is in `authority`. */
export function grants(authority: ReadonlySet<string>, scope: string): boolean {
  for (const action of actionsOf(scope)) if (!authority.has(action)) return false;
  return true;
}

/** The first requested scope the holder of `authority` may not grant, or undefined. */
export function firstUngrantable(authority: ReadonlySet<string>, requested: Iterable<string>): string | undefined {
  for (const scope of requested) if (!grants(authority, scope)) return scope;
  return undefined;
}

/** Whether a caller holding `held` may perform an action that accepts `accepted`. */
export function hasAcceptedScope(held: readonly string[], accepted: ReadonlySet<string>): boolean {
  for (const scope of held) if (accepted.has(scope)) return true;
  return false;
}
