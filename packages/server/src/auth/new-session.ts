// A login session (`lks_`), as sign-in and a password change mint one: a token
// owned by the user with owner type 'session', never listed among its API tokens.
import { generateToken } from '@latchkey/contract';
import type { NewToken, UserRecord } from '../storage/port.js';
import { newToken } from '../tokens/api-token-wire.js';
import { hashToken } from './token-hash.js';

export interface SessionRequest {
  scope: string[];
  /** The lifetime asked for, in seconds (absent: the most allowed). */
  tokenTTL?: number;
  /** The most a session may live, in ms (the server's setting). */
  maxTtlMs: number;
  now: number;
}

/** The session's string (shown once, to the caller) and the record to store. */
export function newSession(user: UserRecord, request: SessionRequest): { token: string; record: NewToken } {
  const { scope, tokenTTL, maxTtlMs, now } = request;
  const ttl = tokenTTL ? Math.min(tokenTTL * 1000, maxTtlMs) : maxTtlMs;
  const token = generateToken('session');
  const record = newToken(
    { name: 'session' },
    {
      owner: { ownerType: 'session', ownerId: user.id },
      creator: { creatorType: 'user', creatorId: user.id, creatorName: user.email },
      scope,
      expiresAt: now + ttl,
      at: now,
      hash: hashToken(token),
    },
  );
  return { token, record };
}
