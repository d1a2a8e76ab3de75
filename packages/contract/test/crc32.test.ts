import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { crc32 } from '../src/crc32.js';

/** Bytes as the one-byte characters crc32 reads. */
const chars = (bytes: Uint8Array) => String.fromCharCode(...bytes);

test('crc32 matches the IEEE 802.3 check values', () => {
  assert.equal(crc32('123456789'), 0xcbf43926);
  assert.equal(crc32(''), 0);
  assert.equal(crc32('a'), 0xe8b7be43);
  assert.equal(crc32('The quick brown fox jumps over the lazy dog'), 0x414fa339);
  assert.equal(crc32(chars(new Uint8Array(32))), 0x190a55ad);
  assert.equal(crc32(chars(new Uint8Array(32).fill(0xff))), 0xff6cab0b);
});

test('crc32 returns an unsigned 32-bit integer', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      const value = crc32(chars(bytes));
      assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, String(value));
    }),
    { numRuns: 1000 },
  );
});

test('crc32 agrees with node:zlib on arbitrary bytes', (t) => {
  if (typeof zlib.crc32 !== 'function') {
    t.skip('node:zlib has no crc32 in this Node version');
    return;
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      assert.equal(crc32(chars(bytes)), zlib.crc32(bytes));
    }),
    { numRuns: 1000 },
  );
});

test('crc32 detects every single-bit error', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 128 }).chain((bytes) => fc.tuple(fc.constant(bytes), fc.nat(bytes.length - 1), fc.nat(7))),
      ([bytes, index, bit]) => {
        const flipped = Uint8Array.from(bytes);
        flipped[index]! ^= 1 << bit;
        assert.notEqual(crc32(chars(flipped)), crc32(chars(bytes)));
      },
    ),
    { numRuns: 1000 },
  );
});

test('crc32 of a prefix, read in place, is the crc32 of that prefix', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 128 }).chain((bytes) => fc.tuple(fc.constant(chars(bytes)), fc.nat(bytes.length))),
      ([text, end]) => {
        assert.equal(crc32(text, end), crc32(text.slice(0, end)));
      },
    ),
    { numRuns: 1000 },
  );
});
