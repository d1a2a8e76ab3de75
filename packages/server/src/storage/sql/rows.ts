// Row -> record mapping shared by the SQL adapters, for users, applications and
// organizations (a token's row has a file of its own: token-row.ts). Times are integer ms.
import type { TokenPolicy } from '@latchkey/contract';
import type { Selectable } from 'kysely';
import type { ApplicationRecord, OrganizationRecord, UserRecord } from '../port.js';
import type { Database } from './tables.js';

/** A token_policy column: null (none) as absent. */
export const tokenPolicyColumn = (policy: TokenPolicy | null | undefined): string | null => (policy ? JSON.stringify(policy) : null);

export function userFromRow(row: Selectable<Database['users']>): UserRecord {
  const user: UserRecord = {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    passwordUpdatedAt: Number(row.password_updated_at),
  };
  if (row.token_policy !== null) user.tokenPolicy = JSON.parse(row.token_policy) as TokenPolicy;
  return user;
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
  const organization: OrganizationRecord = {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.token_policy !== null) organization.tokenPolicy = JSON.parse(row.token_policy) as TokenPolicy;
  return organization;
}
