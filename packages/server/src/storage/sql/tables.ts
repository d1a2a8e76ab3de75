// Row shapes as both SQL dialects store them. Times are integer milliseconds.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
  password_updated_at: number;
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
  /** Bumped by every update of the row; see TokenRecord.version. */
  version: Generated<number>;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface OrgMembersTable {
  org_id: string;
  user_id: string;
  role: 'admin' | 'edit' | 'collaborate' | 'view';
  created_at: number;
}

export interface TokenCountsTable {
  owner_type: 'application' | 'user' | 'session';
  owner_id: string;
  status: 'active' | 'inactive';
  n: number;
}

/** See migration 0008: moved by every write to one of the owner's tokens. */
export interface TokenSetVersionsTable {
  owner_type: 'application' | 'user' | 'session';
  owner_id: string;
  version: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor_type: 'user' | 'apiToken' | 'operator' | 'anonymous';
  actor_id: string | null;
  action: string;
  target_type: 'apiToken' | 'application' | 'organization' | 'member' | 'user' | 'session';
  target_id: string | null;
  application_id: string | null;
  org_id: string | null;
  source_address: string | null;
  outcome: 'success' | 'failure';
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
}

/** Stored for tokens without an expiration date; larger than any Date. */
export const neverExpires = Number.MAX_SAFE_INTEGER;
