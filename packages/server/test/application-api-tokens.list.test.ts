// GET /applications/{applicationId}/tokens: sorting, paging and glob filters,
// checked against a model of the same tokens sorted and filtered in JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiTokenSortFields } from '@latchkey/contract';
import { build, type Harness } from './helpers/build.js';

type Item = Record<string, string>;

async function list(h: Harness, query: string): Promise<{ items: Item[]; totalCount: number; count: number } & Item> {
  const res = await h.call(h.userToken, { method: 'GET', url: `/applications/${h.applicationId}/tokens?${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** All pages of a query, walked with perPage. */
async function walk(h: Harness, query: string, perPage: number): Promise<Item[]> {
  const out: Item[] = [];
  for (let page = 0; ; page++) {
    const body = await list(h, `${query}&perPage=${perPage}&page=${page}`);
    out.push(...body.items);
    if (body.items.length < perPage) return out;
  }
}

const names = ['beta', 'Alpha', 'alpha', 'beta', 'beta', '100%', '1000', 'a_b', 'axb', 'gamma*', 'BETA', 'delta'];

async function seed(t: Parameters<typeof build>[0]) {
  const h = await build(t);
  for (const [i, name] of names.entries()) {
    h.clock.now += 1000;
    await h.createToken({
      name,
      status: i % 3 === 0 ? 'inactive' : 'active',
      ...(i % 2 === 0 ? { expirationDate: new Date(h.clock.now + (i + 1) * 3_600_000).toISOString() } : {}),
    });
  }
  return h;
}

const field: Record<string, (item: Item) => string> = {
  name: (i) => i.name!.toLowerCase(),
  status: (i) => i.status!,
  id: (i) => i.id!,
  creationDate: (i) => i.creationDate!,
  lastUpdated: (i) => i.lastUpdated!,
  // Tokens that never expire sort after every date.
  expirationDate: (i) => i.expirationDate ?? '~',
};

function modelSort(items: Item[], sortField: string, direction: 'asc' | 'desc'): string[] {
  const key = field[sortField]!;
  const sorted = [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
    return primary !== 0 ? primary : a.id! < b.id! ? -1 : 1;
  });
  if (direction === 'desc') sorted.reverse();
  return sorted.map((i) => i.id!);
}

test('every sort field in both directions, paged 1, 5 and 1000 at a time, never repeats or skips', async (t) => {
  const h = await seed(t);
  const all = (await list(h, 'perPage=1000')).items;
  assert.equal(all.length, names.length);
  for (const sortField of apiTokenSortFields) {
    for (const direction of ['asc', 'desc'] as const) {
      const expected = modelSort(all, sortField, direction);
      for (const perPage of [1, 5, 1000]) {
        const ids = (await walk(h, `sortField=${sortField}&sortDirection=${direction}`, perPage)).map((i) => i.id);
        assert.deepEqual(ids, expected, `${sortField} ${direction} perPage=${perPage}`);
      }
    }
  }
});

test('upper-case sort directions are accepted and echoed in lower case', async (t) => {
  const h = await seed(t);
  const body = await list(h, 'sortDirection=DESC');
  assert.equal(body.sortDirection, 'desc');
});

test('page metadata: count, totalCount, perPage, page', async (t) => {
  const h = await seed(t);
  const body = await list(h, 'perPage=5&page=2&sortField=id');
  assert.equal(body.count, 2);
  assert.equal(body.totalCount, names.length);
  assert.equal(body.perPage, 5);
  assert.equal(body.page, 2);
  const beyond = await list(h, 'perPage=5&page=9');
  assert.equal(beyond.count, 0);
  assert.equal(beyond.totalCount, names.length);
});

const globs: Array<[string, string[]]> = [
  ['beta', ['beta', 'beta', 'beta', 'BETA']],
  ['alpha', ['Alpha', 'alpha']],
  ['b*', ['beta', 'beta', 'beta', 'BETA']],
  ['*a', ['beta', 'Alpha', 'alpha', 'beta', 'beta', 'BETA', 'delta']],
  ['*ph*', ['Alpha', 'alpha']],
  ['100%', ['100%']],
  ['10%', []],
  ['1_00', []],
  ['a_b', ['a_b']],
  ['a*b', ['a_b', 'axb']],
  ['gamma*', ['gamma*']],
  ['*', names],
  ['nothing', []],
];

for (const [glob, expected] of globs) {
  test(`name glob ${JSON.stringify(glob)} matches literally except for *`, async (t) => {
    const h = await seed(t);
    const body = await list(h, `filterField=name&filter=${encodeURIComponent(glob)}&perPage=1000`);
    assert.deepEqual(body.items.map((i) => i.name).sort(), [...expected].sort());
    assert.equal(body.totalCount, expected.length);
    assert.equal(body.filterField, 'name');
    assert.equal(body.filter, glob);
  });
}

test('status filter, and paging within a filter', async (t) => {
  const h = await seed(t);
  const inactive = names.filter((_, i) => i % 3 === 0).length;
  const body = await list(h, 'filterField=status&filter=inactive&perPage=1000');
  assert.equal(body.totalCount, inactive);
  assert.ok(body.items.every((i) => i.status === 'inactive'));
  const paged = await walk(h, 'filterField=status&filter=act*&sortField=name', 2);
  assert.equal(paged.length, names.length - inactive);
});

test('a blank filter or filterField means no filtering', async (t) => {
  const h = await seed(t);
  for (const query of ['filterField=name&filter=', 'filterField=&filter=beta', 'filter=beta']) {
    const body = await list(h, query);
    assert.equal(body.totalCount, names.length, query);
    assert.equal(body.filter, undefined);
  }
});

test("an application's list holds only its own tokens", async (t) => {
  const h = await seed(t);
  const { makeApplication } = await import('./helpers/build.js');
  const other = await makeApplication(h.store, h.userId);
  await h.createToken({ name: 'elsewhere' }, h.userToken, other);
  const body = await list(h, 'perPage=1000');
  assert.equal(body.totalCount, names.length);
  assert.ok(!body.items.some((i) => i.name === 'elsewhere'));
});
