// Bearer token -> principal: parse + checksum (no I/O) -> SHA-256 -> cache -> store.
// Garbage never reaches the hash or the database. A secret a rotation replaced is
// found by its own hash and verifies, as deprecated, until its grace period ends
// by the clock; after that it is as unknown as any other string.
import { parseToken } from '@latchkey/contract';
import type { FoundToken, OwnerType, Store, TokenRecord } from '../storage/port.js';
import { previousSecretExpiry, previousSecretLive } from '../tokens/rotation.js';
import type { Principal } from './principal.js';
import type { TokenCache } from './token-cache.js';
import { tokenKey } from './token-hash.js';

const bearer = /^Bearer +(\S+) *$/i;
/** The store owner type each token prefix must have. */
const ownerOfKind: Record<string, OwnerType | undefined> = { application: 'application', user: 'user', session: 'session' };
/** lastUsed is written at most this often per token, so it costs nothing on the hot path. */
export const lastUsedResolutionMs = 60_000;

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return bearer.exec(header)?.[1];
}

/**
 * The owner type a bearer token's prefix names, or undefined when the token is
 * missing or malformed (wrong shape or checksum): decided without I/O.
 */
function kindOf(token: string | undefined): OwnerType | undefined {
  return token === undefined ? undefined : ownerOfKind[parseToken(token) ?? 'none'];
}

/** `expiresAt`: the credential's, which for a previous secret is its grace period's end (if sooner). */
function toPrincipal(record: TokenRecord, expiresAt: number | null): Principal {
  const credential = {
    tokenId: record.id,
    tokenName: record.name,
    scopes: record.scope,
    expiresAt,
    issuedAt: record.createdAt,
    ratelimits: record.ratelimits,
    credits: record.credits,
    allowedCidrs: record.allowedCidrs,
  };
  return record.ownerType === 'application'
    ? { kind: 'application', applicationId: record.ownerId, ...credential }
    : { kind: 'user', userId: record.ownerId, session: record.ownerType === 'session', ...credential };
}

/** The principal a token stands for, or null when it is refused (for any reason: one answer). */
export type Verdict = Principal | null;

/**
 * What a token is now, told apart as /verify's codes are: unknown (or malformed, or
 * deleted, or a replaced secret past its grace period), inactive, expired, or valid
 * with its principal. The record comes with every known token (its usage is
 * counted under it). `deprecated`: the token given is a secret a rotation replaced,
 * in its grace period.
 */
export type Inspection =
  | { code: 'VALID'; record: FoundToken; principal: Principal; deprecated: boolean }
  | { code: 'DISABLED' | 'EXPIRED'; record: FoundToken; principal?: undefined; deprecated?: undefined }
  | { code: 'NOT_FOUND'; record?: undefined; principal?: undefined; deprecated?: undefined };

const notFound: Inspection = { code: 'NOT_FOUND' };

export interface Authenticator {
  /**
   * A token string -> its verdict. Synchronous when no store read is needed
   * (malformed tokens, cache hits), and it never throws: V8 walks the stack for
   * every throw and reports every rejected promise, which together cost more than
   * the rest of a refused request.
   */
  verify(token: string | undefined, now: number): Verdict | Promise<Verdict>;
  /** Like verify, through the same cache, saying why a token is refused. */
  inspect(token: string | undefined, now: number): Inspection | Promise<Inspection>;
  /**
   * The owner type a bearer token's prefix names, or undefined when the token is
   * missing or malformed: decided without I/O (the early refusal asks this).
   */
  kind(token: string | undefined): OwnerType | undefined;
}

const principalOf = (inspection: Inspection): Verdict => inspection.principal ?? null;

export function createAuthenticator(store: Store, cache: TokenCache, onError: (error: unknown) => void): Authenticator {
  // The early refusal and then verify() ask the kind of the same token in turn: the
  // second answer comes from here, not from another checksum. Per authenticator,
  // so apps in one process share nothing.
  let lastToken: string | undefined;
  let lastKind: OwnerType | undefined;
  function kind(token: string | undefined): OwnerType | undefined {
    if (token !== lastToken) {
      lastToken = token;
      lastKind = kindOf(token);
    }
    return lastKind;
  }
  function admit(record: FoundToken, kind: OwnerType, now: number): Inspection {
    // The prefix must agree with what the store says the token belongs to.
    if (record.ownerType !== kind) return notFound;
    const deprecated = record.secret === 'previous';
    // Checked by the clock, not by a write when the grace period ends.
    if (deprecated && !previousSecretLive(record, now)) return notFound;
    if (record.status !== 'active') return { code: 'DISABLED', record };
    if (record.expiresAt !== null && record.expiresAt <= now) return { code: 'EXPIRED', record };
    const lastUsed = deprecated ? record.previousSecretLastUsedAt : record.lastUsedAt;
    if (lastUsed === null || now - lastUsed >= lastUsedResolutionMs) {
      if (deprecated) record.previousSecretLastUsedAt = now;
      else record.lastUsedAt = now;
      // Not awaited: bookkeeping must not add latency or fail the request.
      store.touchToken(record.id, now, record.secret).catch(onError);
    }
    const principal = toPrincipal(record, deprecated ? previousSecretExpiry(record) : record.expiresAt);
    return { code: 'VALID', record, principal, deprecated };
  }
  function inspect(token: string | undefined, now: number): Inspection | Promise<Inspection> {
    const owner = kind(token);
    if (token === undefined || owner === undefined) return notFound;
    const key = tokenKey(token);
    const cached = cache.get(key);
    if (cached) return admit(cached, owner, now);
    const epoch = cache.begin();
    return store.findTokenByHash(Buffer.from(key, 'base64')).then((record) => {
      if (!record) return notFound;
      cache.set(key, record, epoch);
      return admit(record, owner, now);
    });
  }
  return {
    kind,
    inspect,
    verify(token, now) {
      const inspection = inspect(token, now);
      return inspection instanceof Promise ? inspection.then(principalOf) : principalOf(inspection);
    },
  };
}
