import { hash } from 'node:crypto';

// One-shot digests: building a Hash object costs more than the digest itself.

/** SHA-256 of a token string: the only form in which a token is stored. */
export function hashToken(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

/** The same digest in base64: how the verification cache knows a token. */
export function tokenKey(token: string): string {
  return hash('sha256', token, 'base64');
}
