// A token between its wire object (the contract's API Token) and its stored record,
// both ways, in one place: the factory every new token is built by (the API's
// creates, sign-in, bootstrap, the benchmarks' seeds and the tests), a patch's
// fields, and the API Token object a record is rendered as. A new token field is
// mapped here. The secret is never part of a stored record, so no read path can
// return it.
import { newId, type ApiToken, type ApiTokenPatch, type ApplicationApiTokenPost, type UserApiTokenPost } from '@latchkey/contract';
import type { Creator } from '../auth/creator.js';
import { iso } from '../routes/wire.js';
import type { NewToken, OwnerType, TokenPatch, TokenRecord } from '../storage/port.js';
import { allowedCidrsFromWire, type AllowedCidrs } from './allowed-cidrs.js';
import { creditsFromWire, limitsToWire, patchedCredits, ratelimitsFromWire } from './limits-wire.js';
import { previousSecretLive } from './rotation.js';

/** A create's body, either resource's (their scopes differ, nothing else). */
export type ApiTokenCreate = ApplicationApiTokenPost | UserApiTokenPost;

/**
 * The fields of a create the factory takes as the wire names them: all of the body
 * but what the caller derives from it (the scope's default, the parsed expiry, the
 * parsed allowedCidrs or the owner's policy's default).
 */
export type ApiTokenFields = Omit<ApiTokenCreate, 'scope' | 'expirationDate' | 'allowedCidrs'>;

/** What the caller of the factory decides: whose token it is, who made it, its grant. */
export interface TokenGrant {
  owner: { ownerType: OwnerType; ownerId: string };
  creator: Creator;
  scope: string[];
  /** Epoch ms; null or absent: never. */
  expiresAt?: number | null;
  /** null or absent: anywhere. */
  allowedCidrs?: AllowedCidrs | null;
  /** Creation time (epoch ms), and the time of the id unless `id` is given. */
  at: number;
  id?: string;
  /** SHA-256 of the token string; the token itself is never stored. */
  hash: Uint8Array;
}

/** What a create stores, and the record it is first rendered from: never used, version 0. */
export type NewTokenRecord = NewToken & TokenRecord;

export function newToken(fields: ApiTokenFields, grant: TokenGrant): NewTokenRecord {
  // Every key written out in one literal, none spread: V8 builds an object that
  // starts with a spread, or gains keys after one, through its slow path, and
  // creating tokens is a hot path.
  return {
    id: grant.id ?? newId(grant.at),
    ownerType: grant.owner.ownerType,
    ownerId: grant.owner.ownerId,
    creatorType: grant.creator.creatorType,
    creatorId: grant.creator.creatorId,
    creatorName: grant.creator.creatorName,
    name: fields.name,
    description: fields.description ?? '',
    scope: grant.scope,
    status: fields.status ?? 'active',
    expiresAt: grant.expiresAt ?? null,
    createdAt: grant.at,
    updatedAt: grant.at,
    lastUsedAt: null,
    ratelimits: ratelimitsFromWire(fields.ratelimits),
    credits: creditsFromWire(fields.credits, grant.at),
    meta: fields.meta ?? null,
    allowedCidrs: grant.allowedCidrs ?? null,
    rotatedAt: null,
    previousSecretExpiresAt: null,
    previousSecretLastUsedAt: null,
    revokedAt: null,
    version: 0,
    hash: grant.hash,
  };
}

/** What a patch changes (its absent fields: nothing), at `at`, of the token as it is now. */
export function tokenPatch(patch: ApiTokenPatch, current: TokenRecord, at: number): TokenPatch {
  return {
    name: patch.name,
    description: patch.description,
    status: patch.status,
    ratelimits: patch.ratelimits && ratelimitsFromWire(patch.ratelimits),
    credits: patchedCredits(current.credits, patch.credits, at),
    meta: patch.meta,
    allowedCidrs: allowedCidrsFromWire(patch.allowedCidrs, 'body/allowedCidrs'),
  };
}

/**
 * The API Token object; its credits show the balance as it stands at `now` (a due
 * refill applied), and a grace period only while it lasts at `now`.
 */
export function toApiToken(record: TokenRecord, now: number): ApiToken {
  const out: ApiToken = {
    id: record.id,
    apiTokenId: record.id,
    ownerId: record.ownerId,
    // Sessions are user tokens; they are never listed, but map them rather than leak 'session'.
    ownerType: record.ownerType === 'application' ? 'application' : 'user',
    creatorId: record.creatorId,
    creatorType: record.creatorType,
    creatorName: record.creatorName,
    name: record.name,
    description: record.description,
    scope: record.scope,
    status: record.status,
    creationDate: iso(record.createdAt),
    lastUpdated: iso(record.updatedAt),
  };
  if (record.expiresAt !== null) out.expirationDate = iso(record.expiresAt);
  if (record.lastUsedAt !== null) out.lastUsed = iso(record.lastUsedAt);
  limitsToWire(record, out, now);
  if (record.allowedCidrs !== null) out.allowedCidrs = [...record.allowedCidrs.list];
  if (record.rotatedAt !== null) out.rotatedAt = iso(record.rotatedAt);
  if (previousSecretLive(record, now)) {
    out.previousSecretExpiresAt = iso(record.previousSecretExpiresAt!);
    if (record.previousSecretLastUsedAt !== null) out.previousSecretLastUsed = iso(record.previousSecretLastUsedAt);
  }
  if (record.revokedAt !== null) out.revokedAt = iso(record.revokedAt);
  return out;
}
