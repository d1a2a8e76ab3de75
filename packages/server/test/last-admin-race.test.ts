// The last-admin guard holds under concurrency: two nodes demoting or removing an
// organization's two admins at the same moment must not both pass, and removals
// must not leave an organization without members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@latchkey/contract';
import type { Store } from '../src/storage/port.js';
import { t0, twoStores } from './helpers/store-fixtures.js';
import { adapters, skipUnavailable } from './helpers/stores.js';

const organizations = 15;

async function user(store: Store): Promise<string> {
  const id = newId();
  await store.createUser({
    id,
    email: `${id}@example.com`,
    firstName: 'U',
    lastName: '',
    passwordHash: 'x',
    createdAt: t0,
    updatedAt: t0,
    passwordUpdatedAt: t0,
  });
  return id;
}

for (const adapter of adapters) {
  for (const change of ['demote', 'remove'] as const) {
    test(`${adapter.name}: two nodes that ${change} an organization's two admins at once leave it an admin (${organizations} organizations)`, async (t) => {
      if (await skipUnavailable(t, adapter)) return;
      const [a, b] = await twoStores(t, adapter);
      const orgs: Array<{ id: string; admins: [string, string] }> = [];
      for (let i = 0; i < organizations; i++) {
        const admins: [string, string] = [await user(a), await user(a)];
        const id = newId();
        await a.createOrganization({ id, name: `Org ${i}`, description: '', createdAt: t0, updatedAt: t0 }, admins[0]);
        assert.equal(await a.setMember(id, admins[1], 'admin', t0), 'ok');
        orgs.push({ id, admins });
      }
      const role = change === 'demote' ? 'view' : null;
      // Every organization's pair at once, one of each pair on each node. A node may
      // also find the database busy (SQLite's second connection): it then changes nothing.
      const results = await Promise.allSettled(
        orgs.flatMap(({ id, admins }) => [a.setMember(id, admins[0], role, t0 + 1), b.setMember(id, admins[1], role, t0 + 1)]),
      );
      for (const result of results) {
        if (result.status === 'rejected') {
          assert.equal(adapter.name, 'sqlite', String(result.reason));
          // Answered 503, to be retried, not 500.
          assert.ok(a.isUnavailable(result.reason), `busy is unavailable: ${String(result.reason)}`);
        }
      }
      for (const [i, { id }] of orgs.entries()) {
        const members = await a.listMembers(id);
        assert.ok(members.length >= 1, `organization ${i} has a member`);
        assert.ok(
          members.some((m) => m.role === 'admin'),
          `organization ${i} has an admin: ${JSON.stringify(members.map((m) => m.role))}`,
        );
        const outcomes = results.slice(2 * i, 2 * i + 2).map((r) => (r.status === 'fulfilled' ? r.value : 'busy'));
        assert.ok(!outcomes.every((o) => o === 'ok'), `organization ${i}: not both passed (${outcomes})`);
      }
    });
  }
}
