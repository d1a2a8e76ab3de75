// The one place a token to store is put together: by the API's creates, sign-in,
// bootstrap, the benchmarks' seeds and the tests. A new token field is added here.
import { newId } from '@latchkey/contract';
import type { Creator } from '../auth/creator.js';
import type { NewToken, OwnerType, TokenRecord, TokenStatus } from '../storage/port.js';

export interface NewTokenFields {
  owner: { ownerType: OwnerType; ownerId: string };
  creator: Creator;
  name: string;
  description?: string;
  scope: string[];
  status?: TokenStatus;
  /** Epoch ms; null or absent: never. */
  expiresAt?: number | null;
  /** Creation time (epoch ms), and the time of the id unless `id` is given. */
  at: number;
  id?: string;
  /** SHA-256 of the token string; the token itself is never stored. */
  hash: Uint8Array;
}

/** What a create stores, and the record it is first rendered from: never used, version 0. */
export type NewTokenRecord = NewToken & TokenRecord;

export function newToken(fields: NewTokenFields): NewTokenRecord {
  // Every key written out in one literal, none spread: V8 builds an object that
  // starts with a spread, or gains keys after one, through its slow path, and
  // creating tokens is a hot path.
  return {
    id: fields.id ?? newId(fields.at),
    ownerType: fields.owner.ownerType,
    ownerId: fields.owner.ownerId,
    creatorType: fields.creator.creatorType,
    creatorId: fields.creator.creatorId,
    creatorName: fields.creator.creatorName,
    name: fields.name,
    description: fields.description ?? '',
    scope: fields.scope,
    status: fields.status ?? 'active',
    expiresAt: fields.expiresAt ?? null,
    createdAt: fields.at,
    updatedAt: fields.at,
    lastUsedAt: null,
    version: 0,
    hash: fields.hash,
  };
}
