// Security checks generated from the contract's route table (after unkey's
// runSharedRoleTests): every route that authenticates refuses a missing, malformed,
// unknown, inactive or expired credential with 401; every token route answers 404
// for resources the caller does not reach, 403 to a token holding every scope but
// the ones its action accepts, and 403 to an organization member whose role does
// not permit the route's writes. Always in the {type, message} shape. A new route
// is covered by being in the table.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  actions,
  errorTypes,
  generateToken,
  newId,
  routeNames,
  routes,
  userTokenScopes,
  type RouteDefinition,
  type RouteName,
  type TokenRouteName,
} from '@latchkey/contract';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { build, createUser, login, makeApplication, mintToken } from './helpers/build.js';
import { sampleRequest } from './helpers/sample-request.js';

const introspectionSecret = 'introspection-secret-of-the-test-suite';
const hour = 60 * 60 * 1000;

function assertError(response: LightMyRequestResponse, status: number, where: string): { type: string; message: string } {
  assert.equal(response.statusCode, status, `${where}: ${response.statusCode} ${response.body}`);
  const body = response.json<Record<string, unknown>>();
  assert.deepEqual(Object.keys(body).toSorted(), ['message', 'type'], `${where}: ${response.body}`);
  assert.equal(typeof body.message, 'string', where);
  assert.ok((body.message as string).length > 0, where);
  assert.equal(errorTypes[body.type as keyof typeof errorTypes], status, `${where}: type ${String(body.type)}`);
  return body as { type: string; message: string };
}

const authenticated = routeNames.filter((name) => routes[name].authentication !== 'none');
const tokenRoutes = authenticated.filter((name): name is TokenRouteName => routes[name].authentication === 'token');
const applicationRoutes = tokenRoutes.filter((name) => routes[name].path.includes(':applicationId'));
/**
 * Each request (method and URL) from an address of its own: the refusals of every
 * route together exceed what one address may fail in a minute (the throttle would
 * answer 429 first).
 */
const addresses = new Map<string, string>();
function addressOf(options: InjectOptions): string {
  const key = `${options.method} ${options.url}`;
  let address = addresses.get(key);
  if (address === undefined) addresses.set(key, (address = `10.1.${addresses.size >> 8}.${addresses.size & 255}`));
  return address;
}
const describe = (name: RouteName) => `${routes[name].method} ${routes[name].path} (${name})`;

/** One app and the principals and resources every check uses. */
async function fixtures(t: TestContext) {
  // Webhook URLs are not resolved: the fixtures' webhook needs no DNS.
  const h = await build(t, { introspectionSecret, allowPrivateWebhooks: true });
  const at = (token: string | undefined, options: InjectOptions, header?: string) =>
    h.app.inject({
      remoteAddress: addressOf(options),
      ...options,
      headers: header !== undefined ? { authorization: header } : token ? { authorization: `Bearer ${token}` } : {},
    });

  const owner = { ownerType: 'user' as const, ownerId: h.userId };
  const org = await h.call(h.userToken, { method: 'POST', url: '/orgs', payload: { name: 'Reached' } });
  const orgId = org.json<{ id: string }>().id;
  const orgApplication = await h.call(h.userToken, { method: 'POST', url: '/applications', payload: { name: 'Shared', orgId } });
  const orgApplicationId = orgApplication.json<{ id: string }>().id;

  // What the caller does not reach: another user's application, organization and token.
  const strangerId = await createUser(h.store, 'stranger@example.com', 'stranger password');
  const strangerSession = await login(h, 'stranger@example.com', 'stranger password');
  const foreignOrg = await h.call(strangerSession, { method: 'POST', url: '/orgs', payload: { name: 'Elsewhere' } });
  // The stranger's own webhook: /me/webhooks/{id} of another user is not found.
  const strangerWebhook = await h.call(strangerSession, {
    method: 'POST',
    url: '/me/webhooks',
    payload: { url: 'https://hooks.example.com/', events: ['token.created'] },
  });
  const foreign = {
    applicationId: await makeApplication(h.store, strangerId),
    orgId: foreignOrg.json<{ id: string }>().id,
    apiTokenId: (await mintToken(h.store, { ownerType: 'user', ownerId: strangerId }, { scope: ['all.User'] })).id,
    webhookId: strangerWebhook.json<{ id: string }>().id,
    deliveryId: newId(),
  };
  const reached = { applicationId: h.applicationId, orgId, apiTokenId: newId(), webhookId: newId(), deliveryId: newId() };

  // A member of the organization with the view role.
  const viewerId = await createUser(h.store, 'viewer@example.com', 'viewer password');
  const set = await h.call(h.userToken, { method: 'PATCH', url: `/orgs/${orgId}/member`, payload: { userId: viewerId, role: 'view' } });
  assert.equal(set.statusCode, 200);
  const viewer = await mintToken(h.store, { ownerType: 'user', ownerId: viewerId }, { scope: ['all.User'] });

  const refused = {
    inactive: (await mintToken(h.store, owner, { scope: ['all.User'], status: 'inactive' })).token,
    expired: (await mintToken(h.store, owner, { scope: ['all.User'], expiresAt: Date.now() - hour })).token,
    unknown: generateToken('user'),
  };
  return { h, at, orgApplicationId, foreign, reached, viewer: viewer.token, refused };
}

