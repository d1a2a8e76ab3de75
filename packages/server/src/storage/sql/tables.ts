// Row shapes as both SQL dialects store them. Times are integer milliseconds.
import type { Role, UsageCode } from '@latchkey/contract';
import type { Generated } from 'kysely';
import type { ApiTokensTable } from './token-row.js';

// A token's row is declared with its mappings (token-row.ts).
export type { ApiTokensTable };

export interface UsersTable {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
  password_updated_at: number;
  /** JSON TokenPolicy; null: none (migration 0013). */
  token_policy: string | null;
}

export interface ApplicationsTable {
  id: string;
  owner_type: 'user' | 'organization';
  owner_id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
  /** JSON TokenPolicy; null: none (migration 0013). */
  token_policy: string | null;
}

export interface OrgMembersTable {
  org_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

export interface TokenCountsTable {
  owner_type: ApiTokensTable['owner_type'];
  owner_id: string;
  status: ApiTokensTable['status'];
  n: number;
}

/** See migration 0008: moved by every write to one of the owner's tokens. */
export interface TokenSetVersionsTable {
  owner_type: ApiTokensTable['owner_type'];
  owner_id: string;
  version: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor_type: 'user' | 'apiToken' | 'operator' | 'anonymous' | 'github';
  actor_id: string | null;
  action: string;
  target_type: 'apiToken' | 'application' | 'organization' | 'member' | 'user' | 'session';
  target_id: string | null;
  application_id: string | null;
  org_id: string | null;
  source_address: string | null;
  outcome: 'success' | 'failure';
  /** JSON AuditEntry.detail; null: none (migration 0013). */
  detail: string | null;
}

/** See migration 0010: one bucket's verifications of one token with one outcome. */
export interface UsageTable {
  token_id: string;
  /** Epoch ms of the bucket's start (a UTC minute, hour or day). */
  bucket: number;
  code: UsageCode;
  owner_type: ApiTokensTable['owner_type'];
  owner_id: string;
  count: number;
}

export interface Database {
  audit_log: AuditLogTable;
  token_counts: TokenCountsTable;
  token_set_versions: TokenSetVersionsTable;
  organizations: OrganizationsTable;
  org_members: OrgMembersTable;
  users: UsersTable;
  applications: ApplicationsTable;
  api_tokens: ApiTokensTable;
  usage_minutes: UsageTable;
  usage_hours: UsageTable;
  usage_days: UsageTable;
}
