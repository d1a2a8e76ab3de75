import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import zlib from 'node:zlib';
import { generateToken, parseToken, tokenLength, tokenPrefixes, type TokenKind } from '../src/token-format.js';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const kinds = Object.keys(tokenPrefixes) as TokenKind[];
const kindArb = fc.constantFrom(...kinds);
const shape = /^(lka|lku|lks)_[0-9A-Za-z]{49}$/;

// An oracle written independently of src: base62 big-endian, CRC32 (node:zlib's) over
// the ASCII of `prefix_secret`, six digits.
function base62(value: bigint, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) {
    out = alphabet[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}
function decode62(text: string): bigint {
  let n = 0n;
  for (const c of text) n = n * 62n + BigInt(alphabet.indexOf(c));
  return n;
}
const checksum = (body: string) => base62(BigInt(zlib.crc32(body)), 6);
function expectedKind(candidate: string): TokenKind | null {
  if (!shape.test(candidate)) return null;
  if (checksum(candidate.slice(0, 47)) !== candidate.slice(47)) return null;
  return kinds.find((k) => candidate.startsWith(tokenPrefixes[k] + '_')) ?? null;
}

/** A generated token and a position in it. */
const tokenAndIndex = kindArb.map((kind) => generateToken(kind)).chain((token) => fc.tuple(fc.constant(token), fc.nat(token.length - 1)));

test('the prefixes and length are the documented ones', () => {
  assert.deepEqual(tokenPrefixes, { application: 'lka', user: 'lku', session: 'lks' });
  assert.equal(tokenLength, 3 + 1 + 43 + 6);
});

test('every generated token parses back to its kind, with the right shape', () => {
  fc.assert(
    fc.property(kindArb, (kind) => {
      const token = generateToken(kind);
      assert.equal(token.length, tokenLength);
      assert.match(token, shape);
      assert.ok(token.startsWith(`${tokenPrefixes[kind]}_`));
      assert.equal(parseToken(token), kind);
      assert.equal(expectedKind(token), kind);
    }),
    { numRuns: 3000 },
  );
});

test('the checksum is the CRC32 of prefix_secret in six base62 digits', () => {
  fc.assert(
    fc.property(kindArb, (kind) => {
      const token = generateToken(kind);
      const body = token.slice(0, 47);
      assert.equal(decode62(token.slice(47)), BigInt(zlib.crc32(body)));
    }),
    { numRuns: 1000 },
  );
});

test('the secret encodes 256 bits and uses the whole alphabet', () => {
  const seen = new Set<string>();
  const lastDigit = new Map<string, number>();
  const runs = 12_400;
  let topBitSet = 0;
  for (let i = 0; i < runs; i++) {
    const secret = generateToken('application').slice(4, 47);
    const value = decode62(secret);
    assert.ok(value < 2n ** 256n);
    if (value >= 2n ** 255n) topBitSet++;
    for (const c of secret) seen.add(c);
    const last = secret.at(-1)!;
    lastDigit.set(last, (lastDigit.get(last) ?? 0) + 1);
  }
  assert.equal(seen.size, 62);
  // All 256 bits are random: the top one is set about half the time.
  assert.ok(topBitSet > runs * 0.45 && topBitSet < runs * 0.55, `top bit set in ${topBitSet} of ${runs}`);
  // The least significant digit of a uniform 256-bit number is near-uniform: each of the
  // 62 digits is expected 200 times (sd ~14), so these bounds fail only on a real bias.
  for (const c of alphabet) {
    const count = lastDigit.get(c) ?? 0;
    assert.ok(count > 100 && count < 300, `digit ${c} seen ${count} times in ${runs}`);
  }
});

test('generated tokens are distinct', () => {
  const tokens = new Set<string>();
  const secrets = new Set<string>();
  const perKind = 10_000;
  for (const kind of kinds) {
    for (let i = 0; i < perKind; i++) {
      const token = generateToken(kind);
      tokens.add(token);
      secrets.add(token.slice(4, 47));
    }
  }
  assert.equal(tokens.size, perKind * kinds.length);
  assert.equal(secrets.size, perKind * kinds.length);
});

test('any well-formed token parses, not only generated ones', () => {
  fc.assert(
    fc.property(kindArb, fc.stringMatching(/^[0-9A-Za-z]{43}$/), (kind, secret) => {
      const body = `${tokenPrefixes[kind]}_${secret}`;
      assert.equal(parseToken(body + checksum(body)), kind);
    }),
    { numRuns: 1000 },
  );
});

test('a character outside base62 is rejected even under a matching checksum', () => {
  const foreign = fc.constantFrom('_', '-', '+', '/', '=', '.', ' ', '\0', 'é', 'ß', 'Ａ', '٣');
  fc.assert(
    fc.property(kindArb, fc.stringMatching(/^[0-9A-Za-z]{43}$/), fc.nat(42), foreign, (kind, secret, i, c) => {
      const body = `${tokenPrefixes[kind]}_${secret.slice(0, i)}${c}${secret.slice(i + 1)}`;
      assert.equal(parseToken(body + checksum(body)), null, body);
    }),
    { numRuns: 1000 },
  );
  for (const kind of kinds) {
    const body = `${tokenPrefixes[kind]}-${generateToken(kind).slice(4, 47)}`;
    assert.equal(parseToken(body + checksum(body)), null, 'the separator is an underscore');
  }
});

test('every single-character substitution of a token is rejected (exhaustive)', () => {
  for (const kind of kinds) {
    const token = generateToken(kind);
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet + '_-+/= .\0é') {
        if (c === token[i]) continue;
        const mutated = token.slice(0, i) + c + token.slice(i + 1);
        assert.equal(parseToken(mutated), null, `${token} with ${JSON.stringify(c)} at ${i}`);
      }
    }
  }
});

