// The storage contract suite: every adapter must pass the same tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, type TokenPolicy } from '@latchkey/contract';
import { hashToken } from '../src/auth/token-hash.js';
import type { NewToken, Store, StoreEvent, TokenListQuery, UsageCount } from '../src/storage/port.js';
import { refillSince } from '../src/tokens/credit-refill.js';
import { tokenEvent } from '../src/webhooks/token-events.js';
import type { AuditEntry, WebhookClaim } from '../src/storage/port.js';
import { functionsOf, storeToken, storeWebhook, t0, twoStores } from './helpers/store-fixtures.js';
import { adapters as plainAdapters, skipUnavailable, type Adapter } from './helpers/stores.js';

const dayMs = 86_400_000;

/** The port methods each adapter's tests below have called (see the last test). */
const called = new Map<string, Set<string>>();

/** The adapters, their stores noting each method called on them. */
const adapters: Adapter[] = plainAdapters.map((adapter) => ({
  ...adapter,
  async open(t) {
    const store = await adapter.open(t);
    const seen = called.get(adapter.name) ?? new Set<string>();
    called.set(adapter.name, seen);
    return new Proxy(store, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || typeof name !== 'string') return value;
        seen.add(name);
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    });
  },
}));

/** An application token's event (tokenEvent takes no login session). */
function eventOf(type: Parameters<typeof tokenEvent>[0], x: NewToken, at: number) {
  return tokenEvent(type, { ...x, ownerType: 'application' }, at);
}

function token(ownerId: string, name: string, extra: Partial<NewToken> = {}): NewToken {
  return { ...storeToken(ownerId, name), ...extra };
}

/** The id-and-version page is the same page as listTokens', in the same order, with the same count. */
async function assertRefsMatch(store: Store, applicationId: string, query: TokenListQuery) {
  const { revision, ...refs } = await store.listTokenRefs('application', applicationId, query);
  const full = await store.listTokens('application', applicationId, query);
  assert.equal(typeof revision, 'string', 'a page read outside any transaction has a revision');
  assert.deepEqual(refs, { items: full.items.map((r) => ({ id: r.id, version: r.version })), totalCount: full.totalCount });
}

async function seedUser(store: Store, email = `u${newId()}@example.com`) {
  const id = newId();
  await store.createUser({
    id,
    email,
    firstName: 'U',
    lastName: '',
    passwordHash: 'x',
    createdAt: t0,
    updatedAt: t0,
    passwordUpdatedAt: t0,
  });
  return id;
}

async function seedApp(store: Store, ownerId: string, ownerType: 'user' | 'organization' = 'user', name = 'App') {
  const id = newId();
  await store.createApplication({ id, ownerType, ownerId, name, description: '', createdAt: t0, updatedAt: t0 });
  return id;
}

