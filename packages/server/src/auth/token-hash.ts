import { createHash } from 'node:crypto';

/** SHA-256 of a token string: the only form in which a token is stored. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