test('a single-character substitution is rejected (property)', () => {
  const anyChar = fc.oneof(fc.constantFrom(...alphabet), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  fc.assert(
    fc.property(tokenAndIndex, anyChar, ([token, i], c) => {
      fc.pre(c !== token[i]);
      assert.equal(parseToken(token.slice(0, i) + c + token.slice(i + 1)), null);
    }),
    { numRuns: 2000 },
  );
});

test('a single-character deletion is rejected', () => {
  fc.assert(
    fc.property(tokenAndIndex, ([token, i]) => {
      assert.equal(parseToken(token.slice(0, i) + token.slice(i + 1)), null);
    }),
    { numRuns: 1000 },
  );
});

test('a single-character insertion is rejected', () => {
  fc.assert(
    fc.property(tokenAndIndex, fc.nat(1), fc.constantFrom(...alphabet, '_', ' ', '\n'), ([token, i], after, c) => {
      const at = i + after; // 0..length inclusive
      assert.equal(parseToken(token.slice(0, at) + c + token.slice(at)), null);
    }),
    { numRuns: 1000 },
  );
});

test('swapping two adjacent different characters is rejected', () => {
  fc.assert(
    fc.property(tokenAndIndex, ([token, i]) => {
      const j = i === token.length - 1 ? i - 1 : i;
      fc.pre(token[j] !== token[j + 1]);
      const swapped = token.slice(0, j) + token[j + 1] + token[j] + token.slice(j + 2);
      assert.equal(parseToken(swapped), null);
    }),
    { numRuns: 1000 },
  );
});

test('swapping the prefix to another kind is rejected', () => {
  fc.assert(
    fc.property(kindArb, kindArb, (from, to) => {
      fc.pre(from !== to);
      const token = generateToken(from);
      assert.equal(parseToken(tokenPrefixes[to] + token.slice(3)), null);
    }),
    { numRuns: 1000 },
  );
  // The case the brief singles out: an application token relabelled as a user token.
  const application = generateToken('application');
  assert.equal(parseToken('lku' + application.slice(3)), null);
  const user = generateToken('user');
  assert.equal(parseToken('lka' + user.slice(3)), null);
});

test('changing the case of any letter is rejected', () => {
  const letterPosition = kindArb
    .map((kind) => generateToken(kind))
    .chain((token) => {
      const letters = [...token].flatMap((c, i) => (/[A-Za-z]/.test(c) ? [i] : []));
      return fc.tuple(fc.constant(token), fc.constantFrom(...letters));
    });
  fc.assert(
    fc.property(letterPosition, ([token, i]) => {
      const c = token[i]!;
      const toggled = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      assert.equal(parseToken(token.slice(0, i) + toggled + token.slice(i + 1)), null);
    }),
    { numRuns: 1000 },
  );
  for (const kind of kinds) {
    const token = generateToken(kind);
    assert.equal(parseToken(token.toUpperCase()), null);
    assert.equal(parseToken(token.toLowerCase()), null);
  }
});

test('truncation, extension and surrounding whitespace are rejected', () => {
  fc.assert(
    fc.property(tokenAndIndex, ([token, i]) => {
      assert.equal(parseToken(token.slice(0, i)), null);
      assert.equal(parseToken(token.slice(i + 1)), null);
    }),
    { numRuns: 1000 },
  );
  const token = generateToken('application');
  for (const padded of [` ${token}`, `${token} `, `${token}\n`, `\t${token}`, `${token}0`, `Bearer ${token}`]) {
    assert.equal(parseToken(padded), null, JSON.stringify(padded));
  }
  assert.equal(parseToken(''), null);
});

test('arbitrary strings are rejected unless they are valid tokens', () => {
  const candidates = fc.oneof(
    kindArb.map((kind) => generateToken(kind)),
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.string({ unit: 'binary', minLength: 53, maxLength: 53 }),
    fc.stringMatching(/^(lka|lku|lks|lkx|LKA)_[0-9A-Za-z]{49}$/),
    fc.stringMatching(/^(lka|lku|lks)[_-][\s\S]{49}$/),
  );
  fc.assert(
    fc.property(candidates, (candidate) => {
      assert.equal(parseToken(candidate), expectedKind(candidate));
    }),
    { numRuns: 5000 },
  );
});

test('well-shaped strings with a wrong checksum are rejected', () => {
  fc.assert(
    fc.property(kindArb, fc.stringMatching(/^[0-9A-Za-z]{43}$/), fc.stringMatching(/^[0-9A-Za-z]{6}$/), (kind, secret, sum) => {
      const body = `${tokenPrefixes[kind]}_${secret}`;
      fc.pre(sum !== checksum(body));
      assert.equal(parseToken(body + sum), null);
    }),
    { numRuns: 1000 },
  );
});
