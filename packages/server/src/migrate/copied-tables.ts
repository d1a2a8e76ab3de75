// Every table `latchkey migrate` copies, with the columns of its primary key (the
// order batches are read in). A table in the schema but not here makes the migration
// refuse to start (see migrate-database.ts), so a new migration's table must be added.
import type { Database } from '../storage/sql/tables.js';

export interface CopiedTable {
  name: keyof Database;
  key: readonly string[];
  /** A serial column whose generator must follow the copied values (PostgreSQL sequences). */
  serial?: string;
}

export const copiedTables: readonly CopiedTable[] = [
  { name: 'users', key: ['id'] },
  { name: 'organizations', key: ['id'] },
  { name: 'org_members', key: ['org_id', 'user_id'] },
  { name: 'applications', key: ['id'] },
  { name: 'api_tokens', key: ['id'] },
  { name: 'token_counts', key: ['owner_type', 'owner_id', 'status'] },
  { name: 'token_set_versions', key: ['owner_type', 'owner_id'] },
  { name: 'audit_log', key: ['seq'], serial: 'seq' },
  { name: 'usage_minutes', key: ['token_id', 'bucket', 'code'] },
  { name: 'usage_hours', key: ['token_id', 'bucket', 'code'] },
  { name: 'usage_days', key: ['token_id', 'bucket', 'code'] },
  { name: 'webhooks', key: ['id'] },
  { name: 'webhook_subscriptions', key: ['webhook_id', 'event_type'] },
  { name: 'webhook_deliveries', key: ['webhook_id', 'event_id'] },
  { name: 'webhook_attempts', key: ['seq'], serial: 'seq' },
  { name: 'credit_crossings', key: ['seq'], serial: 'seq' },
];

/** Kysely's migrator's own tables: the target has them from its own migrations. */
export const migratorTables: readonly string[] = ['latchkey_migrations', 'latchkey_migrations_lock'];
