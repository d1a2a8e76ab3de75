// GET /verify/events: the changes that can alter a verification, as Server-Sent
// Events; resume from Last-Event-ID inside the buffer, reset outside it; heartbeats;
// streams ended on close; on two PostgreSQL nodes, a change on one reaches the other.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import type { VerificationEventsOptions } from '../src/events/verification-events.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/port.js';
import { openEventStream } from './helpers/event-stream.js';
import { freshSchema, postgresSkipReason, postgresUrl } from './helpers/stores.js';

const secret = 'events-test-introspection-secret';

interface Node {
  app: FastifyInstance;
  store: Store;
  url: string;
}

async function startNode(
  t: TestContext,
  events: VerificationEventsOptions = {},
  databaseUrl = 'sqlite::memory:',
  schema?: string,
): Promise<Node> {
  const store = await openStore(databaseUrl, schema ? { schema } : {});
  const app = await buildApp({ store, introspectionSecret: secret, verificationEvents: events });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return { app, store, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function withOwner(node: Node) {
  const boot = await bootstrap(node.store, { email: 'events@example.com', password: 'events password', applicationName: 'Events' });
  const applicationId = boot.applicationId!;
  const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const response = await node.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${boot.token}` },
      ...(payload ? { payload } : {}),
    });
    assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as { id: string; token: string };
  };
  const createToken = () => call('POST', `/applications/${applicationId}/tokens`, { name: 'downstream', scope: ['all.Device'] });
  const deactivate = (id: string) => call('PATCH', `/applications/${applicationId}/tokens/${id}`, { status: 'inactive' });
  return { boot, applicationId, call, createToken, deactivate };
}

test('a stream begins with reset, then names each token changed or deleted; broad changes reset', async (t) => {
  const node = await startNode(t);
  const { applicationId, call, createToken, deactivate } = await withOwner(node);

  const refused = await fetch(`${node.url}/verify/events`, { headers: { authorization: 'Bearer not-the-secret' } });
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as { type: string }).type, 'Unauthorized');

  const stream = await openEventStream(node.url, secret);
  t.after(() => stream.close());
  assert.equal(stream.response.status, 200);
  assert.match(stream.response.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(stream.response.headers.get('cache-control'), 'no-store');
  assert.equal((await stream.next()).retry, 1000);
  const first = await stream.nextEvent();
  assert.deepEqual(first.data, { type: 'reset' });
  assert.match(first.id ?? '', /^[0-9a-f]{12}-0$/);

  // Creating a token, or using it (its lastUsed is written), changes no verification: the first event is the patch's.
  const token = await createToken();
  const used = await fetch(`${node.url}/introspect`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token: token.token }),
  });
  assert.equal(((await used.json()) as { active: boolean }).active, true);
  await deactivate(token.id);
  const changed = await stream.nextEvent();
  assert.deepEqual(changed.data, { type: 'token.changed', tokenId: token.id });
  assert.equal(changed.id, first.id!.replace(/-0$/, '-1'));

  await call('DELETE', `/applications/${applicationId}/tokens/${token.id}`);
  assert.deepEqual((await stream.nextEvent()).data, { type: 'token.deleted', tokenId: token.id });

  // An organization (its members' roles decide what tokens may do): too broad to name.
  await call('POST', '/orgs', { name: 'Events Org' });
  assert.deepEqual((await stream.nextEvent()).data, { type: 'reset' });

  // An application's deletion takes all its tokens.
  const other = await call('POST', '/applications', { name: 'Doomed' });
  await call('DELETE', `/applications/${other.id}`);
  assert.deepEqual((await stream.nextEvent()).data, { type: 'reset' });
});

test('Last-Event-ID inside the buffer resumes with exactly the missed events; outside it, or foreign, resets', async (t) => {
  const node = await startNode(t, { bufferSize: 3 });
  const { createToken, deactivate } = await withOwner(node);
  const tokens = [await createToken(), await createToken(), await createToken(), await createToken()];

  const stream = await openEventStream(node.url, secret);
  const opening = await stream.nextEvent();
  await deactivate(tokens[0]!.id);
  const seen = await stream.nextEvent();
  stream.close();

  await deactivate(tokens[1]!.id);
  await deactivate(tokens[2]!.id);
  const resumed = await openEventStream(node.url, secret, seen.id);
  t.after(() => resumed.close());
  assert.deepEqual((await resumed.nextEvent()).data, { type: 'token.changed', tokenId: tokens[1]!.id });
  const last = await resumed.nextEvent();
  assert.deepEqual(last.data, { type: 'token.changed', tokenId: tokens[2]!.id });
  // Caught up: the next event is a new change, not a reset.
  await deactivate(tokens[3]!.id);
  const newest = await resumed.nextEvent();
  assert.deepEqual(newest.data, { type: 'token.changed', tokenId: tokens[3]!.id });

  // Resuming from the newest id replays nothing and resets nothing: the next frame is the next change.
  const current = await openEventStream(node.url, secret, newest.id);
  t.after(() => current.close());
  await deactivate(tokens[0]!.id);
  assert.deepEqual((await current.nextEvent()).data, { type: 'token.changed', tokenId: tokens[0]!.id });

  // The opening id is now four events back, the buffer holds three: reset.
  for (const lastEventId of [opening.id!, 'ffffffffffff-1', 'garbage', `${opening.id!.split('-')[0]}-99`]) {
    const stale = await openEventStream(node.url, secret, lastEventId);
    const frame = await stale.nextEvent();
    stale.close();
    assert.deepEqual(frame.data, { type: 'reset' }, lastEventId);
    assert.equal(frame.id, opening.id!.replace(/-0$/, '-5'), 'a reset carries the newest id, to resume from');
  }
});

test('heartbeats are comment lines; closing the app ends every open stream', async (t) => {
  const node = await startNode(t, { heartbeatMs: 20 });
  const stream = await openEventStream(node.url, secret);
  await stream.nextEvent();
  assert.deepEqual(await stream.next(), { comment: 'heartbeat' });
  await node.app.close();
  await stream.ended();
});

test('two PostgreSQL nodes: a token changed through node A is announced on node B’s stream', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const schema = await freshSchema(t);
  const a = await startNode(t, {}, postgresUrl, schema);
  const b = await startNode(t, {}, postgresUrl, schema);
  const { applicationId, call, createToken, deactivate } = await withOwner(a);
  const token = await createToken();
  const stream = await openEventStream(b.url, secret);
  t.after(() => stream.close());
  assert.deepEqual((await stream.nextEvent()).data, { type: 'reset' });
  await deactivate(token.id);
  assert.deepEqual((await stream.nextEvent()).data, { type: 'token.changed', tokenId: token.id });
  await call('DELETE', `/applications/${applicationId}/tokens/${token.id}`);
  assert.deepEqual((await stream.nextEvent()).data, { type: 'token.deleted', tokenId: token.id });
});