for (const adapter of adapters) {
  test(`${adapter.name}: users are found by id and by email, case-insensitively`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    assert.equal(await store.countUsers(), 0);
    const id = await seedUser(store, 'Mixed@Example.com');
    assert.equal(await store.countUsers(), 1);
    assert.equal((await store.findUserByEmail('mixed@example.COM'))?.id, id);
    assert.equal((await store.getUser(id))?.email, 'mixed@example.com');
    assert.deepEqual(await store.endSessions(id, { at: t0 + 1, passwordHash: 'y' }), { sessions: 0, deactivatedTokenIds: [] });
    assert.equal((await store.getUser(id))?.passwordHash, 'y');
    assert.equal((await store.getUser(id))?.passwordUpdatedAt, t0 + 1);
    await assert.rejects(seedUser(store, 'MIXED@example.com'), 'email is unique');
  });

  test(`${adapter.name}: tokens round-trip, by hash and by id, and never across owners`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const other = await seedApp(store, await seedUser(store));
    const expiring = token(app, 'Expiring', { expiresAt: t0 + 5000, scope: ['device.*', 'all.Device.read'], description: 'd' });
    const never = token(app, 'never');
    await store.createToken(expiring);
    await store.createToken(never);
    const found = await store.findTokenByHash(expiring.hash);
    const { hash: _hash, ...expected } = expiring;
    assert.deepEqual(found, { ...expected, version: 0, secret: 'current' });
    assert.equal((await store.findTokenByHash(never.hash))?.expiresAt, null);
    assert.equal(await store.findTokenByHash(hashToken('nope')), undefined);
    assert.equal((await store.getToken('application', app, never.id))?.name, 'never');
    assert.equal(await store.getToken('application', other, never.id), undefined);
    assert.equal(await store.getToken('user', app, never.id), undefined);
    await assert.rejects(store.createToken({ ...token(app, 'dup'), hash: never.hash }), 'hash is unique');
  });

  test(`${adapter.name}: update, touch and delete`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const record = token(app, 'before');
    await store.createToken(record);
    const updated = await store.updateToken('application', app, record.id, { name: 'After', status: 'inactive' }, t0 + 10);
    assert.equal(updated?.name, 'After');
    assert.equal(updated?.status, 'inactive');
    assert.equal(updated?.updatedAt, t0 + 10);
    // Every change moves the version on, a touch included: renderings keyed by it go stale.
    assert.equal(updated?.version, 1);
    assert.equal(await store.updateToken('application', newId(), record.id, { name: 'x' }, t0 + 11), undefined);
    await store.touchToken(record.id, t0 + 20);
    const touched = await store.getToken('application', app, record.id);
    assert.equal(touched?.lastUsedAt, t0 + 20);
    assert.equal(touched?.updatedAt, t0 + 10);
    assert.equal(touched?.version, 2);
    assert.equal(await store.deleteToken('application', newId(), record.id), false);
    assert.equal(await store.deleteToken('application', app, record.id), true);
    assert.equal(await store.findTokenByHash(record.hash), undefined);
    assert.equal(await store.deleteToken('application', app, record.id), false);
  });

  test(`${adapter.name}: list pages sort, tie-break by id, and filter with literal globs`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const names = ['b', 'B', 'a', '100%', '1000', 'a_b', 'axb', 'Zed', 'z*'];
    for (const [i, name] of names.entries()) {
      await store.createToken(
        token(app, name, { createdAt: t0 + (i % 3), status: i % 2 ? 'inactive' : 'active', expiresAt: i % 4 ? t0 + i : null }),
      );
    }
    for (const sortField of ['name', 'status', 'id', 'creationDate', 'lastUpdated', 'expirationDate'] as const) {
      for (const sortDirection of ['asc', 'desc'] as const) {
        const all = await store.listTokens('application', app, { sortField, sortDirection, page: 0, perPage: 100 });
        assert.equal(all.totalCount, names.length);
        const paged = [];
        for (let page = 0; page < names.length; page++) {
          paged.push(...(await store.listTokens('application', app, { sortField, sortDirection, page, perPage: 1 })).items);
        }
        assert.deepEqual(
          paged.map((r) => r.id),
          all.items.map((r) => r.id),
          `${sortField} ${sortDirection}`,
        );
        for (const page of [0, 1]) await assertRefsMatch(store, app, { sortField, sortDirection, page, perPage: 4 });
        // Status-filtered pages (inactive ones are read from partial indexes): the
        // unfiltered order with the other status taken out, page after page.
        for (const status of ['active', 'inactive'] as const) {
          const expected = all.items.filter((r) => r.status === status).map((r) => r.id);
          const filter = { field: 'status' as const, glob: status };
          const pages = [];
          for (let page = 0; page <= expected.length / 2; page++) {
            pages.push(...(await store.listTokens('application', app, { sortField, sortDirection, page, perPage: 2, filter })).items);
          }
          assert.deepEqual(
            pages.map((r) => r.id),
            expected,
            `${status}, ${sortField} ${sortDirection}`,
          );
        }
      }
    }
    const byName = await store.listTokens('application', app, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 100 });
    assert.deepEqual(
      byName.items.map((r) => r.name.toLowerCase()),
      ['100%', '1000', 'a', 'a_b', 'axb', 'b', 'b', 'z*', 'zed'],
    );
    const glob = async (g: string, field: 'name' | 'status' = 'name') =>
      (
        await store.listTokens('application', app, {
          sortField: 'name',
          sortDirection: 'asc',
          page: 0,
          perPage: 100,
          filter: { field, glob: g },
        })
      ).items
        .map((r) => r.name)
        .sort();
    assert.deepEqual(await glob('10%'), []);
    assert.deepEqual(await glob('100%'), ['100%']);
    assert.deepEqual(await glob('a_b'), ['a_b']);
    assert.deepEqual(await glob('a*b'), ['a_b', 'axb']);
    assert.deepEqual(await glob('Z*'), ['Zed', 'z*']);
    assert.deepEqual(await glob('z\\*'), []);
    assert.equal((await glob('inact*', 'status')).length, 4);
    for (const filter of [
      { field: 'name' as const, glob: 'a*' },
      { field: 'name' as const, glob: '*b*' },
      { field: 'status' as const, glob: 'active' },
    ]) {
      await assertRefsMatch(store, app, { sortField: 'creationDate', sortDirection: 'desc', page: 0, perPage: 100, filter });
    }
  });

  test(`${adapter.name}: a page object handed out again means nothing changed (list answers are kept by it)`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const other = await seedApp(store, await seedUser(store));
    const first = token(app, 'first');
    await store.createToken(first);
    const query = { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 } as const;
    // Each write, even one to another owner's tokens, must end the reuse of a page read before it.
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['create', () => store.createToken(token(app, 'second'))],
      ['create for another owner', () => store.createToken(token(other, 'theirs'))],
      ['update', () => store.updateToken('application', app, first.id, { name: 'renamed' }, t0 + 1)],
      ['touch', () => store.touchToken(first.id, t0 + 2)],
      ['delete', () => store.deleteToken('application', app, first.id)],
    ];
    for (const [what, write] of writes) {
      const before = await store.listTokenRefs('application', app, query);
      await write();
      assert.notEqual(await store.listTokenRefs('application', app, query), before, what);
    }
  });

  test(`${adapter.name}: tokens by ids, only the owner's`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const other = await seedApp(store, await seedUser(store));
    const mine = [token(app, 'one'), token(app, 'two'), token(app, 'three')];
    const theirs = token(other, 'theirs');
    for (const record of [...mine, theirs]) await store.createToken(record);
    const ids = [mine[2]!.id, theirs.id, mine[0]!.id, newId()];
    const found = await store.getTokens('application', app, ids);
    assert.deepEqual(found.map((r) => r.id).sort(), [mine[0]!.id, mine[2]!.id].sort());
    assert.deepEqual(
      found.find((r) => r.id === mine[0]!.id),
      await store.getToken('application', app, mine[0]!.id),
    );
    assert.deepEqual(await store.getTokens('application', app, []), []);
    assert.deepEqual(await store.getTokens('user', app, ids), []);
  });

  test(`${adapter.name}: applications, organizations, members and the last-admin guard`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const alice = await seedUser(store);
    const bob = await seedUser(store);
    const orgId = newId();
    await store.createOrganization({ id: orgId, name: 'Org', description: '', createdAt: t0, updatedAt: t0 }, alice);
    assert.equal(await store.getRole(orgId, alice), 'admin');
    assert.equal(await store.setMember(orgId, bob, 'view', t0), 'ok');
    assert.equal(await store.setMember(orgId, alice, 'edit', t0), 'last-admin');
    assert.equal(await store.setMember(orgId, alice, null, t0), 'last-admin');
    assert.equal(await store.setMember(orgId, bob, 'admin', t0), 'ok');
    assert.equal(await store.setMember(orgId, alice, null, t0), 'ok');
    assert.equal(await store.setMember(orgId, alice, null, t0), 'not-member');
    assert.deepEqual(
      (await store.listMembers(orgId)).map((m) => [m.userId, m.role]),
      [[bob, 'admin']],
    );

    const own = await seedApp(store, alice, 'user', 'Own');
    const orgApp = await seedApp(store, orgId, 'organization', 'Shared');
    const q = { sortField: 'name' as const, sortDirection: 'asc' as const, page: 0, perPage: 10 };
    assert.deepEqual(
      (await store.listApplications(alice, q)).items.map((a) => a.id),
      [own],
    );
    assert.deepEqual(
      (await store.listApplications(bob, q)).items.map((a) => a.id),
      [orgApp],
    );
    assert.deepEqual((await store.listApplications(bob, q, { ownerType: 'user' })).items, []);
    assert.deepEqual(
      (await store.listApplications(bob, q, { ownerType: 'organization', orgId })).items.map((a) => a.id),
      [orgApp],
    );
    assert.equal((await store.listOrganizations(bob, q)).totalCount, 1);
    assert.equal(await store.deleteOrganization(orgId), 'has-applications');

    await store.createToken(token(orgApp, 'org token'));
    assert.equal(await store.deleteApplication(orgApp), true);
    assert.equal((await store.listTokens('application', orgApp, q)).totalCount, 0, 'tokens go with their application');
    assert.equal(await store.deleteOrganization(orgId), 'deleted');
    assert.equal(await store.getOrganization(orgId), undefined);
    assert.equal(await store.getRole(orgId, bob), undefined);
  });

  test(`${adapter.name}: totalCount stays exact through every write (kept counts, not row counting)`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const q = { sortField: 'name' as const, sortDirection: 'asc' as const, page: 0, perPage: 1 };
    const count = async (status?: string) =>
      (await store.listTokens('application', app, status ? { ...q, filter: { field: 'status', glob: status } } : q)).totalCount;
    const bulk = Array.from({ length: 1200 }, (_, i) => token(app, `bulk${i}`, { status: i % 4 === 0 ? 'inactive' : 'active' }));
    await store.createTokens(bulk);
    await store.createToken(token(app, 'single'));
    assert.deepEqual([await count(), await count('active'), await count('inactive'), await count('*act*')], [1201, 901, 300, 1201]);
    await store.updateToken('application', app, bulk[1]!.id, { status: 'inactive' }, t0 + 1);
    await store.updateToken('application', app, bulk[1]!.id, { status: 'inactive' }, t0 + 2); // no change
    await store.updateToken('application', app, bulk[0]!.id, { name: 'renamed' }, t0 + 3); // status untouched
    assert.deepEqual([await count(), await count('active'), await count('inactive')], [1201, 900, 301]);
    await store.deleteToken('application', app, bulk[1]!.id);
    await store.deleteToken('application', app, bulk[1]!.id); // already gone
    assert.deepEqual([await count(), await count('inactive')], [1200, 300]);
    assert.equal(await count('nothing'), 0);
    await store.deleteApplication(app);
    assert.equal(await count(), 0);
  });

  test(`${adapter.name}: concurrent creates all land with their audit entries and counts; a bad one fails alone`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const audit = (id: string) => ({
      id: newId(),
      at: t0,
      actorType: 'apiToken' as const,
      actorId: newId(),
      action: 'applicationApiToken.create',
      targetType: 'apiToken' as const,
      targetId: id,
      applicationId: app,
      orgId: null,
      sourceAddress: null,
      outcome: 'success' as const,
    });
    const taken = token(app, 'taken');
    await store.createToken(taken);
    const tokens = Array.from({ length: 60 }, (_, i) => token(app, `t${i}`, { status: i % 3 ? 'active' : 'inactive' }));
    // Among them, one whose hash is already stored: only it may fail.
    const clash = { ...token(app, 'clash'), hash: taken.hash };
    const results = await Promise.allSettled([...tokens, clash].map((x) => store.createToken(x, audit(x.id))));
    assert.deepEqual(
      results.map((r) => r.status),
      [...tokens.map(() => 'fulfilled'), 'rejected'],
    );
    const page = await store.listTokens('application', app, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 100 });
    assert.equal(page.totalCount, 61);
    assert.equal(page.items.length, 61);
    const inactive = await store.listTokens('application', app, {
      sortField: 'name',
      sortDirection: 'asc',
      page: 0,
      perPage: 100,
      filter: { field: 'status', glob: 'inactive' },
    });
    assert.equal(inactive.totalCount, 20);
    const entries = await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, applicationId: app });
    assert.deepEqual(entries.items.map((e) => e.targetId).sort(), tokens.map((x) => x.id).sort());
  });

  test(`${adapter.name}: concurrent status flips both ways and creates all succeed, counts stay exact`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const tokens = Array.from({ length: 40 }, (_, i) => token(app, `t${i}`, { status: i % 2 ? 'inactive' : 'active' }));
    await store.createTokens(tokens);
    // Opposite flips lock the two count rows in opposite orders unless every writer takes them in one order.
    for (let round = 0; round < 5; round++) {
      const flips = tokens.map((x, i) =>
        store.updateToken('application', app, x.id, { status: (i + round) % 2 ? 'active' : 'inactive' }, t0 + round + 1),
      );
      const creates = Array.from({ length: 10 }, (_, i) =>
        store.createToken(token(app, `r${round}-${i}`, { status: i % 2 ? 'active' : 'inactive' })),
      );
      await Promise.all([...flips, ...creates]);
    }
    const count = async (glob: string) =>
      (
        await store.listTokens('application', app, {
          sortField: 'name',
          sortDirection: 'asc',
          page: 0,
          perPage: 1,
          filter: { field: 'status', glob },
        })
      ).totalCount;
    const rows = (await store.listTokens('application', app, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 500 })).items;
    assert.equal(rows.length, 90);
    assert.equal(await count('active'), rows.filter((r) => r.status === 'active').length);
    assert.equal(await count('inactive'), rows.filter((r) => r.status === 'inactive').length);
  });

  test(`${adapter.name}: a token is never stored for an owner that does not exist`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const user = await seedUser(store);
    const app = await seedApp(store, user);
    const gone = await seedApp(store, user);
    await store.deleteApplication(gone);
    assert.equal(await store.createToken(token(app, 'kept')), true);
    assert.equal(await store.createToken(token(gone, 'orphan')), false);
    assert.equal(await store.createToken({ ...token(newId(), 'nobody'), ownerType: 'user' }), false);
    assert.equal(await store.createToken({ ...token(user, 'mine'), ownerType: 'user' }), true);
    assert.equal(
      (await store.listTokens('application', gone, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 })).totalCount,
      0,
    );
  });

  test(`${adapter.name}: a rotation keeps the replaced secret findable as previous, never more than one; revocation by either`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const record = token(app, 'rotating', {
      ratelimits: [{ name: 'r', limit: 5, duration: 1000, autoApply: true }],
      credits: { remaining: 9, initial: 9, refill: null, refilledAt: t0 },
      meta: { team: 'a' },
    });
    await store.createToken(record);
    const [first, second, third, fourth] = [record.hash, hashToken('second'), hashToken('third'), hashToken('fourth')];
    const audit = (action: string) => ({
      id: newId(),
      at: t0,
      actorType: 'apiToken' as const,
      actorId: record.id,
      action,
      targetType: 'apiToken' as const,
      targetId: record.id,
      applicationId: app,
      orgId: null,
      sourceAddress: null,
      outcome: 'success' as const,
    });
    const at = t0 + 10;
    const rotated = await store.rotateToken(
      'application',
      app,
      record.id,
      { hash: second, at, previousSecretExpiresAt: t0 + 1000 },
      audit('applicationApiToken.rotate'),
    );
    assert.ok(rotated);
    assert.equal(rotated.rotatedAt, at);
    assert.equal(rotated.updatedAt, at);
    assert.equal(rotated.previousSecretExpiresAt, t0 + 1000);
    assert.equal(rotated.previousSecretLastUsedAt, null);
    assert.equal(rotated.version, 1, 'a rotation moves the version');
    // Everything but the secret stays.
    const { hash: _hash, ...kept } = record;
    assert.deepEqual({ ...rotated, rotatedAt: null, updatedAt: t0, previousSecretExpiresAt: null, version: 0 }, kept);
    assert.equal((await store.findTokenByHash(second))?.secret, 'current');
    const previous = await store.findTokenByHash(first);
    assert.equal(previous?.secret, 'previous');
    assert.equal(previous?.id, record.id);
    assert.equal(previous?.previousSecretExpiresAt, t0 + 1000);

    // The previous secret's use is recorded apart from the current one's.
    await store.touchToken(record.id, t0 + 20, 'previous');
    const touched = await store.getToken('application', app, record.id);
    assert.equal(touched?.previousSecretLastUsedAt, t0 + 20);
    assert.equal(touched?.lastUsedAt, null);
    assert.equal(touched?.updatedAt, at, 'a touch never changes updatedAt');

    // Rotating again ends the earlier grace period: the first secret is gone.
    await store.rotateToken('application', app, record.id, { hash: third, at: t0 + 30, previousSecretExpiresAt: t0 + 2000 });
    assert.equal(await store.findTokenByHash(first), undefined);
    const second2 = await store.findTokenByHash(second);
    assert.equal(second2?.secret, 'previous');
    assert.equal(second2?.previousSecretLastUsedAt, null, "the earlier secret's use is not the new previous secret's");
    assert.equal((await store.findTokenByHash(third))?.secret, 'current');

    // Revoking a hash that is no secret of the token changes nothing; the previous secret ends its grace period alone.
    assert.equal(await store.revokeToken('application', app, record.id, first, t0 + 40), undefined);
    assert.equal(await store.revokeToken('application', newId(), record.id, second, t0 + 40), undefined, 'never across owners');
    const graceEnded = await store.revokeToken('application', app, record.id, second, t0 + 40, audit('applicationApiToken.revoke'));
    assert.equal(graceEnded?.status, 'active');
    assert.equal(graceEnded?.revokedAt, null);
    assert.equal(graceEnded?.previousSecretExpiresAt, null);
    assert.equal(await store.findTokenByHash(second), undefined);
    // A previous secret past its grace period is not revoked again.
    await store.rotateToken('application', app, record.id, { hash: fourth, at: t0 + 50, previousSecretExpiresAt: t0 + 60 });
    assert.equal(await store.revokeToken('application', app, record.id, third, t0 + 60), undefined);

    // The current secret makes the token inactive, ends any grace period, and moves the counts.
    await store.rotateToken('application', app, record.id, { hash: first, at: t0 + 70, previousSecretExpiresAt: t0 + 5000 });
    const revoked = await store.revokeToken('application', app, record.id, first, t0 + 80, audit('applicationApiToken.revoke'));
    assert.equal(revoked?.status, 'inactive');
    assert.equal(revoked?.revokedAt, t0 + 80);
    assert.equal(revoked?.updatedAt, t0 + 80);
    assert.equal(revoked?.previousSecretExpiresAt, null);
    assert.equal(await store.findTokenByHash(fourth), undefined);
    assert.equal((await store.findTokenByHash(first))?.status, 'inactive');
    assert.equal(
      await store.revokeToken('application', app, record.id, first, t0 + 90),
      undefined,
      'an inactive token is not revoked again',
    );
    const query = { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 } as const;
    const inactive = { ...query, filter: { field: 'status', glob: 'inactive' } } as const;
    assert.equal((await store.listTokens('application', app, inactive)).totalCount, 1);
    assert.equal((await store.listTokens('application', app, query)).totalCount, 1);

    // Made active again, it is no longer revoked; a rotation without a grace period keeps no previous secret.
    const reactivated = await store.updateToken('application', app, record.id, { status: 'active' }, t0 + 100);
    assert.equal(reactivated?.revokedAt, null);
    await store.rotateToken('application', app, record.id, { hash: second, at: t0 + 110, previousSecretExpiresAt: null });
    assert.equal(await store.findTokenByHash(first), undefined);
    assert.equal((await store.getToken('application', app, record.id))?.previousSecretExpiresAt, null);
    assert.equal(
      await store.rotateToken('application', newId(), record.id, { hash: third, at: t0 + 120, previousSecretExpiresAt: null }),
      undefined,
    );

    const entries = await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100, applicationId: app });
    assert.deepEqual(
      entries.items.map((e) => e.action),
      ['applicationApiToken.rotate', 'applicationApiToken.revoke', 'applicationApiToken.revoke'],
    );
  });

  test(`${adapter.name}: audit entries are written with their change, kept in order, and filtered`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const entry = (action: string, targetId: string) => ({
      id: newId(),
      at: t0,
      actorType: 'apiToken' as const,
      actorId: newId(),
      action,
      targetType: 'apiToken' as const,
      targetId,
      applicationId: app,
      orgId: null,
      sourceAddress: '127.0.0.1',
      outcome: 'success' as const,
    });
    const a = token(app, 'a');
    await store.createToken(a, entry('applicationApiToken.create', a.id));
    await store.updateToken('application', app, a.id, { name: 'b' }, t0 + 1, entry('applicationApiToken.update', a.id));
    // A change that does not happen records nothing.
    assert.equal(await store.deleteToken('application', app, newId(), entry('applicationApiToken.delete', 'x'.repeat(24))), false);
    await store.deleteToken('application', app, a.id, entry('applicationApiToken.delete', a.id));
    await store.recordAudit({ ...entry('auth.login', a.id), applicationId: null, outcome: 'failure' });
    const q = { sortDirection: 'asc' as const, page: 0, perPage: 100 };
    const forApp = await store.listAudit({ ...q, applicationId: app });
    assert.deepEqual(
      forApp.items.map((e) => e.action),
      ['applicationApiToken.create', 'applicationApiToken.update', 'applicationApiToken.delete'],
    );
    assert.equal(
      (await store.listAudit({ ...q, sortDirection: 'desc', applicationId: app })).items[0]!.action,
      'applicationApiToken.delete',
    );
    const logins = await store.listAudit({ ...q, action: 'auth.*' });
    assert.equal(logins.totalCount, 1);
    assert.equal(logins.items[0]!.outcome, 'failure');
  });

  test(`${adapter.name}: endSessions ends every session of the user but the one it stores, with the password and tokens, at once`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const user = await seedUser(store);
    const other = await seedUser(store);
    const session = (ownerId: string, name: string) => token(ownerId, name, { ownerType: 'session' });
    const [s1, s2, elsewhere] = [session(user, 's1'), session(user, 's2'), session(other, 'theirs')];
    const [active, inactive] = [
      token(user, 'active', { ownerType: 'user' }),
      token(user, 'off', { ownerType: 'user', status: 'inactive' }),
    ];
    const theirToken = token(other, 'their token', { ownerType: 'user' });
    for (const x of [s1, s2, elsewhere, active, inactive, theirToken]) assert.equal(await store.createToken(x), true);
    const entry = (action: string, targetId: string | null) => ({
      id: newId(),
      at: t0 + 5,
      actorType: 'user' as const,
      actorId: user,
      action,
      targetType: 'user' as const,
      targetId,
      applicationId: null,
      orgId: null,
      sourceAddress: '127.0.0.1',
      outcome: 'success' as const,
    });
    const q = { sortField: 'name' as const, sortDirection: 'asc' as const, page: 0, perPage: 10 };
    const count = async (ownerType: 'user' | 'session', ownerId: string, status?: string) =>
      (await store.listTokens(ownerType, ownerId, status ? { ...q, filter: { field: 'status', glob: status } } : q)).totalCount;
    const versionBefore = (await store.getToken('user', user, active.id))!.version;

    // A write that fails part way changes nothing: the audit entry's id is taken.
    const taken = entry('x.taken', user);
    await store.recordAudit(taken);
    await assert.rejects(
      store.endSessions(user, { at: t0 + 5, passwordHash: 'lost', deactivateApiTokens: () => entry('y', null), audit: [taken] }),
    );
    assert.equal((await store.getUser(user))?.passwordHash, 'x');
    assert.ok(await store.findTokenByHash(s1.hash));
    assert.equal((await store.getToken('user', user, active.id))?.status, 'active');

    const kept = session(user, 'kept');
    const events: StoreEvent[] = [];
    store.subscribe((event) => events.push(event));
    const ended = await store.endSessions(user, {
      at: t0 + 5,
      passwordHash: 'new',
      keep: kept,
      deactivateApiTokens: (id) => ({ ...entry('userApiToken.update', id), targetType: 'apiToken' }),
      audit: [entry('me.changePassword', user)],
    });
    assert.deepEqual(ended, { sessions: 2, deactivatedTokenIds: [active.id] });
    // One event for the sessions however many ended, and one for each other thing changed.
    assert.deepEqual(events, [
      { kind: 'sessions', userId: user, kept: kept.id },
      { kind: 'user', id: user },
      { kind: 'tokens-created', ownerType: 'session', ownerId: user },
      { kind: 'token', id: active.id, ownerType: 'user', ownerId: user },
    ]);
    assert.equal(await store.findTokenByHash(s1.hash), undefined);
    assert.equal(await store.findTokenByHash(s2.hash), undefined);
    assert.equal((await store.findTokenByHash(kept.hash))?.id, kept.id);
    assert.ok(await store.findTokenByHash(elsewhere.hash), "another user's session stays");
    const stored = await store.getUser(user);
    assert.deepEqual([stored?.passwordHash, stored?.passwordUpdatedAt, stored?.updatedAt], ['new', t0 + 5, t0 + 5]);
    const deactivated = await store.getToken('user', user, active.id);
    assert.deepEqual([deactivated?.status, deactivated?.updatedAt], ['inactive', t0 + 5]);
    assert.ok(deactivated!.version > versionBefore, 'the deactivated token moved its version');
    assert.equal((await store.getToken('user', user, inactive.id))?.updatedAt, t0, 'an inactive token is left alone');
    assert.equal((await store.getToken('user', other, theirToken.id))?.status, 'active');
    assert.deepEqual(
      [await count('user', user), await count('user', user, 'active'), await count('user', user, 'inactive'), await count('session', user)],
      [2, 0, 2, 1],
    );
    const audit = await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100 });
    assert.deepEqual(
      audit.items.map((e) => [e.action, e.targetId]),
      [
        ['x.taken', user],
        ['me.changePassword', user],
        ['userApiToken.update', active.id],
      ],
    );

    // Without a session to keep every one ends; the password may stay as it is.
    assert.deepEqual(await store.endSessions(user, { at: t0 + 6 }), { sessions: 1, deactivatedTokenIds: [] });
    assert.equal(await store.findTokenByHash(kept.hash), undefined);
    assert.equal(await count('session', user), 0);
    assert.equal((await store.getUser(user))?.passwordHash, 'new');
    assert.ok(await store.findTokenByHash(elsewhere.hash));

    // No such user: nothing changes; a session to keep must be the user's.
    assert.equal(await store.endSessions(newId(), { at: t0 + 7, passwordHash: 'z', audit: [entry('me.changePassword', null)] }), undefined);
    await assert.rejects(store.endSessions(user, { at: t0 + 7, keep: session(other, 'not theirs') }), /the user's/);
    assert.equal((await store.listAudit({ sortDirection: 'asc', page: 0, perPage: 100 })).totalCount, 3);
    assert.ok(await store.findTokenByHash(elsewhere.hash));
  });

  test(`${adapter.name}: applications and organizations are found, renamed and announced; close is final`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const events: string[] = [];
    store.subscribe((event) => events.push(event.kind));
    const alice = await seedUser(store);
    const app = await seedApp(store, alice, 'user', 'Bootstrap');
    assert.equal((await store.findApplicationByName(alice, 'Bootstrap'))?.id, app);
    assert.equal(await store.findApplicationByName(alice, 'bootstrap'), undefined, 'names match exactly');
    const renamed = await store.updateApplication(app, { name: 'Renamed', description: 'd' }, t0 + 1);
    assert.deepEqual([renamed?.name, renamed?.description, renamed?.updatedAt], ['Renamed', 'd', t0 + 1]);
    assert.deepEqual(await store.getApplication(app), renamed);
    assert.equal(await store.updateApplication(newId(), { name: 'x' }, t0), undefined);
    const orgId = newId();
    await store.createOrganization({ id: orgId, name: 'Org', description: '', createdAt: t0, updatedAt: t0 }, alice);
    const org = await store.updateOrganization(orgId, { name: 'Org 2' }, t0 + 2);
    assert.deepEqual([org?.name, org?.updatedAt], ['Org 2', t0 + 2]);
    assert.deepEqual(await store.getOrganization(orgId), org);
    assert.equal(await store.updateOrganization(newId(), { name: 'x' }, t0), undefined);
    assert.deepEqual(events, ['user', 'application', 'application', 'organization', 'member', 'organization']);
    assert.equal(store.isUnavailable(new Error('a bug, not an outage')), false);
    await store.close();
    await store.close();
    await assert.rejects(store.ping(), 'a closed store answers nothing');
  });

  test(`${adapter.name}: credits are spent only while the balance holds the cost, a due refill applied in the same write`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const plain = token(app, 'plain');
    const metered = token(app, 'metered', { credits: { remaining: 3, refill: null, refilledAt: t0 } });
    await store.createToken(plain);
    await store.createToken(metered);
    const spend = async (cost: number, refillSince: number | null = null, id = metered.id) => {
      const spent = await store.spendCredits({ id, cost, refillSince, at: t0 });
      // Crossings of token.credits_low thresholds have a test of their own.
      return spent && { spent: spent.spent, remaining: spent.remaining };
    };
    assert.deepEqual(await spend(2), { spent: true, remaining: 1 });
    assert.deepEqual(await spend(2), { spent: false, remaining: 1 }, 'refused: more than the balance');
    assert.deepEqual(await spend(0), { spent: true, remaining: 1 }, 'a check (cost 0) passes while credits remain');
    assert.deepEqual(await spend(1), { spent: true, remaining: 0 });
    assert.deepEqual(await spend(0), { spent: false, remaining: 0 }, 'an empty balance refuses even a check');
    const stored = await store.getToken('application', app, metered.id);
    assert.equal(stored?.credits?.remaining, 0);
    assert.equal(stored?.version, 3, 'each spend moved the version; refusals wrote nothing');
    assert.equal(await spend(1, null, plain.id), undefined, 'a token without credits');
    assert.equal(await spend(1, null, newId()), undefined, 'no such token');
    assert.equal((await store.getToken('application', app, plain.id))?.version, 0);

    // A daily refill of 10, the balance set at 00:00:01 of t0's day.
    const refill = { amount: 10, interval: 'daily' as const, refillDay: null };
    const refilling = token(app, 'refilling', { credits: { remaining: 1, refill, refilledAt: t0 + 1000 } });
    await store.createToken(refilling);
    const at = (now: number) => refillSince(refill, now);
    const r = (cost: number, now: number) => spend(cost, at(now), refilling.id);
    assert.deepEqual(await r(1, t0 + dayMs - 1), { spent: true, remaining: 0 }, 'the last millisecond before the refill');
    assert.deepEqual(await r(1, t0 + dayMs - 1), { spent: false, remaining: 0 });
    assert.deepEqual(await r(20, t0 + dayMs), { spent: false, remaining: 10 }, 'refused, the due refill shown');
    assert.equal((await store.getToken('application', app, refilling.id))?.credits?.refilledAt, t0 + 1000, 'and not written');
    assert.deepEqual(await r(3, t0 + dayMs), { spent: true, remaining: 7 }, 'at 00:00 UTC: refilled, then spent');
    assert.equal((await store.getToken('application', app, refilling.id))?.credits?.refilledAt, t0 + dayMs);
    assert.deepEqual(await r(7, t0 + dayMs + 5), { spent: true, remaining: 0 }, 'one refill per due time');
    assert.deepEqual(await r(1, t0 + 2 * dayMs - 1), { spent: false, remaining: 0 });
    assert.deepEqual(await r(10, t0 + 3 * dayMs + 7), { spent: true, remaining: 0 }, 'days missed refill once, to the amount');
  });

  test(`${adapter.name}: concurrent spends, on two stores sharing the database, never overspend`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const [a, b] = await twoStores(t, adapter);
    const app = await seedApp(a, await seedUser(a));
    const balance = 137;
    const metered = token(app, 'shared', { credits: { remaining: balance, refill: null, refilledAt: t0 } });
    await a.createToken(metered);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).spendCredits({ id: metered.id, cost: 1, refillSince: null, at: t0 })),
    );
    const spent = results.filter((r) => r?.spent);
    assert.equal(spent.length, balance, 'exactly the balance was spent');
    assert.deepEqual(
      spent.map((r) => r!.remaining).sort((x, y) => x - y),
      Array.from({ length: balance }, (_, i) => i),
      'each spend saw the balance the others left',
    );
    assert.ok(results.every((r) => r && (r.spent || r.remaining === 0)));
    assert.equal((await b.getToken('application', app, metered.id))?.credits?.remaining, 0);
  });

  test(`${adapter.name}: usage adds up per bucket at every resolution, per owner and token, and ages out by resolution`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const other = await seedApp(store, await seedUser(store));
    const [a, b, c, elsewhere] = [token(app, 'a'), token(app, 'b'), token(app, 'c'), token(other, 'x')];
    for (const record of [a, b, c, elsewhere]) await store.createToken(record);
    const hour = 3_600_000;
    const count = (record: NewToken, code: UsageCount['code'], minute: number, n: number): UsageCount => ({
      tokenId: record.id,
      ownerType: record.ownerType,
      ownerId: record.ownerId,
      code,
      minute,
      count: n,
    });
    // t0 is midnight UTC: two minutes of the first hour, one of the second.
    await store.addUsage([count(a, 'VALID', t0, 2), count(a, 'RATE_LIMITED', t0, 1), count(b, 'VALID', t0 + 60_000, 5)]);
    await store.addUsage([count(a, 'VALID', t0, 3), count(a, 'VALID', t0 + hour, 4), count(elsewhere, 'VALID', t0, 100)]);
    // Batches of the same buckets at once add up (PostgreSQL: rows locked in key order, no deadlock).
    await Promise.all([1, 2, 3, 4].map(() => store.addUsage([count(c, 'NOT_FOUND', t0, 1), count(b, 'VALID', t0 + 60_000, 1)])));
    await store.addUsage([]);

    const range = { ownerType: 'application', ownerId: app, start: t0, end: t0 + 2 * hour } as const;
    assert.deepEqual(await store.readUsage({ ...range, tokenId: a.id, resolution: 'minute' }), [
      { time: t0, code: 'RATE_LIMITED', count: 1 },
      { time: t0, code: 'VALID', count: 5 },
      { time: t0 + hour, code: 'VALID', count: 4 },
    ]);
    assert.deepEqual(await store.readUsage({ ...range, resolution: 'hour' }), [
      { time: t0, code: 'NOT_FOUND', count: 4 },
      { time: t0, code: 'RATE_LIMITED', count: 1 },
      { time: t0, code: 'VALID', count: 14 },
      { time: t0 + hour, code: 'VALID', count: 4 },
    ]);
    assert.deepEqual(await store.readUsage({ ...range, resolution: 'day', end: t0 + 24 * hour }), [
      { time: t0, code: 'NOT_FOUND', count: 4 },
      { time: t0, code: 'RATE_LIMITED', count: 1 },
      { time: t0, code: 'VALID', count: 18 },
    ]);
    // [start, end): the second hour's bucket starts at the end.
    assert.deepEqual(await store.readUsage({ ...range, tokenId: a.id, resolution: 'hour', end: t0 + hour }), [
      { time: t0, code: 'RATE_LIMITED', count: 1 },
      { time: t0, code: 'VALID', count: 5 },
    ]);
    assert.deepEqual(await store.readUsage({ ...range, ownerId: other, tokenId: a.id, resolution: 'hour' }), [], 'never across owners');

    const top = await store.topUsageTokens({ ...range, resolution: 'hour' }, 2);
    const sorted = (rows: typeof top) => [...rows].sort((x, y) => (x.tokenId + x.code < y.tokenId + y.code ? -1 : 1));
    assert.deepEqual(
      sorted(top),
      sorted([
        { tokenId: a.id, code: 'VALID', count: 9 },
        { tokenId: a.id, code: 'RATE_LIMITED', count: 1 },
        { tokenId: b.id, code: 'VALID', count: 9 },
      ]),
      'the two tokens with most verifications (c has 4), every code of theirs',
    );
    assert.deepEqual(await store.topUsageTokens({ ...range, ownerId: newId(), resolution: 'hour' }, 10), []);

    const owners = await store.findTokenOwners([a.id, elsewhere.id, newId(), a.id]);
    assert.deepEqual(
      owners.sort((x, y) => (x.id < y.id ? -1 : 1)),
      [
        { id: a.id, ownerType: 'application', ownerId: app },
        { id: elsewhere.id, ownerType: 'application', ownerId: other },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );

    // Minute buckets before the cutoff go; hour and day buckets stay.
    await store.pruneUsage({ minute: t0 + hour, hour: t0 });
    assert.deepEqual(await store.readUsage({ ...range, tokenId: a.id, resolution: 'minute' }), [
      { time: t0 + hour, code: 'VALID', count: 4 },
    ]);
    assert.equal((await store.readUsage({ ...range, tokenId: a.id, resolution: 'hour' })).length, 3);
    await store.pruneUsage({ minute: t0 + hour, hour: t0 + hour, day: t0 + 24 * hour });
    assert.deepEqual(await store.readUsage({ ...range, tokenId: a.id, resolution: 'hour' }), [
      { time: t0 + hour, code: 'VALID', count: 4 },
    ]);
    assert.deepEqual(await store.readUsage({ ...range, resolution: 'day', end: t0 + 24 * hour }), []);

    // An application's usage goes with it; another's stays.
    await store.addUsage([count(elsewhere, 'VALID', t0 + hour, 1)]);
    await store.deleteApplication(app);
    assert.deepEqual(await store.readUsage({ ...range, resolution: 'minute' }), []);
    assert.equal((await store.readUsage({ ...range, ownerId: other, resolution: 'minute' })).length, 1);
  });

  test(`${adapter.name}: token policies, allowedCidrs and audit details round-trip; a user's email stays unique`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const userId = await seedUser(store, 'policy@example.com');
    const otherId = await seedUser(store, 'taken@example.com');
    const policy: TokenPolicy = { maxLifetime: 86_400, requireExpiration: true, defaultAllowedCidrs: ['10.0.0.0/8'], leakPolicy: 'revoke' };
    const updated = await store.updateUser(userId, { firstName: 'New', email: 'Moved@Example.com', tokenPolicy: policy }, t0 + 1);
    assert.ok(updated && updated !== 'email-taken');
    assert.deepEqual(
      [updated.firstName, updated.email, updated.tokenPolicy, updated.updatedAt],
      ['New', 'moved@example.com', policy, t0 + 1],
    );
    assert.deepEqual((await store.getUser(userId))?.tokenPolicy, policy);
    assert.equal(await store.updateUser(userId, { email: 'TAKEN@example.com' }, t0 + 2), 'email-taken');
    assert.equal((await store.getUser(userId))?.email, 'moved@example.com', 'nothing changed');
    assert.equal((await store.getUser(otherId))?.email, 'taken@example.com');
    assert.equal(await store.updateUser(newId(), { firstName: 'x' }, t0), undefined);
    const cleared = await store.updateUser(userId, { tokenPolicy: null }, t0 + 3);
    assert.ok(cleared && cleared !== 'email-taken' && cleared.tokenPolicy === undefined && cleared.firstName === 'New');

    const orgId = newId();
    await store.createOrganization({ id: orgId, name: 'O', description: '', createdAt: t0, updatedAt: t0 }, userId);
    assert.equal((await store.getOrganization(orgId))?.tokenPolicy, undefined);
    assert.deepEqual((await store.updateOrganization(orgId, { tokenPolicy: { maxLifetime: 60 } }, t0 + 1))?.tokenPolicy, {
      maxLifetime: 60,
    });
    assert.deepEqual(
      (await store.listOrganizations(userId, { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 10 })).items[0]?.tokenPolicy,
      {
        maxLifetime: 60,
      },
    );
    assert.equal((await store.updateOrganization(orgId, { name: 'P', tokenPolicy: null }, t0 + 2))?.tokenPolicy, undefined);

    const appId = await seedApp(store, userId);
    const { AllowedCidrs } = await import('../src/tokens/allowed-cidrs.js');
    const limited = token(appId, 'limited', { allowedCidrs: AllowedCidrs.of(['10.0.0.0/8', '2001:db8::/32']) });
    await store.createToken(limited);
    const read = await store.findTokenByHash(limited.hash);
    assert.deepEqual(read?.allowedCidrs?.list, ['10.0.0.0/8', '2001:db8::/32']);
    assert.equal(read?.allowedCidrs?.allows('10.1.2.3'), true, 'parsed when read');
    assert.equal((await store.getToken('application', appId, limited.id))?.allowedCidrs?.allows('2001:db8::1'), true);
    const widened = await store.updateToken('application', appId, limited.id, { allowedCidrs: AllowedCidrs.of(['0.0.0.0/0']) }, t0 + 1);
    assert.deepEqual(widened?.allowedCidrs?.list, ['0.0.0.0/0']);
    assert.equal((await store.updateToken('application', appId, limited.id, { allowedCidrs: null }, t0 + 2))?.allowedCidrs, null);
    assert.equal((await store.getToken('application', appId, limited.id))?.allowedCidrs, null);

    const entry = {
      id: newId(),
      at: t0,
      actorType: 'github' as const,
      actorId: null,
      action: 'applicationApiToken.leak',
      targetType: 'apiToken' as const,
      targetId: limited.id,
      applicationId: appId,
      orgId: null,
      sourceAddress: '192.0.2.1',
      outcome: 'success' as const,
      detail: { url: 'https://github.com/o/r/blob/main/x', source: 'content', leakPolicy: 'notify' },
    };
    await store.recordAudit(entry);
    const { items } = await store.listAudit({ applicationId: appId, sortDirection: 'desc', page: 0, perPage: 1 });
    assert.deepEqual(items[0], entry);
  });

  test(`${adapter.name}: webhooks round-trip, page, patch with their subscriptions, and go with their deliveries`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const user = await seedUser(store);
    const app = await seedApp(store, user);
    const first = { ...storeWebhook(app), events: ['token.deleted', 'token.created'] as const, description: 'first' };
    const second = { ...storeWebhook(app), createdAt: t0 + 1, updatedAt: t0 + 1 };
    const mine = storeWebhook(user, 'user');
    assert.equal(await store.createWebhook({ ...first, events: [...first.events] }), true);
    assert.equal(await store.createWebhook(second), true);
    assert.equal(await store.createWebhook(mine), true);
    assert.equal(await store.createWebhook(storeWebhook(newId())), false, 'no such application: nothing stored');
    assert.equal(await store.createWebhook(storeWebhook(newId(), 'user')), false, 'no such user');
    const got = await store.getWebhook('application', app, first.id);
    assert.deepEqual(got, { ...first, events: ['token.created', 'token.deleted'] }, "events in the contract's order");
    assert.equal(await store.getWebhook('user', app, first.id), undefined, 'never across owners');
    assert.equal(await store.getWebhook('application', newId(), first.id), undefined);
    const page = (query: Partial<Parameters<Store['listWebhooks']>[2]> = {}) =>
      store.listWebhooks('application', app, { sortField: 'creationDate', sortDirection: 'asc', page: 0, perPage: 10, ...query });
    assert.deepEqual(
      (await page()).items.map((w) => w.id),
      [first.id, second.id],
    );
    assert.deepEqual(
      (await page({ sortDirection: 'desc', perPage: 1 })).items.map((w) => w.id),
      [second.id],
    );
    assert.equal((await page({ perPage: 1 })).totalCount, 2);
    assert.deepEqual((await store.listWebhooks('user', user, { sortField: 'id', sortDirection: 'asc', page: 0, perPage: 10 })).items, [
      mine,
    ]);

    const patched = await store.updateWebhook(
      'application',
      app,
      first.id,
      { url: 'https://elsewhere.example.com/', events: ['token.expiring'], enabled: false, description: 'd', secret: 'whsec_bmV3' },
      t0 + 10,
    );
    assert.deepEqual(patched, {
      ...first,
      url: 'https://elsewhere.example.com/',
      events: ['token.expiring'],
      enabled: false,
      description: 'd',
      secret: 'whsec_bmV3',
      updatedAt: t0 + 10,
    });
    assert.equal(await store.updateWebhook('user', user, first.id, { enabled: true }, t0 + 11), undefined, "another owner's");
    // The subscriptions moved with the patch: token.expiring only, and only while enabled.
    const token0 = token(app, 'watched');
    await store.createToken(token0);
    const expiring = eventOf('token.expiring', token0, t0 + 20);
    assert.equal(await store.enqueueTokenEvents([expiring]), 1, 'second (enabled, on token.expiring) gets it; first is disabled');
    await store.updateWebhook('application', app, first.id, { enabled: true }, t0 + 21);
    assert.equal(await store.enqueueTokenEvents([eventOf('token.expiring', token0, t0 + 22)]), 2);
    assert.equal(await store.enqueueTokenEvents([eventOf('token.created', token0, t0 + 23)]), 1, 'first no longer has token.created');

    assert.equal(await store.deleteWebhook('user', user, second.id), false);
    assert.equal(await store.deleteWebhook('application', app, second.id), true);
    assert.equal(await store.getWebhook('application', app, second.id), undefined);
    assert.equal(await store.deleteWebhook('application', app, second.id), false);
    assert.deepEqual(await store.listWebhookDeliveries(second.id, { sortDirection: 'asc', page: 0, perPage: 10 }), {
      items: [],
      totalCount: 0,
    });
    // An application's deletion takes its webhooks (and their deliveries).
    assert.equal((await store.listWebhookDeliveries(first.id, { sortDirection: 'asc', page: 0, perPage: 10 })).totalCount, 1);
    await store.deleteApplication(app);
    assert.equal(await store.getWebhook('application', app, first.id), undefined);
    assert.equal((await store.listWebhookDeliveries(first.id, { sortDirection: 'asc', page: 0, perPage: 10 })).totalCount, 0);
    assert.deepEqual(await store.getWebhook('user', user, mine.id), mine, "the user's own stay");
  });

  test(`${adapter.name}: a token write's audit entry enqueues its event for each subscribed enabled webhook, in its transaction`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const user = await seedUser(store);
    const app = await seedApp(store, user);
    const other = await seedApp(store, user, 'user', 'Other');
    const all = storeWebhook(app, 'application', ['token.created', 'token.updated', 'token.deleted']);
    const createsOnly = storeWebhook(app, 'application', ['token.created']);
    const disabled = storeWebhook(app, 'application', ['token.created', 'token.updated', 'token.deleted'], false);
    const elsewhere = storeWebhook(other, 'application', ['token.created']);
    const users = storeWebhook(user, 'user', ['token.created', 'token.deleted']);
    for (const w of [all, createsOnly, disabled, elsewhere, users]) assert.equal(await store.createWebhook(w), true);
    const audit = (action: string, targetId: string, applicationId: string | null = app): AuditEntry => ({
      id: newId(t0),
      at: t0,
      actorType: 'user',
      actorId: user,
      action,
      targetType: 'apiToken',
      targetId,
      applicationId,
      orgId: null,
      sourceAddress: null,
      outcome: 'success',
    });
    const created = token(app, 'Watched', { expiresAt: t0 + dayMs });
    const createAudit = audit('applicationApiToken.create', created.id);
    assert.equal(await store.createToken(created, createAudit), true);
    // Concurrent creates share one group commit: each enqueues its own event.
    const more = [token(app, 'm1'), token(app, 'm2')];
    await Promise.all(more.map((m) => store.createToken(m, audit('applicationApiToken.create', m.id))));
    const updateAudit = audit('applicationApiToken.update', created.id);
    await store.updateToken('application', app, created.id, { status: 'inactive' }, t0 + 1, updateAudit);
    const deleteAudit = audit('applicationApiToken.delete', created.id);
    await store.deleteToken('application', app, created.id, deleteAudit);
    const mineToken = token(user, 'mine', { ownerType: 'user' });
    await store.createToken(mineToken, audit('userApiToken.create', mineToken.id, null));
    await store.deleteToken('user', user, mineToken.id, audit('userApiToken.delete', mineToken.id, null));
    // Not token events: nothing enqueued.
    await store.updateApplication(app, { name: 'renamed' }, t0 + 2, audit('application.update', app));
    // A create refused (its application gone) enqueues nothing either.
    assert.equal(await store.createToken(token(newId(), 'orphan'), audit('applicationApiToken.create', newId(), newId())), false);

    const deliveries = async (webhookId: string) =>
      (await store.listWebhookDeliveries(webhookId, { sortDirection: 'asc', page: 0, perPage: 100 })).items;
    const kinds = async (webhookId: string) => (await deliveries(webhookId)).map((d) => `${d.eventType} ${d.tokenId}`);
    assert.deepEqual(
      (await kinds(all.id)).sort(),
      [
        `token.created ${created.id}`,
        `token.created ${more[0]!.id}`,
        `token.created ${more[1]!.id}`,
        `token.deleted ${created.id}`,
        `token.updated ${created.id}`,
      ].sort(),
    );
    assert.equal((await kinds(createsOnly.id)).length, 3);
    assert.deepEqual(await kinds(disabled.id), []);
    assert.deepEqual(await kinds(elsewhere.id), []);
    assert.deepEqual((await kinds(users.id)).sort(), [`token.created ${mineToken.id}`, `token.deleted ${mineToken.id}`].sort());
    const first = (await deliveries(all.id)).find((d) => d.eventId === createAudit.id);
    assert.deepEqual(
      first,
      {
        webhookId: all.id,
        eventId: createAudit.id,
        eventType: 'token.created',
        tokenId: created.id,
        status: 'pending',
        attemptCount: 0,
        nextAttemptAt: t0,
        createdAt: t0,
        deliveredAt: null,
        attempts: [],
      },
      "the event's id is its audit entry's",
    );

    // What is signed: the token as each change left it (as it was, for the delete), never a secret.
    const claims = await store.claimWebhookDeliveries(t0 + 5, 100, 60_000);
    const bodies = claims.filter((c) => c.webhookId === all.id).map((c) => JSON.parse(c.payload) as Record<string, unknown>);
    const deleted = bodies.find((b) => b.type === 'token.deleted');
    assert.deepEqual(deleted, {
      type: 'token.deleted',
      timestamp: new Date(t0).toISOString(),
      data: {
        apiTokenId: created.id,
        ownerType: 'application',
        ownerId: app,
        applicationId: app,
        name: 'Watched',
        status: 'inactive',
        expirationDate: new Date(t0 + dayMs).toISOString(),
        auditLogId: deleteAudit.id,
        actorType: 'user',
        actorId: user,
      },
    });
    assert.equal((bodies.find((b) => b.type === 'token.updated')!.data as { status: string }).status, 'inactive');
    for (const claim of claims) assert.doesNotMatch(claim.payload, /hash|secret|lka_|lku_/);
  });

  test(`${adapter.name}: deliveries are claimed when due, one claim at a time, and every attempt is recorded`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const webhook = storeWebhook(app);
    await store.createWebhook(webhook);
    const watched = token(app, 'w');
    const events = [0, 1, 2].map((i) => eventOf('token.expiring', watched, t0 + i * 10));
    assert.equal(await store.enqueueTokenEvents(events), 3);
    assert.equal(await store.enqueueTokenEvents(events), 0, 'an event enqueued again lands once');
    const lease = 60_000;
    assert.equal(await store.nextWebhookDeliveryAt(), t0, 'the earliest pending');
    assert.deepEqual(await store.webhookOutboxDepth(), { pending: 3, oldestCreatedAt: t0 }, 'the outbox, for metrics');
    await store.updateWebhook('application', app, webhook.id, { enabled: false }, t0);
    assert.deepEqual(
      await store.webhookOutboxDepth(),
      { pending: 0, oldestCreatedAt: undefined },
      "a disabled webhook's deliveries are no one's work",
    );
    await store.updateWebhook('application', app, webhook.id, { enabled: true }, t0);
    assert.deepEqual(await store.claimWebhookDeliveries(t0 - 1, 10, lease), [], 'nothing due yet');
    const [a, ...none] = await store.claimWebhookDeliveries(t0 + 5, 10, lease);
    assert.deepEqual(none, [], 'only the one due');
    assert.deepEqual(
      { ...a, claimedBy: typeof a!.claimedBy },
      {
        webhookId: webhook.id,
        eventId: events[0]!.id,
        url: webhook.url,
        secret: webhook.secret,
        payload: events[0]!.payload,
        attemptCount: 0,
        claimedBy: 'string',
        claimedUntil: t0 + 5 + lease,
      },
    );
    const claimed = await store.claimWebhookDeliveries(t0 + 100, 10, lease);
    assert.deepEqual(
      claimed.map((c) => c.eventId),
      [events[1]!.id, events[2]!.id],
      'the claimed one is not claimed again; oldest due first',
    );
    const [b, c] = claimed as [WebhookClaim, WebhookClaim];

    // a: refused, due again later; b: delivered; c: given up.
    await store.recordWebhookAttempt(
      a!,
      { at: t0 + 6, statusCode: 500, latencyMs: 12, error: 'HTTP 500' },
      { delivered: false, retryAt: t0 + 1000 },
    );
    await store.recordWebhookAttempt(b, { at: t0 + 101, statusCode: 204, latencyMs: 4, error: null }, { delivered: true });
    await store.recordWebhookAttempt(
      c,
      { at: t0 + 102, statusCode: null, latencyMs: 5000, error: 'timed out after 5000 ms' },
      {
        delivered: false,
        retryAt: null,
      },
    );
    const list = await store.listWebhookDeliveries(webhook.id, { sortDirection: 'asc', page: 0, perPage: 10 });
    assert.equal(list.totalCount, 3);
    assert.deepEqual(
      list.items.map((d) => [d.status, d.attemptCount, d.nextAttemptAt, d.deliveredAt, d.attempts]),
      [
        ['pending', 1, t0 + 1000, null, [{ at: t0 + 6, statusCode: 500, latencyMs: 12, error: 'HTTP 500' }]],
        ['delivered', 1, null, t0 + 101, [{ at: t0 + 101, statusCode: 204, latencyMs: 4, error: null }]],
        ['failed', 1, null, null, [{ at: t0 + 102, statusCode: null, latencyMs: 5000, error: 'timed out after 5000 ms' }]],
      ],
    );
    assert.deepEqual(
      (await store.listWebhookDeliveries(webhook.id, { sortDirection: 'desc', page: 1, perPage: 2 })).items.map((d) => d.eventId),
      [events[0]!.id],
    );
    assert.deepEqual(await store.claimWebhookDeliveries(t0 + 999, 10, lease), [], 'the retry is not due yet');
    const [again] = await store.claimWebhookDeliveries(t0 + 1000, 10, lease);
    assert.equal(again?.attemptCount, 1);
    // A stale claim's attempt is recorded, but the delivery follows only its live claim.
    await store.recordWebhookAttempt(a!, { at: t0 + 1001, statusCode: 200, latencyMs: 1, error: null }, { delivered: true });
    let [first] = (await store.listWebhookDeliveries(webhook.id, { sortDirection: 'asc', page: 0, perPage: 1 })).items;
    assert.equal(first?.status, 'pending');
    assert.equal(first?.attempts.length, 2);
    await store.recordWebhookAttempt(again!, { at: t0 + 1002, statusCode: 200, latencyMs: 1, error: null }, { delivered: true });
    [first] = (await store.listWebhookDeliveries(webhook.id, { sortDirection: 'asc', page: 0, perPage: 1 })).items;
    assert.deepEqual([first?.status, first?.attemptCount, first?.deliveredAt], ['delivered', 2, t0 + 1002]);

    // A redelivery: due now, counted afresh, its attempts kept.
    const redelivered = await store.redeliverWebhookDelivery(webhook.id, events[2]!.id, t0 + 2000);
    assert.deepEqual(
      [redelivered?.status, redelivered?.attemptCount, redelivered?.nextAttemptAt, redelivered?.attempts.length],
      ['pending', 0, t0 + 2000, 1],
    );
    assert.equal(await store.redeliverWebhookDelivery(webhook.id, newId(), t0 + 2000), undefined);
    assert.deepEqual(
      (await store.claimWebhookDeliveries(t0 + 2000, 10, lease)).map((x) => x.eventId),
      [events[2]!.id],
    );

    // A disabled webhook's deliveries wait; enabled again, they are due.
    await store.redeliverWebhookDelivery(webhook.id, events[1]!.id, t0 + 3000);
    await store.updateWebhook('application', app, webhook.id, { enabled: false }, t0 + 3000);
    assert.deepEqual(await store.claimWebhookDeliveries(t0 + 3000, 10, lease), []);
    await store.updateWebhook('application', app, webhook.id, { enabled: true }, t0 + 3001);
    assert.deepEqual(
      (await store.claimWebhookDeliveries(t0 + 3001, 10, lease)).map((x) => x.eventId),
      [events[1]!.id],
    );

    assert.equal(await store.nextWebhookDeliveryAt(), t0 + 2000, 'the earliest pending, claimed or not');
    // Retention: finished deliveries created before the cutoff go with their attempts; pending ones stay.
    await store.pruneWebhookDeliveries(t0 + 15);
    assert.deepEqual(
      (await store.listWebhookDeliveries(webhook.id, { sortDirection: 'asc', page: 0, perPage: 10 })).items.map((d) => d.eventId),
      [events[1]!.id, events[2]!.id],
    );
  });

  test(`${adapter.name}: a claim holds against another store on the database until its lease ends (SQLite: until its process is gone)`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const [a, b] = await twoStores(t, adapter);
    const app = await seedApp(a, await seedUser(a));
    const webhook = storeWebhook(app);
    await a.createWebhook(webhook);
    await a.enqueueTokenEvents(Array.from({ length: 40 }, (_, i) => eventOf('token.expiring', token(app, `x${i}`), t0)));
    const [fromA, fromB] = await Promise.all([a.claimWebhookDeliveries(t0, 25, 60_000), b.claimWebhookDeliveries(t0, 25, 60_000)]);
    if (adapter.name === 'postgres') {
      // Two nodes: each delivery claimed by one of them (SKIP LOCKED), none twice.
      const ids = [...fromA, ...fromB].map((c) => c.eventId);
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(ids.length, 40);
      assert.deepEqual(await b.claimWebhookDeliveries(t0 + 59_999, 40, 60_000), [], 'claims hold for their lease');
      assert.equal((await b.claimWebhookDeliveries(t0 + 60_000, 40, 60_000)).length, 40, 'then are free again');
    } else {
      // One process uses the file: a claim of another store instance is one a process that died left.
      assert.equal(fromA.length + fromB.length >= 40, true);
      assert.equal((await b.claimWebhookDeliveries(t0 + 1, 40, 60_000)).length, 40 - fromB.length);
    }
  });

  test(`${adapter.name}: expiring tokens are listed for owners watching token.expiring only, active, in the range`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const user = await seedUser(store);
    const watched = await seedApp(store, user);
    const unwatched = await seedApp(store, user, 'user', 'Unwatched');
    await store.createWebhook(storeWebhook(watched, 'application', ['token.expiring']));
    await store.createWebhook(storeWebhook(unwatched, 'application', ['token.created']));
    await store.createWebhook(storeWebhook(user, 'user', ['token.expiring'], false));
    const soon = token(watched, 'soon', { expiresAt: t0 + 1000 });
    const later = token(watched, 'later', { expiresAt: t0 + 5000 });
    const inactive = token(watched, 'inactive', { expiresAt: t0 + 1000, status: 'inactive' });
    const never = token(watched, 'never');
    const past = token(watched, 'past', { expiresAt: t0 });
    const elsewhere = token(unwatched, 'elsewhere', { expiresAt: t0 + 1000 });
    const users = token(user, 'users', { ownerType: 'user', expiresAt: t0 + 1000 });
    await store.createTokens([soon, later, inactive, never, past, elsewhere, users]);
    assert.deepEqual(
      (await store.listExpiringTokens(t0, t0 + 5000)).map((x) => x.name),
      ['soon', 'later'],
    );
    assert.deepEqual(
      (await store.listExpiringTokens(t0 + 1000, t0 + 4999)).map((x) => x.name),
      [],
    );
    assert.deepEqual(
      (await store.listExpiringTokens(t0 - 1, t0 + 1000)).map((x) => x.name),
      ['past', 'soon'],
    );
    // Changed since: created (or re-activated) at or after the given time.
    await store.updateToken('application', watched, later.id, { description: 'touched' }, t0 + 50);
    assert.deepEqual(
      (await store.listExpiringTokens(t0, t0 + 5000, t0 + 50)).map((x) => x.name),
      ['later'],
    );
    assert.deepEqual(
      (await store.listExpiringTokens(t0, t0 + 5000, t0 + 51)).map((x) => x.name),
      [],
    );
  });

  test(`${adapter.name}: a token keeps the balance it was last given (credits_low's base)`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    const metered = token(app, 'metered', { credits: { remaining: 50, refill: null, refilledAt: t0 } });
    await store.createToken(metered);
    await store.spendCredits({ id: metered.id, cost: 10, refillSince: null, at: t0 });
    assert.deepEqual((await store.getToken('application', app, metered.id))?.credits, {
      remaining: 40,
      refill: null,
      refilledAt: t0,
      initial: 50,
    });
    await store.updateToken(
      'application',
      app,
      metered.id,
      { credits: { remaining: 500, refill: null, refilledAt: t0 + 1, initial: 500 } },
      t0 + 1,
    );
    assert.equal((await store.getToken('application', app, metered.id))?.credits?.initial, 500);
  });

  test(`${adapter.name}: a spend records the token.credits_low thresholds it crosses, made events once, by any store`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const app = await seedApp(store, await seedUser(store));
    assert.equal(await store.createWebhook(storeWebhook(app, 'application', ['token.credits_low'])), true);
    const metered = token(app, 'metered', { credits: { remaining: 10, refill: null, refilledAt: t0 } });
    await store.createToken(metered);
    const spend = async (cost: number, at: number) => (await store.spendCredits({ id: metered.id, cost, refillSince: null, at }))?.crossed;
    assert.equal(await spend(7, t0 + 1), false, '10 -> 3: still above 20%');
    assert.equal(await spend(0, t0 + 2), false, 'a check crosses nothing');
    assert.equal(await spend(5, t0 + 3), false, 'refused: nothing spent, nothing crossed');
    assert.equal(await spend(1, t0 + 4), true, '3 -> 2: 20% of 10');
    assert.equal(await spend(2, t0 + 5), true, '2 -> 0: 10% and 0% at once');
    assert.equal(await store.enqueueCreditCrossings(), 3);
    assert.equal(await store.enqueueCreditCrossings(), 0, 'each crossing is made an event once');
    const claims = await store.claimWebhookDeliveries(t0 + 10, 100, 60_000);
    const events = claims.map((c) => JSON.parse(c.payload) as { type: string; data: Record<string, unknown> });
    assert.deepEqual(
      events.map((e) => [e.type, e.data.apiTokenId, e.data.threshold, e.data.remaining, e.data.creditsBase]).sort(),
      [
        ['token.credits_low', metered.id, 0, 0, 10],
        ['token.credits_low', metered.id, 10, 0, 10],
        ['token.credits_low', metered.id, 20, 2, 10],
      ].sort(),
    );

    // A crossing recorded by one store (a node that then died) is made an event by another.
    const [a, b] = await twoStores(t, adapter);
    const other = await seedApp(a, await seedUser(a, 'other@example.com'));
    assert.equal(await a.createWebhook(storeWebhook(other, 'application', ['token.credits_low'])), true);
    const shared = token(other, 'shared', { credits: { remaining: 5, refill: null, refilledAt: t0 } });
    await a.createToken(shared);
    assert.equal((await a.spendCredits({ id: shared.id, cost: 4, refillSince: null, at: t0 }))?.crossed, true);
    assert.equal(await b.enqueueCreditCrossings(), 1);
    assert.equal(await a.enqueueCreditCrossings(), 0);
  });

  test(`${adapter.name}: ping answers`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    await store.ping();
    assert.equal(store.kind, adapter.name);
  });

  test(`${adapter.name}: the connection pool's state (SQLite: its one connection)`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    await store.ping();
    const pool = store.connectionPool();
    if (adapter.name === 'sqlite') return assert.deepEqual(pool, { total: 1, idle: 1, waiting: 0 }, 'one connection, idle');
    assert.ok(pool && pool.total >= 1, 'the ping left a connection');
    assert.equal(pool.idle, pool.total, 'none busy between queries');
    assert.equal(pool.waiting, 0);
  });

  test(`${adapter.name}: notifications from other nodes are counted where there are other nodes`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const lag = store.peerNotificationLag();
    if (adapter.name === 'sqlite') return assert.equal(lag, undefined, 'one process, no peers');
    assert.deepEqual(lag, { received: 0, maxLagMs: 0 }, 'nothing received yet (test/metrics.test.ts has two nodes)');
  });
}

