// A token's row, in one place: its columns, row -> record, record -> row and
// patch -> SET, for both SQL dialects. A new token column is added here (and in
// migrations.ts). The mappings are written out by hand, each object one literal:
// reading rows and creating tokens are hot paths (see tokens/api-token-wire.ts).
import type { Generated, RawBuilder, Selectable, Updateable } from 'kysely';
import type { NewToken, TokenCredits, TokenPatch, TokenRecord } from '../port.js';

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
  /** Bumped by every update of the row; see TokenRecord.version. */
  version: Generated<number>;
}

/** Stored for tokens without an expiration date; larger than any Date. */
const neverExpires = Number.MAX_SAFE_INTEGER;

/** The columns a token record is read from: every column but the hash and the derived sort key. */
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
  'version',
] as const;
export type TokenRow = Pick<Selectable<ApiTokensTable>, (typeof tokenColumns)[number]>;

// Compiles only while tokenColumns names every column but the two never read back,
// so a new column cannot be left out of the reads (nor, below, out of the insert).
/** Compiles only when T is never: a compile-time check that a set of names is empty. */
export type None<T extends never> = T;
type _EveryColumnRead = None<Exclude<keyof ApiTokensTable, (typeof tokenColumns)[number] | 'token_hash' | 'name_key'>>;

/** What a create writes: every column (none left to a default) but the version. */
export type TokenInsertRow = Omit<Selectable<ApiTokensTable>, 'version'>;

/** The columns a create writes, as tokenRow names them (the SQLite insert statement's). */
export const tokenInsertColumns: ReadonlyArray<keyof TokenInsertRow> = [
  ...tokenColumns.filter((column) => column !== 'version'),
  'name_key',
  'token_hash',
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
    version: Number(row.version),
  };
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
  };
}

/** What an UPDATE of a token may set (values, or SQL computing them): never its identity, owner, hash or version. */
export type TokenChange = {
  [K in keyof Omit<Updateable<ApiTokensTable>, 'id' | 'owner_type' | 'owner_id' | 'token_hash' | 'version'>]?:
    Updateable<ApiTokensTable>[K] | RawBuilder<NonNullable<Updateable<ApiTokensTable>[K]>>;
};

/** The columns a patch sets (only the fields it names), and the update time. */
export function tokenPatchChange(patch: TokenPatch, updatedAt: number): TokenChange {
  const change: TokenChange = { updated_at: updatedAt };
  if (patch.name !== undefined) {
    change.name = patch.name;
    change.name_key = patch.name.toLowerCase();
  }
  if (patch.description !== undefined) change.description = patch.description;
  if (patch.status !== undefined) change.status = patch.status;
  if (patch.ratelimits !== undefined) change.ratelimits = ratelimitsColumn(patch.ratelimits);
  if (patch.credits !== undefined) Object.assign(change, creditColumns(patch.credits));
  if (patch.meta !== undefined) change.meta = metaColumn(patch.meta);
  return change;
}
