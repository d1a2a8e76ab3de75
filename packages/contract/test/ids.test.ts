import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { idPattern, newId } from '../src/ids.js';

const idRegExp = new RegExp(idPattern);
const lastSecond = 0xffffffff; // the 4-byte timestamp runs out in 2106
const nowMs = fc.integer({ min: 0, max: lastSecond * 1000 + 999 });

test('idPattern is the Losant ObjectId pattern', () => {
  assert.equal(idPattern, '^[A-Fa-f\\d]{24}$');
  assert.ok(idRegExp.test('5f2b1c0e9d3a4b5c6d7e8f90'));
  assert.ok(idRegExp.test('5F2B1C0E9D3A4B5C6D7E8F90'), 'Losant accepts upper-case hex in paths');
  for (const bad of [
    '',
    '5f2b1c0e9d3a4b5c6d7e8f9',
    '5f2b1c0e9d3a4b5c6d7e8f901',
    '5f2b1c0e9d3a4b5c6d7e8f9g',
    ' 5f2b1c0e9d3a4b5c6d7e8f9',
    '5f2b1c0e9d3a4b5c6d7e8f90\n',
  ]) {
    assert.ok(!idRegExp.test(bad), JSON.stringify(bad));
  }
});

test('newId is 24 lower-case hex characters and matches idPattern', () => {
  fc.assert(
    fc.property(nowMs, (ms) => {
      const id = newId(ms);
      assert.match(id, /^[0-9a-f]{24}$/);
      assert.match(id, idRegExp);
    }),
    { numRuns: 1000 },
  );
  assert.match(newId(), /^[0-9a-f]{24}$/);
});

test('the first 8 hex characters encode the creation time in seconds', () => {
  fc.assert(
    fc.property(nowMs, (ms) => {
      assert.equal(Number.parseInt(newId(ms).slice(0, 8), 16), Math.floor(ms / 1000));
    }),
    { numRuns: 1000 },
  );
  assert.equal(newId(0).slice(0, 8), '00000000');
  assert.equal(newId(1_700_000_000_999).slice(0, 8), (1_700_000_000).toString(16));
  const before = Math.floor(Date.now() / 1000);
  const seconds = Number.parseInt(newId().slice(0, 8), 16);
  const after = Math.floor(Date.now() / 1000);
  assert.ok(seconds >= before && seconds <= after, 'newId() defaults to the current time');
});

test('ids sort by creation millisecond', () => {
  fc.assert(
    fc.property(nowMs, nowMs, (a, b) => {
      fc.pre(a < b);
      assert.ok(newId(a) < newId(b));
    }),
    { numRuns: 1000 },
  );
});

test('ids minted in the same millisecond are distinct and random after the time', () => {
  const ms = 1_700_000_000_123;
  const ids = new Set<string>();
  const tails = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = newId(ms);
    ids.add(id);
    tails.add(id.slice(12));
  }
  assert.equal(ids.size, 10_000);
  assert.equal(tails.size, 10_000);
  assert.equal(new Set([...ids].map((id) => id.slice(0, 12))).size, 1);
  const hexDigits = new Set([...tails].join(''));
  assert.equal(hexDigits.size, 16, 'every hex digit appears in the random part');
});
