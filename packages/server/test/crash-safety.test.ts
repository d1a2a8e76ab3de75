// Crash safety: the server is SIGKILLed while creates, patches and deletes are in
// flight, then restarted on the same database, round after round. Every acknowledged
// write must be there (creates with their name, patches with their new name and status,
// deletes gone) and nothing may be half-written: every listed token is complete and
// valid, totalCount matches the list, and every listed id can be read back.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import {
  bannerEnd,
  freePort,
  hexId,
  listening,
  parseFirstAdmin,
  sandbox,
  waitForStdout,
  type FirstAdmin,
  type Proc,
  type Sandbox,
} from './helpers/cli.js';
import { postgresSkipReason, postgresUrl } from './helpers/stores.js';

interface Expected {
  name: string;
  status: 'active' | 'inactive';
}

interface WireToken {
  id: string;
  apiTokenId: string;
  ownerId: string;
  ownerType: string;
  creatorId: string;
  creatorType: string;
  creatorName: string;
  name: string;
  description: string;
  scope: string[];
  status: string;
  creationDate: string;
  lastUpdated: string;
  expirationDate?: string;
  lastUsed?: string;
}

const isoDate = (value: unknown) =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;

function assertComplete(token: WireToken, applicationId: string): void {
  const context = JSON.stringify(token);
  assert.match(token.id, hexId, context);
  assert.equal(token.apiTokenId, token.id, context);
  assert.equal(token.ownerId, applicationId, context);
  assert.equal(token.ownerType, 'application', context);
  assert.match(token.creatorId, hexId, context);
  assert.ok(token.creatorType === 'apiToken' || token.creatorType === 'user', context);
  assert.equal(typeof token.creatorName, 'string', context);
  assert.ok(typeof token.name === 'string' && token.name.length > 0, context);
  assert.equal(typeof token.description, 'string', context);
  assert.ok(Array.isArray(token.scope) && token.scope.length > 0 && token.scope.every((s) => typeof s === 'string'), context);
  assert.ok(token.status === 'active' || token.status === 'inactive', context);
  assert.ok(isoDate(token.creationDate) && isoDate(token.lastUpdated), context);
  assert.ok(Date.parse(token.lastUpdated) >= Date.parse(token.creationDate), context);
  if (token.expirationDate !== undefined) assert.ok(isoDate(token.expirationDate), context);
  if (token.lastUsed !== undefined) assert.ok(isoDate(token.lastUsed), context);
}

