// Row shapes as both SQL dialects store them. Times are integer milliseconds.
import type { Role, UsageCode, WebhookEventType } from '@latchkey/contract';
import type { Generated } from 'kysely';
import type { AuditEntry } from '../port.js';
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
  target_type: AuditEntry['targetType'];
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

/** See migration 0012: a webhook on an owner's token events. */
export interface WebhooksTable {
  id: string;
  owner_type: 'application' | 'user';
  owner_id: string;
  url: string;
  /** `whsec_<base64>`, as the server signs with it (never returned but at creation and rotation). */
  secret: string;
  /** JSON array of the event types, as webhook_subscriptions holds them one a row. */
  events: string;
  /** 1 or 0 (SQLite has no boolean). */
  enabled: number;
  description: string;
  created_at: number;
  updated_at: number;
}

/** One event type a webhook is sent: what the outbox's fan-out selects by owner and type. */
export interface WebhookSubscriptionsTable {
  webhook_id: string;
  owner_type: WebhooksTable['owner_type'];
  owner_id: string;
  event_type: WebhookEventType;
}

/** The outbox: one event for one webhook, until delivered or given up. */
export interface WebhookDeliveriesTable {
  webhook_id: string;
  event_id: string;
  event_type: WebhookEventType;
  token_id: string;
  /** The signed body. */
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempt_count: number;
  next_attempt_at: number | null;
  /** The store instance (node) that claimed it, and until when; null when unclaimed. */
  claimed_by: string | null;
  claimed_until: number | null;
  created_at: number;
  delivered_at: number | null;
}

/** Every attempt to send a delivery (append only, pruned with its delivery). */
export interface WebhookAttemptsTable {
  seq: Generated<number>;
  webhook_id: string;
  event_id: string;
  at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

/** A spend's crossing of a token.credits_low threshold, until its event is enqueued (taken and deleted in one transaction). */
export interface CreditCrossingsTable {
  seq: Generated<number>;
  token_id: string;
  /** Percent of `base`. */
  threshold: number;
  remaining: number;
  base: number;
  at: number;
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
  webhooks: WebhooksTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  credit_crossings: CreditCrossingsTable;
}
