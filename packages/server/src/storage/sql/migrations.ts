// Versioned schema migrations, shared by every SQL adapter. Append only: a
// migration that has shipped is never edited; a change is a new entry.
// Column types that differ come from the adapter's dialect (SqlDialect).
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';

export function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  const binary = dialect.binaryType;
  // Byte order for the sort key on both adapters, so pages come out identically.
  const sortKey = dialect.sortKeyType;
  return {
    '0001-initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'char(24)', (c) => c.primaryKey())
          .addColumn('email', 'varchar(1024)', (c) => c.notNull().unique())
          .addColumn('first_name', 'varchar(1024)', (c) => c.notNull())
          .addColumn('last_name', 'varchar(1024)', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('password_updated_at', 'bigint', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('applications')
          .addColumn('id', 'char(24)', (c) => c.primaryKey())
          .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('owner_id', 'char(24)', (c) => c.notNull())
          .addColumn('name', 'varchar(255)', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('applications_owner').on('applications').columns(['owner_id', 'id']).execute();

        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'char(24)', (c) => c.primaryKey())
          .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('owner_id', 'char(24)', (c) => c.notNull())
          .addColumn('creator_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('creator_id', 'char(24)', (c) => c.notNull())
          .addColumn('creator_name', 'varchar(1024)', (c) => c.notNull())
          .addColumn('name', 'varchar(255)', (c) => c.notNull())
          .addColumn('name_key', sortKey, (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('status', 'varchar(8)', (c) => c.notNull())
          .addColumn('token_hash', binary, (c) => c.notNull().unique())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .execute();
        // One index per sort field, each ending in id (the tie-breaker), so a page
        // is an index range scan whatever the size of the table.
        const sortColumns = ['name_key', 'status', 'created_at', 'updated_at', 'expires_at'];
        for (const column of sortColumns) {
          await db.schema.createIndex(`api_tokens_owner_${column}`).on('api_tokens').columns(['owner_id', column, 'id']).execute();
        }
        await db.schema.createIndex('api_tokens_owner_id').on('api_tokens').columns(['owner_id', 'id']).execute();
      },
    },
    '0002-organizations': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('organizations')
          .addColumn('id', 'char(24)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(255)', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('org_members')
          .addColumn('org_id', 'char(24)', (c) => c.notNull())
          .addColumn('user_id', 'char(24)', (c) => c.notNull())
          .addColumn('role', 'varchar(16)', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('org_members_pk', ['org_id', 'user_id'])
          .execute();
        await db.schema.createIndex('org_members_user').on('org_members').columns(['user_id', 'org_id']).execute();
      },
    },
    '0003-token-counts': {
      // totalCount of a page must be exact without counting the application's
      // tokens on every request: counts per (owner, status), kept in the same
      // transaction as every write that changes them.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('token_counts')
          .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('owner_id', 'char(24)', (c) => c.notNull())
          .addColumn('status', 'varchar(8)', (c) => c.notNull())
          .addColumn('n', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('token_counts_pk', ['owner_type', 'owner_id', 'status'])
          .execute();
        await sql`insert into token_counts (owner_type, owner_id, status, n)
          select owner_type, owner_id, status, count(*) from api_tokens group by owner_type, owner_id, status`.execute(db);
      },
    },
    '0004-audit-log': {
      // Append-only: latchkey never updates or deletes these rows.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('audit_log')
          // seq orders entries written in the same millisecond (SQLite: the rowid).
          .addColumn('seq', dialect.serialType, (c) => c.primaryKey())
          .addColumn('id', 'char(24)', (c) => c.notNull().unique())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_id', 'varchar(1024)')
          .addColumn('action', 'varchar(64)', (c) => c.notNull())
          .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('target_id', 'char(24)')
          .addColumn('application_id', 'char(24)')
          .addColumn('org_id', 'char(24)')
          .addColumn('source_address', 'varchar(64)')
          .addColumn('outcome', 'varchar(8)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_log_application').on('audit_log').columns(['application_id', 'seq']).execute();
        await db.schema.createIndex('audit_log_org').on('audit_log').columns(['org_id', 'seq']).execute();
      },
    },
    '0005-token-version': {
      // Lets a node keep each token's rendered JSON and know, from the page query
      // alone, whether it is still current (whichever node changed the token).
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('api_tokens')
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0006-token-page-indexes': {
      // Pages filter on owner_type too, which the first indexes lacked: every row a page
      // skipped (its offset) or filtered cost a table lookup. These hold every column a
      // page tests (status included), so skipped and filtered rows are read from the
      // index alone and only the rows returned touch the table.
      async up(db: Kysely<unknown>) {
        for (const column of ['name_key', 'status', 'created_at', 'updated_at', 'expires_at', 'id']) {
          await db.schema.dropIndex(column === 'id' ? 'api_tokens_owner_id' : `api_tokens_owner_${column}`).execute();
          const columns = [
            'owner_id',
            'owner_type',
            column,
            ...(column === 'id' ? [] : ['id']),
            ...(column === 'status' ? [] : ['status']),
          ];
          await db.schema.createIndex(`api_tokens_page_${column}`).on('api_tokens').columns(columns).execute();
        }
      },
    },
    '0007-inactive-token-pages': {
      // A page of inactive tokens sorted by anything but status walked the sort
      // field's index past every active token ahead of it: for page N, about
      // N * perPage / (inactive share) entries, the whole application for the last
      // pages. Partial indexes hold only inactive tokens, so those pages are key
      // ranges too. Inactive tokens are the minority, so creating an active token
      // (the common write) touches none of them; the other way round (an index of
      // active tokens for the filter "active") would double every create's writes.
      // Both planners use them with the status as a bound parameter: SQLite
      // re-plans for the bound value, PostgreSQL plans each statement with its
      // values.
      async up(db: Kysely<unknown>) {
        // (Sorted by id or status, api_tokens_page_status is already a key range.)
        for (const column of ['name_key', 'created_at', 'updated_at', 'expires_at']) {
          await sql`create index ${sql.id(`api_tokens_inactive_${column}`)} on api_tokens (owner_id, owner_type, ${sql.id(column)}, id)
            where status = 'inactive'`.execute(db);
        }
      },
    },
    '0008-token-set-versions': {
      // A version of each owner's set of tokens, moved in the transaction of every
      // write that changes any of them (a touch included): a page's revision
      // (TokenRefPage.revision). A page read at one is the same page whichever node
      // reads it, so list answers can be kept by it. Rows are never deleted, so a
      // version never comes back.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('token_set_versions')
          .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('owner_id', 'char(24)', (c) => c.notNull())
          .addColumn('version', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('token_set_versions_pk', ['owner_type', 'owner_id'])
          .execute();
      },
    },
    '0009-token-limits': {
      // Rate limits, credits and meta (all nullable: a token without them is Losant's).
      async up(db: Kysely<unknown>) {
        const columns: Array<[string, 'text' | 'bigint' | 'integer' | 'varchar(8)']> = [
          ['ratelimits', 'text'],
          ['credits_remaining', 'bigint'],
          ['credits_refill_amount', 'bigint'],
          ['credits_refill_interval', 'varchar(8)'],
          ['credits_refill_day', 'integer'],
          ['credits_refilled_at', 'bigint'],
          ['meta', 'text'],
        ];
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (const [name, type] of columns) await db.schema.alterTable('api_tokens').addColumn(name, type).execute();
      },
    },
    '0010-usage': {
      // Verifications per token, outcome and bucket, one table per resolution (UTC
      // minutes, hours, days). A batch adds to all three at once, so each is current;
      // retention drops old minute and hour buckets. The owner columns let an
      // application's usage be summed without reading its tokens; rows outlive a
      // deleted token (its application's sums keep it) but not its application.
      async up(db: Kysely<unknown>) {
        for (const table of ['usage_minutes', 'usage_hours', 'usage_days']) {
          await db.schema
            .createTable(table)
            .addColumn('token_id', 'char(24)', (c) => c.notNull())
            .addColumn('bucket', 'bigint', (c) => c.notNull())
            .addColumn('code', 'varchar(32)', (c) => c.notNull())
            .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
            .addColumn('owner_id', 'char(24)', (c) => c.notNull())
            .addColumn('count', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint(`${table}_pk`, ['token_id', 'bucket', 'code'])
            .execute();
          await db.schema.createIndex(`${table}_owner`).on(table).columns(['owner_id', 'owner_type', 'bucket']).execute();
          // Retention deletes by age alone.
          await db.schema.createIndex(`${table}_bucket`).on(table).column('bucket').execute();
        }
      },
    },
    '0011-token-rotation': {
      // A rotation keeps the replaced secret's hash beside the new one for its grace
      // period: findTokenByHash looks up both, each through a unique index (NULLs,
      // a token without a previous secret, never collide). The times are nullable:
      // a token never rotated or revoked has none.
      async up(db: Kysely<unknown>) {
        const columns: Array<[string, typeof binary]> = [
          ['rotated_at', 'bigint'],
          ['previous_token_hash', binary],
          ['previous_expires_at', 'bigint'],
          ['previous_last_used_at', 'bigint'],
          ['revoked_at', 'bigint'],
        ];
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (const [name, type] of columns) await db.schema.alterTable('api_tokens').addColumn(name, type).execute();
        await db.schema.createIndex('api_tokens_previous_token_hash').on('api_tokens').column('previous_token_hash').unique().execute();
      },
    },
    '0012-webhooks': {
      // Signed webhooks on token events and their durable outbox: a webhook's
      // subscriptions one a row (the fan-out selects them by owner and event type),
      // one delivery per (webhook, event) (its key makes an event enqueued twice land
      // once), every attempt. No foreign keys: a delivery enqueued for a webhook
      // deleted at that moment must not fail the token write that caused it (such a
      // row is never claimed: claims join webhooks). And the balance a token was last
      // given, which token.credits_low's thresholds are shares of without a refill.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhooks')
          .addColumn('id', 'char(24)', (c) => c.primaryKey())
          .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('owner_id', 'char(24)', (c) => c.notNull())
          .addColumn('url', 'varchar(2048)', (c) => c.notNull())
          .addColumn('secret', 'varchar(128)', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        for (const column of ['created_at', 'updated_at', 'id']) {
          const columns = ['owner_id', 'owner_type', column, ...(column === 'id' ? [] : ['id'])];
          await db.schema.createIndex(`webhooks_page_${column}`).on('webhooks').columns(columns).execute();
        }
        await db.schema
          .createTable('webhook_subscriptions')
          .addColumn('webhook_id', 'char(24)', (c) => c.notNull())
          .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
          .addColumn('owner_id', 'char(24)', (c) => c.notNull())
          .addColumn('event_type', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('webhook_subscriptions_pk', ['webhook_id', 'event_type'])
          .execute();
        await db.schema
          .createIndex('webhook_subscriptions_owner')
          .on('webhook_subscriptions')
          .columns(['owner_id', 'owner_type', 'event_type', 'webhook_id'])
          .execute();
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('webhook_id', 'char(24)', (c) => c.notNull())
          .addColumn('event_id', 'char(24)', (c) => c.notNull())
          .addColumn('event_type', 'varchar(32)', (c) => c.notNull())
          .addColumn('token_id', 'char(24)', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('attempt_count', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint')
          .addColumn('claimed_by', 'varchar(64)')
          .addColumn('claimed_until', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('delivered_at', 'bigint')
          .addPrimaryKeyConstraint('webhook_deliveries_pk', ['webhook_id', 'event_id'])
          .execute();
        await db.schema
          .createIndex('webhook_deliveries_page')
          .on('webhook_deliveries')
          .columns(['webhook_id', 'created_at', 'event_id'])
          .execute();
        // What a claim reads: only the pending rows, by when they fall due.
        await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
        // Retention drops finished deliveries by age.
        await db.schema.createIndex('webhook_deliveries_created').on('webhook_deliveries').column('created_at').execute();
        await db.schema
          .createTable('webhook_attempts')
          .addColumn('seq', dialect.serialType, (c) => c.primaryKey())
          .addColumn('webhook_id', 'char(24)', (c) => c.notNull())
          .addColumn('event_id', 'char(24)', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('status_code', 'integer')
          .addColumn('latency_ms', 'integer', (c) => c.notNull())
          .addColumn('error', 'varchar(1024)')
          .execute();
        await db.schema
          .createIndex('webhook_attempts_delivery')
          .on('webhook_attempts')
          .columns(['webhook_id', 'event_id', 'seq'])
          .execute();

        await db.schema.alterTable('api_tokens').addColumn('credits_initial', 'bigint').execute();
        // Tokens given credits before this column: their balance now is the best known.
        await sql`update api_tokens set credits_initial = credits_remaining where credits_remaining is not null`.execute(db);
      },
    },
    '0013-token-policies': {
      // A token's allowedCidrs (JSON array, null: anywhere); the tokenPolicy of an
      // organization and of a user (JSON object, null: none); and the detail of an
      // audit entry (a leak's reported URL), which had no free-text field.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('api_tokens').addColumn('allowed_cidrs', 'text').execute();
        await db.schema.alterTable('organizations').addColumn('token_policy', 'text').execute();
        await db.schema.alterTable('users').addColumn('token_policy', 'text').execute();
        await db.schema.alterTable('audit_log').addColumn('detail', 'text').execute();
      },
    },
    '0014-credit-crossings': {
      // A spend that takes a balance past a token.credits_low threshold records the
      // crossing in its own statement or transaction; the event is made from it later
      // (the token's name and status are not at hand in the spend), so a crash between
      // the two loses nothing.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('credit_crossings')
          .addColumn('seq', dialect.serialType, (c) => c.primaryKey())
          .addColumn('token_id', 'char(24)', (c) => c.notNull())
          .addColumn('threshold', 'integer', (c) => c.notNull())
          .addColumn('remaining', 'bigint', (c) => c.notNull())
          .addColumn('base', 'bigint', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0015-audit-filters': {
      // The audit trails' filters: by actor (and a user's own trail: entries by the
      // user or the user's tokens), by target (entries about the user or the user's
      // tokens), and by time. Each ends in seq, the trails' order.
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'actor_type', 'seq']).execute();
        await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_id', 'target_type', 'seq']).execute();
        await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'seq']).execute();
      },
    },
  };
}
