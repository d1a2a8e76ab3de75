import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { routeEndpointsSource } from '../scripts/gen-route-endpoints.js';
import { routeEndpoints } from '../src/route-endpoints.js';
import { routeNames, routes } from '../src/route-table.js';

test('src/route-endpoints.ts is exactly what scripts/gen-route-endpoints.ts writes from the route table', () => {
  const committed = readFileSync(new URL('../src/route-endpoints.ts', import.meta.url), 'utf8');
  assert.equal(committed, routeEndpointsSource(), 'src/route-endpoints.ts is stale: run `npm run generate -w @latchkey/contract`');
});

test("every route's endpoint is the table's method and path", () => {
  assert.deepEqual(Object.keys(routeEndpoints).toSorted(), [...routeNames].toSorted());
  for (const name of routeNames) assert.deepEqual(routeEndpoints[name], { method: routes[name].method, path: routes[name].path }, name);
});
