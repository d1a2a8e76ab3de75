// The store announces every committed write, naming what it changed, and nothing
// else can forget to: the writes are every function on a store that port.ts does
// not declare a read, so a new write fails here until it has a case below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '@latchkey/contract';
import { hashToken } from '../src/auth/token-hash.js';
import { openStore } from '../src/storage/open-store.js';
import { storeReads, type AuditEntry, type Store, type StoreEvent } from '../src/storage/port.js';
import { tokenEvent } from '../src/webhooks/token-events.js';
import { functionsOf, storeToken as token, storeWebhook, t0 } from './helpers/store-fixtures.js';
import { adapters, freshSchema, postgresUrl, skipUnavailable } from './helpers/stores.js';

function audit(action = 'x.y'): AuditEntry {
  return {
    id: newId(),
    at: t0,
    actorType: 'operator',
    actorId: null,
    action,
    targetType: 'apiToken',
    targetId: null,
    applicationId: null,
    orgId: null,
    sourceAddress: null,
    outcome: 'success',
  };
}

interface Fixture {
  userId: string;
  appId: string;
  orgId: string;
  memberId: string;
  tokenId: string;
}

async function seed(store: Store): Promise<Fixture> {
  const user = (email: string) => ({
    id: newId(),
    email,
    firstName: 'U',
    lastName: '',
    passwordHash: 'x',
    createdAt: t0,
    updatedAt: t0,
    passwordUpdatedAt: t0,
  });
  const owner = user(`o${newId()}@example.com`);
  const member = user(`m${newId()}@example.com`);
  await store.createUser(owner);
  await store.createUser(member);
  const appId = newId();
  await store.createApplication({
    id: appId,
    ownerType: 'user',
    ownerId: owner.id,
    name: 'A',
    description: '',
    createdAt: t0,
    updatedAt: t0,
  });
  const orgId = newId();
  await store.createOrganization({ id: orgId, name: 'O', description: '', createdAt: t0, updatedAt: t0 }, owner.id);
  await store.setMember(orgId, member.id, 'view', t0);
  const first = token(appId);
  await store.createToken(first);
  return { userId: owner.id, appId, orgId, memberId: member.id, tokenId: first.id };
}

type Case = (store: Store, f: Fixture) => Promise<(event: StoreEvent) => boolean>;

/** A webhook of the fixture's application with one delivery enqueued, claimed when told. */
async function enqueued(store: Store, f: Fixture, claim = false) {
  const webhook = storeWebhook(f.appId);
  assert.equal(await store.createWebhook(webhook), true);
  const event = tokenEvent('token.expiring', { id: f.tokenId, ownerType: 'application', ownerId: f.appId }, t0);
  assert.equal(await store.enqueueTokenEvents([event]), 1);
  // Earlier cases' deliveries are due too: this webhook's is the one.
  const claims = claim ? await store.claimWebhookDeliveries(t0 + 1, 100, 60_000) : [];
  const mine = claims.filter((c) => c.webhookId === webhook.id);
  if (claim) assert.equal(mine.length, 1);
  return { webhook, event, claim: mine[0]! };
}