test('prefix globs become key ranges only where code-unit order is byte order', async () => {
  const { prefixRange } = await import('../src/storage/sql/tokens.js');
  assert.deepEqual(prefixRange('abc*'), { from: 'abc', to: 'abd' });
  assert.deepEqual(prefixRange('a_%*'), { from: 'a_%', to: 'a_&' });
  for (const glob of ['abc', '*', 'a*b*', '*abc*', 'é\u{1F600}*', 'x\uffff*']) assert.equal(prefixRange(glob), undefined, glob);
});

for (const adapter of plainAdapters) {
  test(`${adapter.name}: the suite above calls every method of the port`, async (t) => {
    if (await skipUnavailable(t, adapter)) return;
    const store = await adapter.open(t);
    const seen = called.get(adapter.name) ?? new Set();
    assert.deepEqual(
      functionsOf(store).filter((name) => !seen.has(name)),
      [],
    );
  });
}

test('every adapter folder has the same files: index.ts (open, its StoreAdapter), dialect.ts, hot-reads.ts; the rest under support/', async () => {
  const { readdirSync } = await import('node:fs');
  const root = new URL('../src/storage/', import.meta.url);
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'sql')
    .map((entry) => entry.name);
  assert.ok(folders.length >= 2);
  for (const folder of folders) {
    const entries = readdirSync(new URL(`${folder}/`, root), { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? `${entry.name}/` : entry.name,
    );
    assert.deepEqual(
      entries.filter((name) => name !== 'support/').toSorted(),
      ['dialect.ts', 'hot-reads.ts', 'index.ts'],
      `storage/${folder}/ holds other files than the adapter's three: move them to its support/`,
    );
  }
});
