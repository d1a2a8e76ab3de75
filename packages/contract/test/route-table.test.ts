// The route table names every action, classifies each as a read or a write in
// agreement with Losant's catalogue, and roles cap every action by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actions } from '../src/actions.js';
import { roleActions, roleAllows, type Role } from '../src/roles.js';
import { routeNames, routes, type RouteDefinition } from '../src/route-table.js';
import { scopeCatalogue } from '../src/scope-catalogue.js';
import { isAction } from '../src/scopes.js';

const table: ReadonlyArray<[string, RouteDefinition]> = routeNames.map((name) => [name, routes[name]]);
const roles: readonly Role[] = ['admin', 'edit', 'collaborate', 'view'];

test('the token routes are exactly the actions that list accepted scopes', () => {
  const tokenRoutes = table.filter(([, route]) => route.authentication === 'token').map(([name]) => name);
  assert.deepEqual(tokenRoutes.toSorted(), Object.keys(actions).toSorted());
});

test('no two routes share a method and path', () => {
  const keys = table.map(([, route]) => `${route.method} ${route.path}`);
  assert.equal(new Set(keys).size, keys.length);
});

test("a route's path parameters are the ones its params schema declares", () => {
  for (const [name, route] of table) {
    const inPath = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!).toSorted();
    const declared = Object.keys((route.params as { properties?: object } | undefined)?.properties ?? {}).toSorted();
    assert.deepEqual(inPath, declared, name);
  }
});

test("the read/write marking of Losant's catalogue actions agrees with the catalogue", () => {
  const reads = new Map(scopeCatalogue.scopes.filter((s) => s.kind === 'action').map((s) => [s.scope as string, s.read]));
  let checked = 0;
  for (const [name, route] of table) {
    if (!isAction(name)) continue;
    checked++;
    assert.equal(route.access === 'read', reads.get(name), name);
  }
  assert.ok(checked >= 8, `only ${checked} catalogue actions in the table`);
});

test("roles cap latchkey's own actions by their marking: reads for every role, writes for edit and admin", () => {
  for (const [name, route] of table) {
    if (isAction(name)) continue;
    for (const role of roles) {
      const expected = route.access === 'read' || role === 'edit' || role === 'admin';
      assert.equal(roleAllows(role, name), expected, `${role} ${name}`);
    }
  }
  // The audit trail is a read: even the view role may perform it.
  assert.equal(roleAllows('view', 'applicationAuditLogs.get'), true);
});

test('roles cap catalogue actions exactly as the role caps say, and refuse actions nobody declared', () => {
  for (const role of roles) {
    for (const entry of scopeCatalogue.scopes) {
      if (entry.kind !== 'action') continue;
      assert.equal(roleAllows(role, entry.scope), roleActions(role).has(entry.scope), `${role} ${entry.scope}`);
    }
    for (const unknown of ['application.rotate', 'toString', '__proto__', '']) {
      assert.equal(roleAllows(role, unknown), false, `${role} ${unknown}`);
    }
  }
});
