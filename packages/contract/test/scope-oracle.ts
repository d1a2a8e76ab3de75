// What each scope should hold, derived straight from the catalogue entries and the
// documented meaning of the flags, independently of src/scopes.ts.
import fc from 'fast-check';
import { scopeCatalogue } from '../src/scope-catalogue.js';

interface Entry {
  scope: string;
  kind: string;
  resource?: string;
  read?: boolean;
  device?: boolean;
  deviceRead?: boolean;
}
export const entries: readonly Entry[] = scopeCatalogue.scopes;
export const actionEntries = entries.filter((e) => e.kind === 'action');
export const wildcardEntries = entries.filter((e) => e.kind === 'resource-wildcard');
export const groupEntries = entries.filter((e) => e.kind === 'group');

export const everyAction = new Set(actionEntries.map((e) => e.scope));
export const readActions = new Set(actionEntries.filter((e) => e.read === true).map((e) => e.scope));
export const deviceActions = new Set(actionEntries.filter((e) => e.device === true).map((e) => e.scope));
export const deviceReadActions = new Set(actionEntries.filter((e) => e.deviceRead === true).map((e) => e.scope));
export const userGroups = ['all.User', 'all.User.read', 'all.Organization', 'all.Organization.read'];
/** Every scope that holds something: the catalogue plus the user-level groups. */
export const knownScopes: readonly string[] = [...entries.map((e) => e.scope), ...userGroups];

export function resourceActions(resource: string): Set<string> {
  return new Set(actionEntries.filter((e) => e.resource === resource).map((e) => e.scope));
}

export function expectedActions(scope: string): Set<string> {
  switch (scope) {
    case 'all.User':
    case 'all.Organization':
    case 'all.Application':
      return new Set(everyAction);
    case 'all.User.read':
    case 'all.Organization.read':
    case 'all.Application.read':
      return new Set(readActions);
    case 'all.Device':
      return new Set(deviceActions);
    case 'all.Device.read':
      return new Set(deviceReadActions);
  }
  if (everyAction.has(scope)) return new Set([scope]);
  const wildcard = wildcardEntries.find((e) => e.scope === scope);
  return wildcard ? resourceActions(wildcard.resource!) : new Set();
}

export function expectedAuthority(scopes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const scope of scopes) for (const action of expectedActions(scope)) out.add(action);
  return out;
}

export function isSubset(a: Iterable<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export const sorted = (set: Iterable<string>): string[] => [...set].sort();

// Generators. Unknown scopes are near misses of real ones as well as noise.
export const knownScopeArb = fc.constantFrom(...knownScopes);
const resourceArb = fc.constantFrom(...wildcardEntries.map((e) => e.resource!));
export const unknownScopeArb = fc
  .oneof(
    fc.string({ maxLength: 30 }),
    fc.tuple(resourceArb, fc.string({ maxLength: 12 })).map(([r, a]) => `${r}.${a}`),
    fc.string({ maxLength: 12 }).map((r) => `${r}.*`),
    knownScopeArb.map((s) => s.toUpperCase()),
    knownScopeArb.map((s) => s.toLowerCase()),
    knownScopeArb.map((s) => ` ${s}`),
    knownScopeArb.map((s) => `${s}.*`),
    knownScopeArb.map((s) => s.slice(0, -1)),
    fc.constantFrom('', '*', 'all', 'all.*', 'all.Application.write', 'all.Device.*', '.*', 'device.', 'device.**'),
    fc.constantFrom('constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'constructor.*'),
  )
  .filter((s) => !knownScopes.includes(s));
export const scopeArb = fc.oneof({ arbitrary: knownScopeArb, weight: 4 }, { arbitrary: unknownScopeArb, weight: 1 });
export const scopeListArb = fc.array(scopeArb, { maxLength: 8 });