test('route table security: every authenticated route, every refusal', async (t) => {
  const f = await fixtures(t);
  assert.ok(tokenRoutes.length >= 20, `only ${tokenRoutes.length} token routes`);

  await t.test('401 without a credential, with a malformed, unknown, inactive or expired one', async () => {
    const malformed = ['Bearer', 'Bearer not-a-token', 'Basic dXNlcjpwYXNz', `Bearer ${generateToken('user').slice(0, -1)}x`];
    for (const name of authenticated) {
      const request = sampleRequest(routes[name], f.reached);
      assertError(await f.at(undefined, request), 401, `${describe(name)} without a token`);
      for (const header of malformed) assertError(await f.at(undefined, request, header), 401, `${describe(name)} with ${header}`);
      for (const [which, token] of Object.entries(f.refused)) {
        assertError(await f.at(token, request), 401, `${describe(name)} with an ${which} token`);
      }
    }
  });

  await t.test('an introspection secret route takes no latchkey token instead of its secret', async () => {
    for (const name of authenticated.filter((n) => routes[n].authentication === 'introspection-secret')) {
      assertError(await f.at(f.h.userToken, sampleRequest(routes[name], f.reached)), 401, describe(name));
    }
  });

  await t.test('404 for an application, organization or token the caller does not reach', async () => {
    for (const name of tokenRoutes.filter((n) => routes[n].path.includes(':'))) {
      const response = await f.at(f.h.userToken, sampleRequest(routes[name], f.foreign));
      assertError(response, 404, describe(name));
    }
  });

  await t.test("403 for a token holding every scope but those the route's action accepts", async () => {
    for (const name of tokenRoutes) {
      const lacking = userTokenScopes.filter((scope) => !actions[name].has(scope));
      const { token } = await mintToken(f.h.store, { ownerType: 'user', ownerId: f.h.userId }, { scope: lacking });
      assertError(await f.at(token, sampleRequest(routes[name], f.reached)), 403, describe(name));
    }
  });

  await t.test("an organization's view role: every application write is 403, every read is let through", async () => {
    for (const name of applicationRoutes) {
      const route: RouteDefinition = routes[name];
      const response = await f.at(f.viewer, sampleRequest(route, { ...f.reached, applicationId: f.orgApplicationId }));
      if (route.access === 'write') {
        const body = assertError(response, 403, describe(name));
        assert.match(body.message, /view role does not permit/, describe(name));
      } else {
        assert.notEqual(response.statusCode, 403, `${describe(name)}: ${response.body}`);
        assert.ok(response.statusCode < 500, `${describe(name)}: ${response.body}`);
      }
    }
  });
});
