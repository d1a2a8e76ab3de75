// The contract's route table and the server agree exactly: every route the app
// serves is in the table (or under one of its mounts), every table route is
// served, and /openapi.json describes each table route as the table does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeMounts, routeNames, routes } from '@latchkey/contract';
import { Metrics } from '../src/metrics/metrics.js';
import { build } from './helpers/build.js';
import { githubSigner } from './helpers/github-scanning.js';
import { servedRoutes } from './helpers/served-routes.js';

const key = (method: string, path: string) => `${method} ${path}`;
const underMount = (path: string) => routeMounts.find((mount) => new RegExp(`^${mount.prefix}(?:[/*]|$)`).test(path));

test('every route the server registers is in the route table, and every table route is registered', async (t) => {
  // With introspection, GitHub secret scanning and metrics enabled, so that every route exists.
  const h = await build(t, {
    introspectionSecret: 'introspection-secret-of-the-test-suite',
    app: {
      githubScanningKeys: githubSigner(t).keys,
      metrics: new Metrics({ processMetrics: false }),
      metricsSecret: 'metrics-secret-of-the-test',
    },
  });
  const served = servedRoutes(h.app);
  const table = new Set(routeNames.map((name) => key(routes[name].method, routes[name].path)));
  const mounted = new Set<string>();
  for (const { method, path } of served) {
    const mount = underMount(path);
    if (mount) mounted.add(mount.name);
    else assert.ok(table.has(key(method, path)), `${key(method, path)} is served but missing from the route table`);
  }
  const servedKeys = new Set(served.map(({ method, path }) => key(method, path)));
  for (const name of routeNames) {
    const route = routes[name];
    assert.ok(servedKeys.has(key(route.method, route.path)), `${name} (${key(route.method, route.path)}) is in the table but not served`);
    assert.equal(underMount(route.path), undefined, `${name} lies under a mount`);
  }
  assert.deepEqual([...mounted].toSorted(), routeMounts.map((mount) => mount.name).toSorted(), 'a mount serves nothing');
});

test('/openapi.json describes each visible table route with its summary and operation id', async (t) => {
  const h = await build(t, {
    introspectionSecret: 'introspection-secret-of-the-test-suite',
    app: { githubScanningKeys: githubSigner(t).keys },
  });
  const document = (await h.app.inject({ url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, { summary?: string; operationId?: string }>>;
  }>();
  for (const name of routeNames) {
    const route = routes[name];
    const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
    if ('hidden' in route) {
      assert.equal(operation, undefined, `${name} is hidden but documented`);
      continue;
    }
    assert.equal(operation?.summary, route.summary, name);
    assert.equal(operation?.operationId, name, name);
  }
});