/** Each write, made to change something, and the event that must name what it changed. */
const writes: Record<string, Case> = {
  async createUser(store) {
    const id = newId();
    await store.createUser({
      id,
      email: `${id}@e.com`,
      firstName: '',
      lastName: '',
      passwordHash: 'x',
      createdAt: t0,
      updatedAt: t0,
      passwordUpdatedAt: t0,
    });
    return (e) => e.kind === 'user' && e.id === id;
  },
  async endSessions(store, f) {
    await store.createToken(token(f.userId, 'session', 'session'));
    const kept = token(f.userId, 'kept', 'session');
    assert.deepEqual(await store.endSessions(f.userId, { at: t0 + 1, passwordHash: 'y', keep: kept }), {
      sessions: 1,
      deactivatedTokenIds: [],
    });
    return (e) => e.kind === 'sessions' && e.userId === f.userId && e.kept === kept.id;
  },
  async updateUser(store, f) {
    const updated = await store.updateUser(f.userId, { tokenPolicy: { requireExpiration: true } }, t0 + 1);
    assert.ok(updated && updated !== 'email-taken');
    return (e) => e.kind === 'user' && e.id === f.userId;
  },
  async createApplication(store, f) {
    const id = newId();
    await store.createApplication({ id, ownerType: 'user', ownerId: f.userId, name: 'B', description: '', createdAt: t0, updatedAt: t0 });
    return (e) => e.kind === 'application' && e.id === id;
  },
  async updateApplication(store, f) {
    assert.ok(await store.updateApplication(f.appId, { name: 'renamed' }, t0 + 1));
    return (e) => e.kind === 'application' && e.id === f.appId;
  },
  async deleteApplication(store, f) {
    assert.equal(await store.deleteApplication(f.appId), true);
    return (e) => e.kind === 'owner' && e.id === f.appId;
  },
  async createOrganization(store, f) {
    const id = newId();
    await store.createOrganization({ id, name: 'P', description: '', createdAt: t0, updatedAt: t0 }, f.userId);
    return (e) => e.kind === 'organization' && e.id === id;
  },
  async updateOrganization(store, f) {
    assert.ok(await store.updateOrganization(f.orgId, { description: 'd' }, t0 + 1));
    return (e) => e.kind === 'organization' && e.id === f.orgId;
  },
  async deleteOrganization(store, f) {
    assert.equal(await store.deleteOrganization(f.orgId), 'deleted');
    return (e) => e.kind === 'organization' && e.id === f.orgId;
  },
  async setMember(store, f) {
    assert.equal(await store.setMember(f.orgId, f.memberId, 'edit', t0), 'ok');
    return (e) => e.kind === 'member' && e.orgId === f.orgId && e.userId === f.memberId;
  },
  async createToken(store, f) {
    assert.equal(await store.createToken(token(f.appId)), true);
    return (e) => e.kind === 'tokens-created' && e.ownerType === 'application' && e.ownerId === f.appId;
  },
  async createTokens(store, f) {
    await store.createTokens([token(f.userId, 'a', 'user'), token(f.userId, 'b', 'user')]);
    return (e) => e.kind === 'tokens-created' && e.ownerType === 'user' && e.ownerId === f.userId;
  },
  async updateToken(store, f) {
    assert.ok(await store.updateToken('application', f.appId, f.tokenId, { status: 'inactive' }, t0 + 1));
    return (e) => e.kind === 'token' && e.id === f.tokenId && e.ownerId === f.appId && e.deleted === undefined;
  },
  async deleteToken(store, f) {
    assert.equal(await store.deleteToken('application', f.appId, f.tokenId), true);
    return (e) => e.kind === 'token' && e.id === f.tokenId && e.ownerId === f.appId && e.deleted === true;
  },
  async rotateToken(store, f) {
    const rotation = { hash: hashToken(`rotated-${f.tokenId}`), at: t0 + 5, previousSecretExpiresAt: t0 + 60_000 };
    assert.ok(await store.rotateToken('application', f.appId, f.tokenId, rotation));
    return (e) => e.kind === 'token' && e.id === f.tokenId && e.ownerId === f.appId && e.deleted === undefined;
  },
  async revokeToken(store, f) {
    // The fixture's token was stored with the secret `secret-<id>` (storeToken).
    assert.ok(await store.revokeToken('application', f.appId, f.tokenId, hashToken(`secret-${f.tokenId}`), t0 + 5));
    return (e) => e.kind === 'token' && e.id === f.tokenId && e.ownerId === f.appId && e.deleted === undefined;
  },
  async touchToken(store, f) {
    await store.touchToken(f.tokenId, t0 + 5);
    return (e) => e.kind === 'token-used' && e.id === f.tokenId && e.ownerId === f.appId;
  },
  async spendCredits(store, f) {
    await store.updateToken('application', f.appId, f.tokenId, { credits: { remaining: 5, refill: null, refilledAt: t0 } }, t0 + 5);
    assert.deepEqual(await store.spendCredits({ id: f.tokenId, cost: 2, refillSince: null, at: Date.now() }), {
      spent: true,
      remaining: 3,
      crossed: false,
    });
    return (e) => e.kind === 'token-used' && e.id === f.tokenId && e.ownerId === f.appId;
  },
  async addUsage(store, f) {
    await store.addUsage([{ tokenId: f.tokenId, ownerType: 'application', ownerId: f.appId, code: 'VALID', minute: t0, count: 1 }]);
    return (e) => e.kind === 'usage' && e.change === 'added';
  },
  async pruneUsage(store, f) {
    await store.addUsage([{ tokenId: f.tokenId, ownerType: 'application', ownerId: f.appId, code: 'VALID', minute: t0, count: 1 }]);
    await store.pruneUsage({ minute: t0 + 60_000, hour: t0 });
    return (e) => e.kind === 'usage' && e.change === 'pruned';
  },
  async createWebhook(store, f) {
    const webhook = storeWebhook(f.appId);
    assert.equal(await store.createWebhook(webhook), true);
    return (e) => e.kind === 'webhook' && e.id === webhook.id && e.ownerId === f.appId && e.deleted === undefined;
  },
  async updateWebhook(store, f) {
    const webhook = storeWebhook(f.userId, 'user');
    await store.createWebhook(webhook);
    assert.ok(await store.updateWebhook('user', f.userId, webhook.id, { enabled: false }, t0 + 1));
    return (e) => e.kind === 'webhook' && e.id === webhook.id && e.ownerType === 'user' && e.deleted === undefined;
  },
  async deleteWebhook(store, f) {
    const webhook = storeWebhook(f.appId);
    await store.createWebhook(webhook);
    assert.equal(await store.deleteWebhook('application', f.appId, webhook.id), true);
    return (e) => e.kind === 'webhook' && e.id === webhook.id && e.deleted === true;
  },
  async enqueueTokenEvents(store, f) {
    await enqueued(store, f);
    return (e) => e.kind === 'webhook-deliveries' && e.change === 'enqueued';
  },
  async enqueueCreditCrossings(store, f) {
    assert.equal(await store.createWebhook(storeWebhook(f.appId, 'application', ['token.credits_low'])), true);
    // Spending a whole balance crosses every threshold.
    const credits = { remaining: 4, refill: null, refilledAt: t0, initial: 4 };
    await store.updateToken('application', f.appId, f.tokenId, { credits }, t0 + 6);
    assert.equal((await store.spendCredits({ id: f.tokenId, cost: 4, refillSince: null, at: t0 }))?.crossed, true);
    assert.ok((await store.enqueueCreditCrossings()) >= 1);
    return (e) => e.kind === 'webhook-deliveries' && e.change === 'enqueued';
  },
  async redeliverWebhookDelivery(store, f) {
    const { webhook, event } = await enqueued(store, f);
    assert.ok(await store.redeliverWebhookDelivery(webhook.id, event.id, t0 + 5));
    return (e) => e.kind === 'webhook-deliveries' && e.change === 'enqueued';
  },
  async claimWebhookDeliveries(store, f) {
    await enqueued(store, f, true);
    return (e) => e.kind === 'webhook-deliveries' && e.change === 'claimed';
  },
  async recordWebhookAttempt(store, f) {
    const { claim } = await enqueued(store, f, true);
    await store.recordWebhookAttempt(claim, { at: t0 + 2, statusCode: 204, latencyMs: 3, error: null }, { delivered: true });
    return (e) => e.kind === 'webhook-deliveries' && e.change === 'attempted';
  },
  async pruneWebhookDeliveries(store, f) {
    const { claim } = await enqueued(store, f, true);
    await store.recordWebhookAttempt(claim, { at: t0 + 2, statusCode: 204, latencyMs: 3, error: null }, { delivered: true });
    await store.pruneWebhookDeliveries(t0 + 1);
    return (e) => e.kind === 'webhook-deliveries' && e.change === 'pruned';
  },
  async recordAudit(store) {
    const entry = audit('auth.login');
    await store.recordAudit(entry);
    return (e) => e.kind === 'audit' && e.id === entry.id;
  },
};

