// Permission presets and the scope catalogue, as the create dialog offers them.
import { scopeCatalogue, type ApplicationScope } from '@latchkey/contract';

export type PresetId = 'all' | 'read' | 'device' | 'deviceRead';

export const presets: ReadonlyArray<{ id: PresetId; label: string; scope: ApplicationScope; hint: string }> = [
  { id: 'all', label: 'All', scope: 'all.Application', hint: 'every action in this application' },
  { id: 'read', label: 'Read only', scope: 'all.Application.read', hint: 'every read action' },
  { id: 'device', label: 'Device', scope: 'all.Device', hint: 'device actions' },
  { id: 'deviceRead', label: 'Device read only', scope: 'all.Device.read', hint: 'device read actions' },
];

/** "All", "Read only", "Device", "Device read only" for the four group scopes alone, else "N scopes". */
export function summarizeScope(scope: readonly string[]): string {
  if (scope.length === 1) {
    const preset = presets.find((p) => p.scope === scope[0]);
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
