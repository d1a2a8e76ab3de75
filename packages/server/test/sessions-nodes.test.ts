// Two latchkey nodes on one PostgreSQL: a session node B has verified (and keeps in
// its cache for a minute) is refused on node B right after a password change or a
// sign-out on node A; only NOTIFY can explain it.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { openStore } from '../src/storage/open-store.js';
import { freshSchema, postgresSkipReason, postgresUrl } from './helpers/stores.js';

const email = 'ops@example.com';
const password = 'ops password';

async function startNode(t: TestContext, schema: string): Promise<FastifyInstance> {
  const store = await openStore(postgresUrl, { schema });
  const app = await buildApp({ store, tokenCacheTtlMs: 60_000 });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  if (!(await store.findUserByEmail(email))) await bootstrap(store, { email, password });
  return app;
}

const me = (node: FastifyInstance, token: string) =>
  node.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });

async function signIn(node: FastifyInstance): Promise<string> {
  const res = await node.inject({ method: 'POST', url: '/auth/user', payload: { email, password } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().token;
}

/** Asks until the answer is 401, for at most 5 s (a generous bound: NOTIFY takes milliseconds); the last status. */
async function refusedWithin5s(request: () => Promise<LightMyRequestResponse>): Promise<number> {
  const deadline = Date.now() + 5_000;
  let status = 0;
  while ((status = (await request()).statusCode) !== 401 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return status;
}

test('a session in use on node B is refused there right after changePassword or logout on node A', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) return t.skip(reason);
  const schema = await freshSchema(t);
  const a = await startNode(t, schema);
  const b = await startNode(t, schema);

  const [caller, other] = [await signIn(a), await signIn(a)];
  for (const session of [caller, other]) assert.equal((await me(b, session)).statusCode, 200);
  const changed = await a.inject({
    method: 'PATCH',
    url: '/me/changePassword',
    headers: { authorization: `Bearer ${caller}` },
    payload: { password, newPassword: 'New-ops-passw0rd' },
  });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal(await refusedWithin5s(() => me(b, other)), 401);
  assert.equal(await refusedWithin5s(() => me(b, caller)), 401);
  const fresh = changed.json().token as string;
  assert.equal((await me(b, fresh)).statusCode, 200, 'the session the change answered lives on every node');

  const out = await a.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${fresh}` } });
  assert.equal(out.statusCode, 200);
  assert.equal(await refusedWithin5s(() => me(b, fresh)), 401);
});
