// Token format: `<prefix>_<43 base62 chars of 32 random bytes><6 base62 chars of CRC32>`.
// Opaque on purpose (no JWT): the server is the only authority, so nothing in the
// token needs to be readable. The checksum lets secret scanners recognise a real
// token and lets the server refuse a mistyped one without a store lookup.
import { crc32 } from './crc32.js';
import { randomBytes } from './random.js';

export const tokenPrefixes = { application: 'lka', user: 'lku', session: 'lks' } as const;
export type TokenKind = keyof typeof tokenPrefixes;

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const secretLength = 43; // ceil(256 / log2(62))
const checksumLength = 6; // ceil(32 / log2(62))
export const tokenLength = 4 + secretLength + checksumLength;
const shape = /^(lka|lku|lks)_[0-9A-Za-z]{49}$/;
const kindOfPrefix: Record<string, TokenKind> = { lka: 'application', lku: 'user', lks: 'session' };

function encodeChecksum(value: number): string {
  let out = '';
  for (let i = 0; i < checksumLength; i++) {
    out = alphabet[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** Base62 digit value by character code. */
const digitOf = new Uint8Array(128);
for (let i = 0; i < alphabet.length; i++) digitOf[alphabet.charCodeAt(i)] = i;
const checksumAt = tokenLength - checksumLength;

/** 62^8 < 2^53: eight base62 digits at a time in plain numbers, one BigInt division per group. */
const digitGroup = 62n ** 8n;
const hexOf = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Mints a new token of the given kind from 32 bytes of the platform's CSPRNG. */
export function generateToken(kind: TokenKind): string {
  let hex = '0x';
  for (const byte of randomBytes(32)) hex += hexOf[byte];
  let n = BigInt(hex);
  let secret = '';
  while (secret.length < secretLength) {
    let group = Number(n % digitGroup);
    n /= digitGroup;
    for (let i = 0; i < 8 && secret.length < secretLength; i++) {
      secret = alphabet[group % 62] + secret;
      group = Math.floor(group / 62);
    }
  }
  const body = `${tokenPrefixes[kind]}_${secret}`;
  return body + encodeChecksum(crc32(body));
}

/** The token's kind when its shape and checksum are right; null otherwise. */
export function parseToken(token: string): TokenKind | null {
  if (token.length !== tokenLength || !shape.test(token)) return null;
  // Decoded rather than the checksum encoded and compared: this runs on every
  // request. Six base62 digits cover 2^32, so the two agree exactly.
  let checksum = 0;
  for (let i = checksumAt; i < tokenLength; i++) checksum = checksum * 62 + digitOf[token.charCodeAt(i)]!;
  if (checksum !== crc32(token, checksumAt)) return null;
  return kindOfPrefix[token.slice(0, 3)] ?? null;
}
