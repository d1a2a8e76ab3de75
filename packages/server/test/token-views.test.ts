// Kept list answers are keyed by the revision the store reads each page at, so a
// repeated list is answered from memory on every adapter, and any write, by this
// node or another on the same database, ends the reuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@latchkey/contract';
import { TokenViews } from '../src/renderings/token-views.js';
import type { TokenListQuery } from '../src/storage/port.js';
import { storeToken as token, t0, twoStores } from './helpers/store-fixtures.js';
import { adapters, skipUnavailable } from './helpers/stores.js';

/** A request sent after another process's commit is read in a later turn of this one's event loop. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

for (const adapter of adapters) {
  for (const filtered of [false, true]) {
    test(`${adapter.name}: a repeated list${filtered ? ' (filtered)' : ''} is the kept answer until a write by this node or another`, async (t) => {
      if (await skipUnavailable(t, adapter)) return;
      const [store, other] = await twoStores(t, adapter);
      const app = newId();
      await store.createApplication({
        id: app,
        ownerType: 'user',
        ownerId: newId(),
        name: 'A',
        description: '',
        createdAt: t0,
        updatedAt: t0,
      });
      const first = token(app, 'first');
      await store.createToken(first);
      await store.createToken(token(app, 'second'));
      const views = new TokenViews();
      const query: TokenListQuery = {
        sortField: 'name',
        sortDirection: 'asc',
        page: 0,
        perPage: 10,
        ...(filtered ? { filter: { field: 'name', glob: '*' } } : {}),
      };
      const list = () =>
        views.page(store, 'application', app, query, {
          perPage: 10,
          page: 0,
          sortField: 'name',
          sortDirection: 'asc',
          ownerType: 'application',
          ownerId: app,
        });
      const items = async (answer?: Buffer) =>
        (JSON.parse((answer ?? (await list())).toString()) as { items: Array<Record<string, string>> }).items;

      const answer = await list();
      assert.equal(await list(), answer, 'the same answer, kept');
      assert.deepEqual(
        (await items(answer)).map((i) => i.name),
        ['first', 'second'],
      );

      const writes: Array<[string, () => Promise<unknown>, (items: Array<Record<string, string>>) => boolean]> = [
        [
          'rename here',
          () => store.updateToken('application', app, first.id, { name: 'a renamed' }, t0 + 1),
          (i) => i.find((x) => x.id === first.id)?.name === 'a renamed',
        ],
        [
          'rename on the other node',
          () => other.updateToken('application', app, first.id, { name: 'b renamed' }, t0 + 2),
          (i) => i.find((x) => x.id === first.id)?.name === 'b renamed',
        ],
        [
          'use on the other node',
          () => other.touchToken(first.id, t0 + 3),
          (i) => i.find((x) => x.id === first.id)?.lastUsed === new Date(t0 + 3).toISOString(),
        ],
        ['create on the other node', () => other.createToken(token(app, 'third')), (i) => i.length === 3],
        ['delete here', () => store.deleteToken('application', app, first.id), (i) => i.length === 2],
      ];
      for (const [what, write, shows] of writes) {
        const before = await list();
        assert.equal(await list(), before, `${what}: kept before`);
        await write();
        await nextTurn();
        const after = await list();
        assert.notEqual(after, before, `${what}: not the kept answer`);
        assert.ok(shows(await items(after)), `${what}: shows in ${after.toString()}`);
        assert.equal(await list(), after, `${what}: the new answer is kept`);
      }
    });
  }
}
