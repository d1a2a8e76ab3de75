// Stored token -> the wire's API Token object. The secret is never part of a
// stored record, so no read path can return it.
import type { ApiToken } from '@latchkey/contract';
import type { TokenRecord } from '../storage/port.js';
import { iso } from '../routes/wire.js';

export function toApiToken(record: TokenRecord): ApiToken {
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
  return out;
}
