// POST /verify on two latchkey nodes sharing one PostgreSQL database: credits are
// spent exactly, whichever node is asked and however many ask at once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import { freshSchema, postgresSkipReason, postgresUrl } from './helpers/stores.js';

const secret = 'verify-nodes-secret-of-the-test-suite';

async function startNode(t: TestContext, schema: string): Promise<FastifyInstance> {
  const store = await openStore(postgresUrl, { schema });
  const app = await buildApp({ store, introspectionSecret: secret });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

test('200 concurrent verifications over two PostgreSQL nodes: exactly `remaining` are VALID', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const schema = await freshSchema(t);
  const nodes = [await startNode(t, schema), await startNode(t, schema)];
  const store = await openStore(postgresUrl, { schema });
  t.after(() => store.close());
  const boot = await bootstrap(store, { email: 'ops@example.com', password: 'ops password', applicationName: 'Credits' });
  const created = await nodes[0]!.inject({
    method: 'POST',
    url: `/applications/${boot.applicationId}/tokens`,
    headers: { authorization: `Bearer ${boot.token}` },
    payload: { name: 'metered', credits: { remaining: 57 } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { token, id } = created.json();
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      nodes[i % 2]!.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${secret}` }, payload: { token } }),
    ),
  );
  const codes = answers.map((a) => a.json().code as string);
  assert.equal(codes.filter((c) => c === 'VALID').length, 57);
  assert.equal(codes.filter((c) => c === 'USAGE_EXCEEDED').length, 143);
  // Each VALID answer saw a different balance: no two spent the same credit.
  const balances = answers.filter((a) => a.json().code === 'VALID').map((a) => a.json().credits.remaining as number);
  assert.deepEqual(
    balances.sort((x, y) => x - y),
    Array.from({ length: 57 }, (_, i) => i),
  );
  const read = await nodes[1]!.inject({
    method: 'GET',
    url: `/applications/${boot.applicationId}/tokens/${id}`,
    headers: { authorization: `Bearer ${boot.token}` },
  });
  assert.deepEqual(read.json().credits, { remaining: 0 });
});
