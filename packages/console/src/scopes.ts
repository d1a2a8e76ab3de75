// Permission presets and the scope catalogue, as the create dialog offers them.
// An application token carries application scopes only; a user token may also carry
// the user-level groups (all.User*, all.Organization*: userTokenScopes in the
// contract), which reach every application the user does.
import { scopeCatalogue, type ApplicationScope, type Scope } from '@latchkey/contract';

export type PresetId = 'all' | 'read' | 'device' | 'deviceRead' | 'organizations' | 'organizationsRead';

export interface Preset {
  id: PresetId;
  label: string;
  scope: Scope;
  hint: string;
}

/** What an application token is usually given. */
export const presets: readonly Preset[] = [
  { id: 'all', label: 'All', scope: 'all.Application', hint: 'every action in this application' },
  { id: 'read', label: 'Read only', scope: 'all.Application.read', hint: 'every read action' },
  { id: 'device', label: 'Device', scope: 'all.Device', hint: 'device actions' },
  { id: 'deviceRead', label: 'Device read only', scope: 'all.Device.read', hint: 'device read actions' },
];

/** What a user's own token is usually given (the server's default is all.User). */
export const userPresets: readonly Preset[] = [
  { id: 'all', label: 'All', scope: 'all.User', hint: 'everything you may reach' },
  { id: 'read', label: 'Read only', scope: 'all.User.read', hint: 'every read action on everything you may reach' },
  { id: 'organizations', label: 'Organizations', scope: 'all.Organization', hint: 'everything in your organizations' },
  { id: 'organizationsRead', label: 'Organizations read only', scope: 'all.Organization.read', hint: 'read actions in your organizations' },
];

/** "All", "Read only", … for a preset's scope alone (application or user presets: their scopes differ), else "N scopes". */
export function summarizeScope(scope: readonly string[]): string {
  if (scope.length === 1) {
    const preset = presets.find((p) => p.scope === scope[0]) ?? userPresets.find((p) => p.scope === scope[0]);
    if (preset) return preset.label;
  }
  return scope.length === 1 ? '1 scope' : `${scope.length} scopes`;
}

export interface CatalogueAction {
  scope: ApplicationScope;
  action: string;
  read: boolean;
}

export interface CatalogueGroup {
  resource: string;
  /** `resource.*`, when the catalogue has it. */
  wildcard?: ApplicationScope;
  actions: CatalogueAction[];
}

function buildGroups(): CatalogueGroup[] {
  const groups = new Map<string, CatalogueGroup>();
  const groupOf = (resource: string) => {
    let group = groups.get(resource);
    if (!group) {
      group = { resource, actions: [] };
      groups.set(resource, group);
    }
    return group;
  };
  for (const entry of scopeCatalogue.scopes) {
    if (entry.kind === 'action') {
      groupOf(entry.resource).actions.push({ scope: entry.scope, action: entry.action, read: entry.read });
    }
  }
  for (const entry of scopeCatalogue.scopes) {
    if (entry.kind === 'resource-wildcard' && groups.has(entry.resource)) groupOf(entry.resource).wildcard = entry.scope;
  }
  return [...groups.values()].sort((a, b) => a.resource.localeCompare(b.resource));
}

export const catalogueGroups: readonly CatalogueGroup[] = buildGroups();

/** The groups with the actions whose scope or resource contains `term` (case-insensitive). */
export function searchCatalogue(term: string): CatalogueGroup[] {
  const needle = term.trim().toLowerCase();
  if (!needle) return [...catalogueGroups];
  const out: CatalogueGroup[] = [];
  for (const group of catalogueGroups) {
    if (group.resource.toLowerCase().includes(needle)) {
      out.push(group);
      continue;
    }
    const actions = group.actions.filter((a) => a.scope.toLowerCase().includes(needle));
    if (actions.length > 0) out.push({ ...group, actions });
  }
  return out;
}
