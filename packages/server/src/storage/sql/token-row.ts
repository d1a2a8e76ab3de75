// A token's row, in one place: its columns, row -> record, record -> row and
// patch -> SET, for both SQL dialects. A new token column is added here (and in
// migrations.ts). The mappings are written out by hand, each object one literal:
// reading rows and creating tokens are hot paths (see tokens/api-token-wire.ts).
import { sql, type Generated, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import { AllowedCidrs } from '../../tokens/allowed-cidrs.js';
import type { FoundToken, NewToken, TokenCredits, TokenPatch, TokenRecord, TokenRotation, TokenSecret } from '../port.js';

export interface ApiTokensTable {
  id: string;
  owner_type: 'application' | 'user' | 'session';
  owner_id: string;
  creator_type: 'apiToken' | 'user' | 'flow';
  creator_id: string;
  creator_name: string;
  name: string;
  /** lower-cased name: the sort and filter key, so both adapters order and match alike. */
  name_key: string;
  description: string;
  /** JSON array of scope strings. */
  scope: string;
  status: 'active' | 'inactive';
  token_hash: Uint8Array;
  /** `neverExpires` when the token has no expiration date, so it sorts last. */
  expires_at: number;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  /** JSON array of TokenRatelimit; null when the token has none. */
  ratelimits: string | null;
  /** Null: unlimited (and the other credits_ columns are null too). */
  credits_remaining: number | null;
  credits_refill_amount: number | null;
  credits_refill_interval: 'daily' | 'monthly' | null;
  credits_refill_day: number | null;
  credits_refilled_at: number | null;
  /** The balance last given (TokenCredits.initial); null without credits. */
  credits_initial: number | null;
  /** JSON object as given; null when unset. */
  meta: string | null;
  /** JSON array of CIDR strings as given; null: anywhere. */
  allowed_cidrs: string | null;
  rotated_at: number | null;
  /** The secret the last rotation replaced, while it may still verify (unique, like token_hash); else null. */
  previous_token_hash: Uint8Array | null;
  previous_expires_at: number | null;
  previous_last_used_at: number | null;
  revoked_at: number | null;
  /** Bumped by every update of the row; see TokenRecord.version. */
  version: Generated<number>;
}

/** Stored for tokens without an expiration date; larger than any Date. */
const neverExpires = Number.MAX_SAFE_INTEGER;

/** The columns a token record is read from: every column but the hashes and the derived sort key. */
export const tokenColumns = [
  'id',
  'owner_type',
  'owner_id',
  'creator_type',
  'creator_id',
  'creator_name',
  'name',
  'description',
  'scope',
  'status',
  'expires_at',
  'created_at',
  'updated_at',
  'last_used_at',
  'ratelimits',
  'credits_remaining',
  'credits_refill_amount',
  'credits_refill_interval',
  'credits_refill_day',
  'credits_refilled_at',
  'credits_initial',
  'meta',
  'allowed_cidrs',
  'rotated_at',
  'previous_expires_at',
  'previous_last_used_at',
  'revoked_at',
  'version',
] as const;
export type TokenRow = Pick<Selectable<ApiTokensTable>, (typeof tokenColumns)[number]>;

// Compiles only while tokenColumns names every column but the three never read back,
// so a new column cannot be left out of the reads (nor, below, out of the insert).
/** Compiles only when T is never: a compile-time check that a set of names is empty. */
export type None<T extends never> = T;
type _EveryColumnRead = None<
  Exclude<keyof ApiTokensTable, (typeof tokenColumns)[number] | 'token_hash' | 'previous_token_hash' | 'name_key'>
>;

/** What a create writes: every column (none left to a default) but the version. */
export type TokenInsertRow = Omit<Selectable<ApiTokensTable>, 'version'>;

/** The columns a create writes, as tokenRow names them (the SQLite insert statement's). */
export const tokenInsertColumns: ReadonlyArray<keyof TokenInsertRow> = [
  ...tokenColumns.filter((column) => column !== 'version'),
  'name_key',
  'token_hash',
  'previous_token_hash',
];

export function tokenFromRow(row: TokenRow): TokenRecord {
  const expiresAt = Number(row.expires_at);
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    creatorType: row.creator_type,
    creatorId: row.creator_id,
    creatorName: row.creator_name,
    name: row.name,
    description: row.description,
    scope: JSON.parse(row.scope) as string[],
    status: row.status,
    expiresAt: expiresAt === neverExpires ? null : expiresAt,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    ratelimits: row.ratelimits === null ? [] : (JSON.parse(row.ratelimits) as TokenRecord['ratelimits']),
    credits: row.credits_remaining === null ? null : creditsFromRow(row),
    meta: row.meta === null ? null : (JSON.parse(row.meta) as TokenRecord['meta']),
    // Parsed here, once per read record: requests ask the parsed ranges.
    allowedCidrs: row.allowed_cidrs === null ? null : AllowedCidrs.of(JSON.parse(row.allowed_cidrs) as string[]),
    rotatedAt: row.rotated_at === null ? null : Number(row.rotated_at),
    previousSecretExpiresAt: row.previous_expires_at === null ? null : Number(row.previous_expires_at),
    previousSecretLastUsedAt: row.previous_last_used_at === null ? null : Number(row.previous_last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    version: Number(row.version),
  };
}

/** A row of the by-hash lookup, which also says which of the token's hashes matched. */
export type FoundTokenRow = TokenRow & { secret: TokenSecret };

export function foundTokenFromRow(row: FoundTokenRow): FoundToken {
  const found = tokenFromRow(row) as FoundToken;
  found.secret = row.secret;
  return found;
}

/**
 * The by-hash lookup as one statement over the two unique indexes (`hash` is the
 * one parameter, written as the dialect writes it): at most one row, since a
 * secret is drawn at random and never reused.
 */
export function tokenByHashSql(hash: string): string {
  const columns = tokenColumns.join(', ');
  return `select ${columns}, 'current' as secret from api_tokens where token_hash = ${hash}
    union all
    select ${columns}, 'previous' as secret from api_tokens where previous_token_hash = ${hash}`;
}

function creditsFromRow(row: TokenRow): TokenCredits {
  return {
    remaining: Number(row.credits_remaining),
    refill:
      row.credits_refill_interval === null
        ? null
        : {
            amount: Number(row.credits_refill_amount),
            interval: row.credits_refill_interval,
            refillDay: row.credits_refill_day === null ? null : Number(row.credits_refill_day),
          },
    refilledAt: Number(row.credits_refilled_at),
    initial: row.credits_initial === null ? Number(row.credits_remaining) : Number(row.credits_initial),
  };
}

type LimitColumns = Pick<
  TokenInsertRow,
  | 'ratelimits'
  | 'credits_remaining'
  | 'credits_refill_amount'
  | 'credits_refill_interval'
  | 'credits_refill_day'
  | 'credits_refilled_at'
  | 'credits_initial'
  | 'meta'
>;

function creditColumns(credits: TokenCredits | null): Omit<LimitColumns, 'ratelimits' | 'meta'> {
  return {
    credits_remaining: credits?.remaining ?? null,
    credits_refill_amount: credits?.refill?.amount ?? null,
    credits_refill_interval: credits?.refill?.interval ?? null,
    credits_refill_day: credits?.refill?.refillDay ?? null,
    credits_refilled_at: credits?.refilledAt ?? null,
    credits_initial: credits ? (credits.initial ?? credits.remaining) : null,
  };
}

const ratelimitsColumn = (ratelimits: TokenRecord['ratelimits']) => (ratelimits.length === 0 ? null : JSON.stringify(ratelimits));
const metaColumn = (meta: TokenRecord['meta']) => (meta === null ? null : JSON.stringify(meta));
const allowedCidrsColumn = (cidrs: TokenRecord['allowedCidrs']) => (cidrs === null ? null : JSON.stringify(cidrs.list));

export function tokenRow(token: NewToken): TokenInsertRow {
  return {
    id: token.id,
    owner_type: token.ownerType,
    owner_id: token.ownerId,
    creator_type: token.creatorType,
    creator_id: token.creatorId,
    creator_name: token.creatorName,
    name: token.name,
    name_key: token.name.toLowerCase(),
    description: token.description,
    scope: JSON.stringify(token.scope),
    status: token.status,
    token_hash: token.hash,
    expires_at: token.expiresAt ?? neverExpires,
    created_at: token.createdAt,
    updated_at: token.updatedAt,
    last_used_at: null,
    ratelimits: ratelimitsColumn(token.ratelimits),
    ...creditColumns(token.credits),
    meta: metaColumn(token.meta),
    allowed_cidrs: allowedCidrsColumn(token.allowedCidrs),
    rotated_at: null,
    previous_token_hash: null,
    previous_expires_at: null,
    previous_last_used_at: null,
    revoked_at: null,
  };
}

/**
 * What an UPDATE of a token may set (values, or SQL computing them): never its
 * identity, owner or version; its hashes only by a rotation or revocation (below).
 */
export type TokenChange = {
  [K in keyof Omit<Updateable<ApiTokensTable>, 'id' | 'owner_type' | 'owner_id' | 'version'>]?:
    Updateable<ApiTokensTable>[K] | RawBuilder<NonNullable<Updateable<ApiTokensTable>[K]>>;
};

/** The previous secret's columns, emptied: no grace period. */
const noPreviousSecret = { previous_token_hash: null, previous_expires_at: null, previous_last_used_at: null } as const;

/** The columns a patch sets (only the fields it names), and the update time. */
export function tokenPatchChange(patch: TokenPatch, updatedAt: number): TokenChange {
  const change: TokenChange = { updated_at: updatedAt };
  if (patch.name !== undefined) {
    change.name = patch.name;
    change.name_key = patch.name.toLowerCase();
  }
  if (patch.description !== undefined) change.description = patch.description;
  if (patch.status !== undefined) change.status = patch.status;
  // Made active again, it is no longer revoked (the audit trail keeps that it was).
  if (patch.status === 'active') change.revoked_at = null;
  if (patch.ratelimits !== undefined) change.ratelimits = ratelimitsColumn(patch.ratelimits);
  if (patch.credits !== undefined) Object.assign(change, creditColumns(patch.credits));
  if (patch.meta !== undefined) change.meta = metaColumn(patch.meta);
  if (patch.allowedCidrs !== undefined) change.allowed_cidrs = allowedCidrsColumn(patch.allowedCidrs);
  return change;
}

/**
 * A rotation's columns. The replaced secret's hash is the row's token_hash as it
 * was: SET expressions read the row before the update (both dialects), so one
 * statement moves it, and whatever previous secret there was is dropped.
 */
export function tokenRotationChange(rotation: TokenRotation): TokenChange {
  const change: TokenChange = { token_hash: rotation.hash, rotated_at: rotation.at, updated_at: rotation.at };
  if (rotation.previousSecretExpiresAt === null) return Object.assign(change, noPreviousSecret);
  change.previous_token_hash = sql<Uint8Array>`token_hash`;
  change.previous_expires_at = rotation.previousSecretExpiresAt;
  change.previous_last_used_at = null;
  return change;
}

/** The current secret revoked: the token inactive from `at`, its grace period (if any) over. */
export function tokenRevocationChange(at: number): TokenChange {
  return { status: 'inactive', revoked_at: at, updated_at: at, ...noPreviousSecret };
}

/** The previous secret revoked: its grace period over, the token as it was. */
export function previousSecretRevocationChange(at: number): TokenChange {
  return { updated_at: at, ...noPreviousSecret };
}