for (const adapter of adapters) {
  test(`${adapter.name}: every write announces what it changed, to this process's listeners, before it resolves`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const found = functionsOf(store).filter((name) => !(storeReads as readonly string[]).includes(name));
    assert.deepEqual(found, Object.keys(writes).sort(), 'each write on the store has a case here, and each case is a write');
    const events: StoreEvent[] = [];
    store.subscribe((event) => events.push(event));
    for (const name of found) {
      const fixture = await seed(store);
      events.length = 0;
      const names = await writes[name]!(store, fixture);
      // Checked right after the write resolves: events delivered later would be missed.
      assert.ok(events.some(names), `${name} announced ${JSON.stringify(events)}`);
    }
    // Reads announce nothing.
    const fixture = await seed(store);
    events.length = 0;
    await store.getToken('application', fixture.appId, fixture.tokenId);
    await store.listTokenRefs('application', fixture.appId, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 });
    await store.listMembers(fixture.orgId);
    assert.deepEqual(events, []);
  });

  test(`${adapter.name}: every token write moves the token's version and its owner's page revision`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const f = await seed(store);
    const query = { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 } as const;
    const filtered = { ...query, filter: { field: 'name', glob: 't*' } } as const;
    const version = async () => (await store.getToken('application', f.appId, f.tokenId))!.version;
    const revisions = async () => [
      (await store.listTokenRefs('application', f.appId, query)).revision,
      (await store.listTokenRefs('application', f.appId, filtered)).revision,
    ];
    const changes: Array<[string, () => Promise<unknown>, boolean]> = [
      ['rename', () => store.updateToken('application', f.appId, f.tokenId, { name: 'tok2' }, t0 + 1), true],
      ['describe', () => store.updateToken('application', f.appId, f.tokenId, { description: 'd' }, t0 + 2), true],
      ['deactivate', () => store.updateToken('application', f.appId, f.tokenId, { status: 'inactive' }, t0 + 3), true],
      ['touch', () => store.touchToken(f.tokenId, t0 + 4), true],
      [
        'give credits',
        () => store.updateToken('application', f.appId, f.tokenId, { credits: { remaining: 2, refill: null, refilledAt: t0 } }, t0 + 5),
        true,
      ],
      ['spend', () => store.spendCredits({ id: f.tokenId, cost: 1, refillSince: null, at: Date.now() }), true],
      [
        'rotate',
        () => store.rotateToken('application', f.appId, f.tokenId, { hash: hashToken('r1'), at: t0 + 6, previousSecretExpiresAt: t0 + 9 }),
        true,
      ],
      ['touch the previous secret', () => store.touchToken(f.tokenId, t0 + 7, 'previous'), true],
      [
        'revoke the previous secret',
        () => store.revokeToken('application', f.appId, f.tokenId, hashToken(`secret-${f.tokenId}`), t0 + 8),
        true,
      ],
      ['reactivate', () => store.updateToken('application', f.appId, f.tokenId, { status: 'active' }, t0 + 9), true],
      ['revoke', () => store.revokeToken('application', f.appId, f.tokenId, hashToken('r1'), t0 + 9), true],
      ['create', () => store.createToken(token(f.appId)), false],
      ['create many', () => store.createTokens([token(f.appId)]), false],
    ];
    for (const [what, change, moves] of changes) {
      const [before, revisionsBefore] = [await version(), await revisions()];
      assert.deepEqual(await revisions(), revisionsBefore, `${what}: no write, the same revision`);
      await change();
      if (moves) assert.ok((await version()) > before, `${what} moves the version`);
      const after = await revisions();
      assert.ok(
        after.every((r, i) => r !== null && r !== revisionsBefore[i]),
        `${what} moves the revision: ${revisionsBefore} -> ${after}`,
      );
    }
    const before = await revisions();
    await store.deleteToken('application', f.appId, f.tokenId);
    assert.notDeepEqual(await revisions(), before, 'delete moves the revision');
  });
}

