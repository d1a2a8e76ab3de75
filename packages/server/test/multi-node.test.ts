// Several latchkey nodes on one PostgreSQL: revocation reaches every node, creates
// spread over nodes all land, and a node survives the database going away.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/port.js';
import { freshSchema, postgresSkipReason, postgresUrl } from './helpers/stores.js';
import { startProxy } from './helpers/tcp-proxy.js';

interface Node {
  app: FastifyInstance;
  store: Store;
}

async function startNode(t: TestContext, url: string, schema: string): Promise<Node> {
  const store = await openStore(url, { schema });
  // A long cache TTL, so only NOTIFY can explain a fast revocation on the other node.
  const app = await buildApp({ store, tokenCacheTtlMs: 60_000 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return { app, store };
}

/** Two nodes on one fresh schema, and an operator with an application (bootstrapped through node A). */
async function twoNodes(t: TestContext, applicationName: string) {
  const schema = await freshSchema(t);
  const a = await startNode(t, postgresUrl, schema);
  const b = await startNode(t, postgresUrl, schema);
  const boot = await bootstrap(a.store, { email: 'ops@example.com', password: 'ops password', applicationName });
  return { a, b, boot, appId: boot.applicationId! };
}

/** Repeats `request` until it answers `status`, for at most 2 s; the status last seen. */
async function statusWithin2s(request: () => Promise<{ statusCode: number }>, status: number): Promise<number> {
  const deadline = Date.now() + 2_000;
  let seen = 0;
  while (Date.now() < deadline && (seen = (await request()).statusCode) !== status) await new Promise((r) => setTimeout(r, 5));
  return seen;
}

async function skip(t: TestContext): Promise<boolean> {
  const reason = await postgresSkipReason();
  if (reason) t.skip(reason);
  return reason !== undefined;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

test('a token deactivated or deleted on node A is refused on node B, measured under traffic', async (t) => {
  if (await skip(t)) return;
  const { a, b, boot, appId } = await twoNodes(t, 'Fleet');
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const delays: number[] = [];

  for (let round = 0; round < 30; round++) {
    const create = await a.app.inject({
      method: 'POST',
      url: `/applications/${appId}/tokens`,
      headers: auth(boot.token),
      payload: { name: `r${round}` },
    });
    const { id, token } = create.json() as { id: string; token: string };
    // Warm node B's cache: it now holds the token as valid.
    assert.equal(
      (await b.app.inject({ method: 'GET', url: `/applications/${appId}/tokens?perPage=1`, headers: auth(token) })).statusCode,
      200,
    );
    const revoke =
      round % 2
        ? a.app.inject({ method: 'DELETE', url: `/applications/${appId}/tokens/${id}`, headers: auth(boot.token) })
        : a.app.inject({
            method: 'PATCH',
            url: `/applications/${appId}/tokens/${id}`,
            headers: auth(boot.token),
            payload: { status: 'inactive' },
          });
    assert.equal((await revoke).statusCode, 200);
    const revokedAt = performance.now();
    // Node B keeps serving the token until it is refused; bounded at 5 s.
    for (;;) {
      const res = await b.app.inject({ method: 'GET', url: `/applications/${appId}/tokens?perPage=1`, headers: auth(token) });
      if (res.statusCode === 401) break;
      assert.ok(performance.now() - revokedAt < 5_000, 'revocation reached node B within 5 s');
    }
    delays.push(performance.now() - revokedAt);
  }
  delays.sort((x, y) => x - y);
  const median = percentile(delays, 50);
  const p99 = percentile(delays, 99);
  t.diagnostic(`cross-node revocation delay over ${delays.length} rounds: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
  assert.ok(p99 < 1_000, `p99 ${p99} ms within the 1 s bound`);
});

test('deleting an application on node A refuses its tokens on node B', async (t) => {
  if (await skip(t)) return;
  const { a, b, boot, appId } = await twoNodes(t, 'Doomed');
  const create = await a.app.inject({
    method: 'POST',
    url: `/applications/${appId}/tokens`,
    headers: { authorization: `Bearer ${boot.token}` },
    payload: { name: 'x' },
  });
  const { token } = create.json() as { token: string };
  const list = () => b.app.inject({ method: 'GET', url: `/applications/${appId}/tokens`, headers: { authorization: `Bearer ${token}` } });
  assert.equal((await list()).statusCode, 200);
  const del = await a.app.inject({ method: 'DELETE', url: `/applications/${appId}`, headers: { authorization: `Bearer ${boot.token}` } });
  assert.equal(del.statusCode, 200);
  assert.equal(await statusWithin2s(list, 401), 401);
});

test('deleting an application on node A makes it unreachable on node B, where its owner was just served', async (t) => {
  if (await skip(t)) return;
  const { a, b, boot, appId } = await twoNodes(t, 'Gone');
  const headers = { authorization: `Bearer ${boot.token}` };
  // Node B now knows who owns the application (and its caches live for a minute).
  assert.equal((await b.app.inject({ method: 'GET', url: `/applications/${appId}/tokens`, headers })).statusCode, 200);
  assert.equal((await a.app.inject({ method: 'DELETE', url: `/applications/${appId}`, headers })).statusCode, 200);
  // Writes never trust what a node remembers: no token is created for the deleted
  // application, even before the news reaches node B.
  const create = await b.app.inject({ method: 'POST', url: `/applications/${appId}/tokens`, headers, payload: { name: 'orphan' } });
  assert.equal(create.statusCode, 404);
  assert.deepEqual(await a.store.listTokens('application', appId, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 }), {
    items: [],
    totalCount: 0,
  });
  // Reads may use it until the notification arrives, which is at once.
  const list = () => b.app.inject({ method: 'GET', url: `/applications/${appId}/tokens`, headers });
  assert.equal(await statusWithin2s(list, 404), 404);
});

test('a list or get on node B shows a change node A made a moment ago, though B had rendered the token before', async (t) => {
  if (await skip(t)) return;
  const { a, b, boot } = await twoNodes(t, 'Fleet');
  const url = `/applications/${boot.applicationId}/tokens`;
  const headers = { authorization: `Bearer ${boot.token}` };
  const created = (await a.app.inject({ method: 'POST', url, headers, payload: { name: 'before' } })).json() as {
    id: string;
    token: string;
  };
  const onB = async () => ({
    listed: ((await b.app.inject({ method: 'GET', url, headers })).json() as { items: Array<Record<string, unknown>> }).items.find(
      (i) => i.id === created.id,
    )!,
    got: (await b.app.inject({ method: 'GET', url: `${url}/${created.id}`, headers })).json() as Record<string, unknown>,
  });
  assert.equal((await onB()).listed.name, 'before');
  assert.equal(
    (await a.app.inject({ method: 'PATCH', url: `${url}/${created.id}`, headers, payload: { name: 'after', status: 'inactive' } }))
      .statusCode,
    200,
  );
  const { listed, got } = await onB();
  assert.deepEqual([listed.name, listed.status, got.name, got.status], ['after', 'inactive', 'after', 'inactive']);
  assert.deepEqual(listed, got);
});

test('hundreds of concurrent creates spread over two nodes all land, with unique ids', async (t) => {
  if (await skip(t)) return;
  const schema = await freshSchema(t);
  const nodes = [await startNode(t, postgresUrl, schema), await startNode(t, postgresUrl, schema)];
  const boot = await bootstrap(nodes[0]!.store, { email: 'ops@example.com', password: 'ops password', applicationName: 'Busy' });
  const appId = boot.applicationId!;
  const headers = { authorization: `Bearer ${boot.token}` };
  const results = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      nodes[i % 2]!.app.inject({ method: 'POST', url: `/applications/${appId}/tokens`, headers, payload: { name: `c${i}` } }),
    ),
  );
  assert.ok(
    results.every((r) => r.statusCode === 201),
    'every create answered 201',
  );
  const ids = new Set(results.map((r) => (r.json() as { id: string }).id));
  assert.equal(ids.size, 300);
  for (const node of nodes) {
    const list = await node.app.inject({ method: 'GET', url: `/applications/${appId}/tokens?perPage=1000`, headers });
    const listed = new Set((list.json() as { items: Array<{ id: string }> }).items.map((i) => i.id));
    assert.equal(list.json().totalCount, 300);
    for (const id of ids) assert.ok(listed.has(id));
  }
});

test('when PostgreSQL goes away: 503 Unavailable, /health 503, and recovery on its own', async (t) => {
  if (await skip(t)) return;
  const target = new URL(postgresUrl);
  const proxy = await startProxy(target.hostname, Number(target.port || 5432));
  t.after(() => proxy.close());
  const viaProxy = new URL(postgresUrl);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const schema = await freshSchema(t);
  const { app, store } = await startNode(t, viaProxy.toString(), schema);
  const boot = await bootstrap(store, { email: 'ops@example.com', password: 'ops password', applicationName: 'Faulty' });
  const headers = { authorization: `Bearer ${boot.token}` };
  const url = `/applications/${boot.applicationId}/tokens`;
  // (Where rate limits are counted is /health's too: redis-outage.test.ts checks that part.)
  const healthy = (await app.inject({ method: 'GET', url: '/health' })).json();
  assert.deepEqual({ status: healthy.status, database: healthy.database }, { status: 'ok', database: 'postgres' });

  // Traffic while the database is away: every answer is prompt and in the error shape.
  proxy.cut();
  const during = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      app.inject(
        i % 2
          ? { method: 'POST', url, headers, payload: { name: 'x' } }
          : { method: 'GET', url, headers: { authorization: `Bearer ${boot.token.slice(0, -1)}${boot.token.endsWith('x') ? 'y' : 'x'}` } },
      ),
    ),
  );
  for (const res of during) {
    assert.ok([503, 401].includes(res.statusCode), `status ${res.statusCode}`);
    assert.deepEqual(Object.keys(res.json()).sort(), ['message', 'type']);
  }
  assert.ok(during.some((r) => r.statusCode === 503 && r.json().type === 'Unavailable'));
  const health = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(health.statusCode, 503);
  assert.equal(health.json().type, 'Unavailable');

  proxy.restore();
  const deadline = Date.now() + 10_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await app.inject({ method: 'POST', url, headers, payload: { name: 'after' } })).statusCode;
    if (status === 201) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 201, 'the node recovered by itself');
  assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});

test('nodes starting together on an empty database migrate it once, without racing', async (t) => {
  if (await skip(t)) return;
  const schema = await freshSchema(t);
  const stores = await Promise.all([1, 2, 3].map(() => openStore(postgresUrl, { schema })));
  t.after(() => Promise.all(stores.map((s) => s.close())));
  for (const store of stores) assert.equal(await store.countUsers(), 0);
});

test('a role change on node A caps the member on node B at once', async (t) => {
  if (await skip(t)) return;
  const schema = await freshSchema(t);
  const a = await startNode(t, postgresUrl, schema);
  const b = await startNode(t, postgresUrl, schema);
  const admin = await bootstrap(a.store, { email: 'admin@example.com', password: 'admin password' });
  const member = await bootstrap(a.store, { email: 'member@example.com', password: 'member password' });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const org = (await a.app.inject({ method: 'POST', url: '/orgs', headers: as(admin.token), payload: { name: 'Org' } })).json() as {
    id: string;
  };
  const setRole = (role: string) =>
    a.app.inject({ method: 'PATCH', url: `/orgs/${org.id}/member`, headers: as(admin.token), payload: { userId: member.userId, role } });
  assert.equal((await setRole('edit')).statusCode, 200);
  const app = (
    await a.app.inject({ method: 'POST', url: '/applications', headers: as(admin.token), payload: { name: 'Shared', orgId: org.id } })
  ).json() as { id: string };
  const createOnB = () =>
    b.app.inject({ method: 'POST', url: `/applications/${app.id}/tokens`, headers: as(member.token), payload: { name: 'm' } });
  assert.equal((await createOnB()).statusCode, 201);
  assert.equal((await setRole('view')).statusCode, 200);
  assert.equal((await createOnB()).statusCode, 403);
});