/** fetch that retries connection errors for a moment (a restarted server, a stale keep-alive socket). */
async function request(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A complete answer (status and whole body), or undefined when the connection died first. */
async function send(url: string, init: RequestInit): Promise<{ status: number; text: string } | undefined> {
  try {
    const response = await fetch(url, init);
    return { status: response.status, text: await response.text() };
  } catch {
    return undefined;
  }
}

interface Run {
  box: Sandbox;
  args: string[];
  port: number;
  admin: FirstAdmin;
  server: Proc;
}

async function firstStart(t: TestContext, database: (dir: string) => string): Promise<Run> {
  const box = await sandbox(t);
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--host', '127.0.0.1', '--database', database(box.dir)];
  const server = box.spawn(args, { timeoutMs: 120_000 });
  await waitForStdout(server, bannerEnd);
  return { box, args, port, admin: parseFirstAdmin(server.stdout), server };
}

/** Lists, checks completeness, reads each id back; returns the tokens by id. */
async function verify(
  run: Run,
  model: Map<string, Expected>,
  uncertain: Map<string, Expected[] | 'maybe-deleted' | 'maybe-created'>,
  round: number,
) {
  const base = `http://127.0.0.1:${run.port}/applications/${run.admin.applicationId}/tokens`;
  const headers = { authorization: `Bearer ${run.admin.token}` };
  const listed = await request(`${base}?perPage=1000&sortField=id`, { headers });
  assert.equal(listed.status, 200, `round ${round}: list`);
  const page = (await listed.json()) as { items: WireToken[]; totalCount: number; count: number };
  assert.equal(page.totalCount, page.items.length, `round ${round}: totalCount equals the items listed`);
  assert.equal(page.count, page.items.length);
  const found = new Map(page.items.map((token) => [token.id, token]));
  assert.equal(found.size, page.items.length, `round ${round}: no duplicate ids`);
  for (const token of page.items) assertComplete(token, run.admin.applicationId);
  await Promise.all(
    page.items.map(async (token) => {
      const one = await request(`${base}/${token.id}`, { headers });
      assert.equal(one.status, 200, `round ${round}: GET ${token.id}`);
      const { lastUsed: _a, ...got } = (await one.json()) as WireToken;
      const { lastUsed: _b, ...listedToken } = token;
      assert.deepEqual(got, listedToken, `round ${round}: GET ${token.id} matches the list`);
    }),
  );

  // The model: acknowledged state must hold; unacknowledged writes may or may not have landed.
  for (const [id, expected] of model) {
    const token = found.get(id);
    const doubt = uncertain.get(id);
    if (doubt === 'maybe-deleted') {
      if (!token) model.delete(id);
      else assert.deepEqual({ name: token.name, status: token.status }, expected, `round ${round}: ${id} unchanged or deleted`);
      continue;
    }
    assert.ok(token, `round ${round}: acknowledged token ${id} (${expected.name}) is missing`);
    const actual = { name: token.name, status: token.status as Expected['status'] };
    if (Array.isArray(doubt)) {
      assert.ok(
        doubt.some((option) => option.name === actual.name && option.status === actual.status),
        `round ${round}: ${id} is ${JSON.stringify(actual)}, expected one of ${JSON.stringify(doubt)}`,
      );
      model.set(id, actual);
    } else {
      assert.deepEqual(actual, expected, `round ${round}: ${id} has its acknowledged name and status`);
    }
  }
  for (const [id, token] of found) {
    if (model.has(id)) continue;
    // Only an unacknowledged create may appear unannounced, with the name it was sent.
    const doubt = [...uncertain].find(([key, value]) => value === 'maybe-created' && key === token.name);
    assert.ok(doubt, `round ${round}: unexpected token ${id} ${token.name}`);
    model.set(id, { name: token.name, status: token.status as Expected['status'] });
  }
  uncertain.clear();
}

async function crashRounds(t: TestContext, database: (dir: string) => string, rounds: number): Promise<void> {
  const run = await firstStart(t, database);
  const base = `http://127.0.0.1:${run.port}/applications/${run.admin.applicationId}/tokens`;
  const headers = { authorization: `Bearer ${run.admin.token}`, 'content-type': 'application/json' };
  const model = new Map<string, Expected>();
  // Keyed by token id (patches, deletes) or by name (creates that got no answer).
  const uncertain = new Map<string, Expected[] | 'maybe-deleted' | 'maybe-created'>();
  let acknowledged = 0;
  let unacknowledged = 0;

  for (let round = 0; round < rounds; round++) {
    await verify(run, model, uncertain, round);
    const existing = [...model.keys()].sort(() => Math.random() - 0.5);
    const toDelete = existing.slice(0, 6);
    const toPatch = existing.slice(6, 16);
    const ops: Array<Promise<void>> = [];
    // The kill comes once a random number of this round's writes were acknowledged,
    // so that some are done and others are still in flight.
    const killAfter = 1 + Math.floor(Math.random() * 16);
    let roundAcks = 0;
    let enoughAcks!: () => void;
    const enough = new Promise<void>((resolve) => (enoughAcks = resolve));
    const acked = () => {
      acknowledged++;
      if (++roundAcks >= killAfter) enoughAcks();
    };
    for (let i = 0; i < 16; i++) {
      const name = `r${round}-c${i}-${randomBytes(3).toString('hex')}`;
      const status = i % 3 === 0 ? 'inactive' : 'active';
      uncertain.set(name, 'maybe-created');
      ops.push(
        send(base, { method: 'POST', headers, body: JSON.stringify({ name, status, scope: ['all.Device.read'] }) }).then((answer) => {
          if (!answer) return void unacknowledged++;
          assert.equal(answer.status, 201, answer.text);
          const created = JSON.parse(answer.text) as WireToken;
          assert.equal(created.name, name);
          model.set(created.id, { name, status });
          acked();
        }),
      );
    }
    for (const [i, id] of toPatch.entries()) {
      const before = model.get(id)!;
      const after: Expected = { name: `r${round}-p${i}`, status: before.status === 'active' ? 'inactive' : 'active' };
      uncertain.set(id, [before, after]);
      ops.push(
        send(`${base}/${id}`, { method: 'PATCH', headers, body: JSON.stringify(after) }).then((answer) => {
          if (!answer) return void unacknowledged++;
          assert.equal(answer.status, 200, answer.text);
          uncertain.delete(id);
          model.set(id, after);
          acked();
        }),
      );
    }
    for (const id of toDelete) {
      uncertain.set(id, 'maybe-deleted');
      ops.push(
        send(`${base}/${id}`, { method: 'DELETE', headers: { authorization: headers.authorization } }).then((answer) => {
          if (!answer) return void unacknowledged++;
          assert.equal(answer.status, 200, answer.text);
          uncertain.delete(id);
          model.delete(id);
          acked();
        }),
      );
    }
    await Promise.race([enough, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    run.server.child.kill('SIGKILL');
    await Promise.all(ops);
    await run.server.exited;
    run.server = run.box.spawn(run.args, { timeoutMs: 120_000 });
    await waitForStdout(run.server, listening);
  }
  await verify(run, model, uncertain, rounds);
  t.diagnostic(
    `${rounds} rounds: ${acknowledged} acknowledged writes, ${unacknowledged} cut off by SIGKILL, ${model.size} tokens at the end`,
  );
  assert.ok(acknowledged > 0, 'some writes were acknowledged before a kill');
  run.server.child.kill('SIGTERM');
  await run.server.exited;
}

test('SQLite: acknowledged writes survive SIGKILL mid-flight, nothing half-written (20 rounds, one database)', async (t) => {
  await crashRounds(t, (dir) => `sqlite:${join(dir, 'crash.sqlite')}`, 20);
});

test('PostgreSQL: acknowledged writes survive SIGKILL mid-flight, nothing half-written', async (t) => {
  const reason = await postgresSkipReason();
  if (reason) {
    t.skip(reason);
    return;
  }
  const name = `lk_crash_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  // `with (force)`: even if a server were still connected.
  t.after(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  await crashRounds(t, () => url.toString(), 8);
});