test('every UPDATE of api_tokens goes through changeToken, or is the spend of credits, and moves the version', () => {
  const root = join(import.meta.dirname, '../src/storage');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const updates = files.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(/updateTable\(\s*'api_tokens'\s*\)|update\s+api_tokens\b/gi)].map(() => file);
  });
  // changeToken's, and the spend's raw statement (prepared by both adapters; its revision move is tested with the other writes').
  // Migrations may backfill a column no rendering or page shows (they run before a node serves).
  assert.deepEqual(
    updates.filter((file) => file !== 'sql/migrations.ts'),
    ['sql/tokens.ts', 'sql/tokens.ts'],
  );
  const tokens = readFileSync(join(root, 'sql/tokens.ts'), 'utf8');
  const spend = tokens.slice(tokens.indexOf('function spendUpdateSql'));
  assert.match(spend.slice(0, spend.indexOf('\n}\n')), /update api_tokens\s+set [^;]*version = version \+ 1\s+where/);
  const body = tokens.slice(tokens.indexOf('export async function changeToken'));
  assert.match(
    body.slice(0, body.indexOf('\n}\n')),
    /updateTable\('api_tokens'\)\s*\.set\(\{ \.\.\.change, version: sql<number>`version \+ 1` \}\)/,
  );
});

test("postgres: a write on one node reaches the other node's listeners, and its own only once", async (t) => {
  if (await skipUnavailable(t, adapters[1]!)) return;
  const schema = await freshSchema(t);
  const a = await openStore(postgresUrl, { schema });
  const b = await openStore(postgresUrl, { schema });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  const seenByA: StoreEvent[] = [];
  const seenByB: StoreEvent[] = [];
  a.subscribe((event) => seenByA.push(event));
  b.subscribe((event) => seenByB.push(event));
  const f = await seed(a);
  await a.updateToken('application', f.appId, f.tokenId, { name: 'n' }, t0 + 1);
  await a.touchToken(f.tokenId, t0 + 2);
  const updated = (e: StoreEvent) => e.kind === 'token' && e.id === f.tokenId;
  const deadline = Date.now() + 5_000;
  while (!seenByB.some(updated) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(seenByB.some(updated), 'the other node heard of the update');
  assert.equal(seenByA.filter(updated).length, 1, 'the writing node heard of it once');
  assert.ok(seenByA.some((e) => e.kind === 'token-used'));
  assert.ok(!seenByB.some((e) => e.kind === 'token-used'), 'uses stay on the node that saw them');
});
