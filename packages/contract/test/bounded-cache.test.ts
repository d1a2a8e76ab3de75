import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedCache } from '../src/bounded-cache.js';

test('keeps at most max entries, dropping the least recently used', () => {
  const cache = new BoundedCache<string, number>({ max: 2 });
  cache.set('a', 1);
  cache.set('b', 2);
  cache.get('a');
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
});

test('keeps at most maxWeight, and nothing heavier than the whole cache', () => {
  const cache = new BoundedCache<string, number[]>({ maxWeight: 5, weigh: (v) => v.length });
  assert.equal(cache.set('a', [1, 2, 3]), true);
  assert.equal(cache.set('b', [1, 2]), true);
  assert.equal(cache.set('c', [1]), true);
  assert.equal(cache.get('a'), undefined, 'the oldest gave way');
  assert.equal(cache.set('d', [1, 2, 3, 4, 5, 6]), false);
  assert.equal(cache.get('d'), undefined);
});

test('serves entries only within their TTL, by the clock it is given', () => {
  let now = 1_000;
  const cache = new BoundedCache<string, string>({ max: 10, ttlMs: 100, now: () => now });
  cache.set('a', 'x');
  now += 100;
  assert.equal(cache.get('a'), 'x');
  now += 1;
  assert.equal(cache.get('a'), undefined);
});

test('ttlMs 0 keeps nothing', () => {
  const cache = new BoundedCache<string, string>({ max: 10, ttlMs: 0 });
  assert.equal(cache.set('a', 'x'), false);
  assert.equal(cache.get('a'), undefined);
});

test('a read begun before an invalidation is not kept after it', () => {
  const cache = new BoundedCache<string, string>({ max: 10 });
  for (const invalidate of [() => cache.delete('other'), () => cache.clear(), () => cache.deleteWhere(() => false)]) {
    const epoch = cache.begin();
    invalidate();
    assert.equal(cache.set('a', 'stale', epoch), false);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.set('a', 'fresh', cache.begin()), true);
    cache.clear();
  }
});

test('onRemove hears of every entry that leaves', () => {
  const removed: string[] = [];
  const cache = new BoundedCache<string, string>({ max: 1, onRemove: (_v, k) => removed.push(k) });
  cache.set('a', 'x');
  cache.set('b', 'y'); // evicts a
  cache.deleteWhere((v) => v === 'y');
  assert.deepEqual(removed, ['a', 'b']);
});

test('an entry may be given a shorter TTL of its own', () => {
  let now = 1_000;
  const cache = new BoundedCache<string, string>({ max: 10, ttlMs: 100, now: () => now });
  cache.set('short', 'x', cache.begin(), 10);
  cache.set('long', 'y');
  now += 11;
  assert.equal(cache.get('short'), undefined);
  assert.equal(cache.get('long'), 'y');
});

test('dropReadsInFlight keeps what is kept but refuses reads that began before it', () => {
  const cache = new BoundedCache<string, string>({ max: 10 });
  cache.set('a', 'x');
  const epoch = cache.begin();
  cache.dropReadsInFlight();
  assert.equal(cache.set('b', 'y', epoch), false);
  assert.equal(cache.get('a'), 'x');
  assert.equal(cache.set('b', 'y', cache.begin()), true);
});
