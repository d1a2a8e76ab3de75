// The actions a latchkey token may perform: every token route of the route table,
// with the scopes its entry accepts. Derived here, once, so that adding a route adds
// its action; the route table itself imports nothing from this module.
import { routeNames, routes, type TokenRouteName } from './route-table.js';

export type ActionName = TokenRouteName;

function isTokenRoute(name: string): name is ActionName {
  return routes[name as keyof typeof routes].authentication === 'token';
}

type AcceptedScopes = { readonly [name in ActionName]: ReadonlySet<string> };

const accepted: Partial<Record<ActionName, ReadonlySet<string>>> = {};
for (const name of routeNames) if (isTokenRoute(name)) accepted[name] = new Set(routes[name].accepts);

/** Each action's accepted scopes: a caller is allowed when it holds at least one. */
export const actions = accepted as AcceptedScopes;
