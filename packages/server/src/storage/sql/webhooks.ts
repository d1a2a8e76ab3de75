// Webhook queries shared by the SQL adapters: a webhook's row and its subscriptions
// (one row per event type, what the outbox's fan-out selects) written together, the
// page of an owner's webhooks, and a deletion that takes the webhook's deliveries
// and attempts with it.
import type { Kysely, Selectable } from 'kysely';
import { inEventOrder, type WebhookEventType } from '@latchkey/contract';
import type { AuditEntry, WebhookListQuery, WebhookOwnerType, WebhookPatch, WebhookRecord } from '../port.js';
import { appendAudit } from './audit.js';
import type { SqlDialect } from './dialect.js';
import type { Database, WebhooksTable } from './tables.js';

type Db = Kysely<Database>;

const sortColumns = { creationDate: 'created_at', lastUpdated: 'updated_at', id: 'id' } as const;

function webhookFromRow(row: Selectable<WebhooksTable>): WebhookRecord {
  return {
    id: row.id,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    url: row.url,
    secret: row.secret,
    events: JSON.parse(row.events) as WebhookEventType[],
    enabled: Number(row.enabled) === 1,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

async function subscribe(db: Db, webhook: Pick<WebhookRecord, 'id' | 'ownerType' | 'ownerId' | 'events'>): Promise<void> {
  await db
    .insertInto('webhook_subscriptions')
    .values(
      webhook.events.map((type) => ({
        webhook_id: webhook.id,
        owner_type: webhook.ownerType,
        owner_id: webhook.ownerId,
        event_type: type,
      })),
    )
    .execute();
}

/**
 * Stores the webhook when its owner exists, checked in the transaction (under a
 * share lock where the dialect has row locks, so a deletion of the application
 * waits for this commit and then deletes the webhook too).
 */
export async function createWebhook(db: Db, dialect: SqlDialect, webhook: WebhookRecord, audit?: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const owner = trx
      .selectFrom(webhook.ownerType === 'application' ? 'applications' : 'users')
      .select('id')
      .where('id', '=', webhook.ownerId);
    if (!(await (dialect.rowLocks ? owner.forShare() : owner).executeTakeFirst())) return false;
    const events = inEventOrder(webhook.events);
    await trx
      .insertInto('webhooks')
      .values({
        id: webhook.id,
        owner_type: webhook.ownerType,
        owner_id: webhook.ownerId,
        url: webhook.url,
        secret: webhook.secret,
        events: JSON.stringify(events),
        enabled: webhook.enabled ? 1 : 0,
        description: webhook.description,
        created_at: webhook.createdAt,
        updated_at: webhook.updatedAt,
      })
      .execute();
    await subscribe(trx, { ...webhook, events });
    await appendAudit(trx, audit);
    return true;
  });
}

export async function getWebhook(db: Db, ownerType: WebhookOwnerType, ownerId: string, id: string): Promise<WebhookRecord | undefined> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .where('owner_type', '=', ownerType)
    .executeTakeFirst();
  return row && webhookFromRow(row);
}

export async function listWebhooks(
  db: Db,
  ownerType: WebhookOwnerType,
  ownerId: string,
  query: WebhookListQuery,
): Promise<{ items: WebhookRecord[]; totalCount: number }> {
  const base = db.selectFrom('webhooks').where('owner_id', '=', ownerId).where('owner_type', '=', ownerType);
  const column = sortColumns[query.sortField];
  let page = base.selectAll().orderBy(column, query.sortDirection);
  if (column !== 'id') page = page.orderBy('id', query.sortDirection);
  const [rows, count] = await Promise.all([
    page
      .limit(query.perPage)
      .offset(query.page * query.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(webhookFromRow), totalCount: Number(count.n) };
}

export async function updateWebhook(
  db: Db,
  ownerType: WebhookOwnerType,
  ownerId: string,
  id: string,
  patch: WebhookPatch,
  updatedAt: number,
  audit?: AuditEntry,
): Promise<WebhookRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const events = patch.events && inEventOrder(patch.events);
    const row = await trx
      .updateTable('webhooks')
      .set({
        updated_at: updatedAt,
        ...(patch.url === undefined ? {} : { url: patch.url }),
        ...(patch.secret === undefined ? {} : { secret: patch.secret }),
        ...(events === undefined ? {} : { events: JSON.stringify(events) }),
        ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
      })
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .where('owner_type', '=', ownerType)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    if (events) {
      await trx.deleteFrom('webhook_subscriptions').where('webhook_id', '=', id).execute();
      await subscribe(trx, { id, ownerType, ownerId, events });
    }
    await appendAudit(trx, audit);
    return webhookFromRow(row);
  });
}

/** The webhooks' subscriptions, deliveries and attempts (inside the caller's transaction). */
async function deleteWebhookRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('webhook_subscriptions').where('webhook_id', 'in', ids).execute();
  await db.deleteFrom('webhook_deliveries').where('webhook_id', 'in', ids).execute();
  await db.deleteFrom('webhook_attempts').where('webhook_id', 'in', ids).execute();
}

export async function deleteWebhook(
  db: Db,
  ownerType: WebhookOwnerType,
  ownerId: string,
  id: string,
  audit?: AuditEntry,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .deleteFrom('webhooks')
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .where('owner_type', '=', ownerType)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;
    await deleteWebhookRows(trx, [id]);
    await appendAudit(trx, audit);
    return true;
  });
}

/** Deletes every webhook of an owner with what hangs off them (inside the caller's transaction); their ids. */
export async function deleteOwnerWebhooks(db: Db, ownerType: WebhookOwnerType, ownerId: string): Promise<string[]> {
  const rows = await db
    .deleteFrom('webhooks')
    .where('owner_id', '=', ownerId)
    .where('owner_type', '=', ownerType)
    .returning('id')
    .execute();
  const ids = rows.map((r) => r.id);
  await deleteWebhookRows(db, ids);
  return ids;
}
