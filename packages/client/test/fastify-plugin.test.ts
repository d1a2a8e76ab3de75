// requireScope on a tiny Fastify service, against a live latchkey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createVerifier, type Verifier } from '../src/index.js';
import { requireScope } from '../src/fastify-plugin.js';
import { countingFetch, introspectionSecret, startIntrospectionServer } from './introspection-server.js';

async function service(verifier: Verifier) {
  const app = Fastify();
  app.post<{ Params: { applicationId: string } }>(
    '/applications/:applicationId/state',
    { preHandler: requireScope(verifier, 'device.sendState', (request) => request.params.applicationId) },
    async (request) => ({ tokenId: request.latchkey?.tokenId, ownerType: request.latchkey?.ownerType }),
  );
  // getApplicationId defaults to the applicationId route parameter.
  app.get('/applications/:applicationId/devices', { preHandler: requireScope(verifier, 'devices.get') }, async (request) => ({
    scope: request.latchkey?.scope,
  }));
  await app.ready();
  return app;
}

test('200 when allowed (request.latchkey set), 401 without an active token, 403 without the action', async (t) => {
  const server = await startIntrospectionServer(t);
  const counter = countingFetch();
  const verifier = createVerifier({ url: server.url, introspectionSecret, fetch: counter.fetch });
  const app = await service(verifier);
  t.after(() => app.close());
  const { applicationId } = server;
  const sendState = (authorization?: string, id = applicationId) =>
    app.inject({
      method: 'POST',
      url: `/applications/${id}/state`,
      headers: authorization === undefined ? {} : { authorization },
      payload: { temperature: 21 },
    });

  const device = await server.createToken(['all.Device']);
  const allowed = await sendState(`Bearer ${device.token}`);
  assert.equal(allowed.statusCode, 200);
  assert.deepEqual(allowed.json(), { tokenId: device.id, ownerType: 'application' });
  assert.equal((await sendState(`bearer  ${device.token}`)).statusCode, 200, 'the scheme is case-insensitive');

  const unauthorized = { type: 'Unauthorized', message: 'Authorization failed: invalid or missing token' };
  for (const authorization of [undefined, '', 'Bearer', 'Basic dXNlcjpwYXNz', `Token ${device.token}`, 'Bearer garbage']) {
    const response = await sendState(authorization);
    assert.equal(response.statusCode, 401, String(authorization));
    assert.deepEqual(response.json(), unauthorized);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
  }
  const inactive = await server.createToken(['all.Device']);
  await server.api('PATCH', `/applications/${applicationId}/tokens/${inactive.id}`, { status: 'inactive' });
  assert.deepEqual((await sendState(`Bearer ${inactive.token}`)).json(), unauthorized);

  const reader = await server.createToken(['all.Device.read']);
  const forbidden = await sendState(`Bearer ${reader.token}`);
  assert.equal(forbidden.statusCode, 403);
  assert.deepEqual(forbidden.json(), {
    type: 'Forbidden',
    message: `token lacks device.sendState on application ${applicationId}`,
  });
  const other = await server.api<{ id: string }>('POST', '/applications', { name: 'Other' });
  const elsewhere = await sendState(`Bearer ${device.token}`, other.id);
  assert.equal(elsewhere.statusCode, 403);
  assert.deepEqual(elsewhere.json(), { type: 'Forbidden', message: `token does not reach application ${other.id}` });
  assert.ok(!elsewhere.body.includes(device.token));

  // The default getApplicationId, and a read action that the read token holds.
  const devices = await app.inject({ url: `/applications/${applicationId}/devices`, headers: { authorization: `Bearer ${reader.token}` } });
  assert.equal(devices.statusCode, 200);
  assert.deepEqual(devices.json(), { scope: ['all.Device.read'] });
});

test('503 Unavailable when latchkey cannot answer; an unknown action fails at construction', async (t) => {
  const server = await startIntrospectionServer(t);
  const token = await server.createToken(['all.Device']);
  const app = await service(createVerifier({ url: server.url, introspectionSecret: 'wrong secret' }));
  t.after(() => app.close());
  const response = await app.inject({
    method: 'POST',
    url: `/applications/${server.applicationId}/state`,
    headers: { authorization: `Bearer ${token.token}` },
  });
  assert.equal(response.statusCode, 503, 'a misconfigured secret is not the caller’s 401');
  assert.equal(response.json().type, 'Unavailable');
  assert.ok(!response.body.includes(token.token));

  const verifier = createVerifier({ url: server.url, introspectionSecret });
  // @ts-expect-error: not a catalogue action
  assert.throws(() => requireScope(verifier, 'device.fly'), TypeError);
});
