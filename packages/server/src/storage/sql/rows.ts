// Row <-> record mapping shared by the SQL adapters. Times are integer ms.
import type { Insertable, Selectable } from 'kysely';
import type { ApplicationRecord, NewToken, OrganizationRecord, TokenRecord, UserRecord } from '../port.js';
import { neverExpires, type ApiTokensTable, type Database } from './tables.js';

/** The columns a token record is read from: never the hash, nor the derived sort key. */
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
  'version',
] as const;
export type TokenRow = Pick<Selectable<ApiTokensTable>, (typeof tokenColumns)[number]>;

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
    version: Number(row.version),
  };
}

export function tokenRow(token: NewToken): Insertable<ApiTokensTable> {
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
  };
}

export function userFromRow(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    passwordUpdatedAt: Number(row.password_updated_at),
  };
}

export function applicationFromRow(row: Selectable<Database['applications']>): ApplicationRecord {
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function organizationFromRow(row: Selectable<Database['organizations']>): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
