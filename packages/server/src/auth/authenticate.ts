// Bearer token -> principal: parse + checksum (no I/O) -> SHA-256 -> cache -> store.
// Garbage never reaches the hash or the database.
import { parseToken } from '@latchkey/contract';
import type { OwnerType, Store, TokenRecord } from '../storage/port.js';
import { errors } from '../errors.js';
import type { Principal } from './principal.js';
import type { TokenCache } from './token-cache.js';
import { hashToken } from './token-hash.js';

const bearer = /^Bearer +(\S+) *$/i;
/** The store owner type each token prefix must have. */
const ownerOfKind: Record<string, OwnerType | undefined> = { application: 'application', user: 'user', session: 'session' };
/** lastUsed is written at most this often per token, so it costs nothing on the hot path. */
export const lastUsedResolutionMs = 60_000;

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return bearer.exec(header)?.[1];
}

function toPrincipal(record: TokenRecord): Principal {
  const credential = {
    tokenId: record.id,
    tokenName: record.name,
    scopes: record.scope,
    expiresAt: record.expiresAt,
    issuedAt: record.createdAt,
  };
  return record.ownerType === 'application'
    ? { kind: 'application', applicationId: record.ownerId, ...credential }
    : { kind: 'user', userId: record.ownerId, session: record.ownerType === 'session', ...credential };
}

export interface Authenticator {
  /** A token string -> its principal, or 401. */
  verify(token: string | undefined, now: number): Promise<Principal>;
  /** An Authorization header -> its principal, or 401. */
  authenticate(header: string | undefined, now: number): Promise<Principal>;
}

export function createAuthenticator(store: Store, cache: TokenCache, onError: (error: unknown) => void): Authenticator {
  async function verify(token: string | undefined, now: number): Promise<Principal> {
    const kind = token === undefined ? undefined : ownerOfKind[parseToken(token) ?? 'none'];
    if (token === undefined || kind === undefined) throw errors.unauthorized();
    const hash = hashToken(token);
    const key = hash.toString('base64');
    let record = cache.get(key, now);
    if (!record) {
      const epoch = cache.begin();
      record = await store.findTokenByHash(hash);
      if (!record) throw errors.unauthorized();
      cache.set(key, record, now, epoch);
    }
    if (record.status !== 'active' || (record.expiresAt !== null && record.expiresAt <= now)) {
      throw errors.unauthorized();
    }
    // The prefix must agree with what the store says the token belongs to.
    if (record.ownerType !== kind) throw errors.unauthorized();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= lastUsedResolutionMs) {
      record.lastUsedAt = now;
      // Not awaited: bookkeeping must not add latency or fail the request.
      store.touchToken(record.id, now).catch(onError);
    }
    return toPrincipal(record);
  }
  return { verify, authenticate: (header, now) => verify(bearerToken(header), now) };
}
