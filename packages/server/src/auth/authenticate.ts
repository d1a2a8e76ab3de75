// Bearer token -> principal. Shape and checksum are checked before any hashing or
// store access, so garbage costs almost nothing and never touches the database.
import { parseToken } from '@latchkey/contract';
import type { Store } from '../storage/port.js';
import { errors } from '../errors.js';
import type { Principal } from './principal.js';
import { hashToken } from './token-hash.js';

const bearer = /^Bearer +(\S+) *$/i;

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return bearer.exec(header)?.[1];
}

export async function authenticate(store: Store, header: string | undefined, now: number): Promise<Principal> {
  const token = bearerToken(header);
  const kind = token === undefined ? null : parseToken(token);
  if (token === undefined || kind === null) throw errors.unauthorized();
  const record = await store.findTokenByHash(hashToken(token));
  if (!record || record.status !== 'active' || (record.expiresAt !== null && record.expiresAt <= now)) {
    throw errors.unauthorized();
  }
  // The prefix must agree with what the store says the token belongs to.
  const expectedOwner = kind === 'application' ? 'application' : 'user';
  if (record.ownerType !== expectedOwner) throw errors.unauthorized();
  const credential = {
    tokenId: record.id,
    tokenName: record.name,
    scopes: record.scope,
    expiresAt: record.expiresAt,
  };
  return record.ownerType === 'application'
    ? { kind: 'application', applicationId: record.ownerId, ...credential }
    : { kind: 'user', userId: record.ownerId, ...credential };
}
