// The webhooks' durable outbox, shared by the SQL adapters: events fanned out to a
// delivery per subscribed enabled webhook inside the transaction of the change that
// caused them (a (webhook, event) enqueued twice lands once: the key), due
// deliveries claimed for a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so nodes claim
// apart), every attempt recorded with what it left the delivery as, redeliveries,
// the page of a webhook's deliveries, and retention.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  AttemptOutcome,
  AuditEntry,
  DeliveryListQuery,
  TokenEvent,
  TokenRecord,
  WebhookAttemptRecord,
  WebhookClaim,
  WebhookDeliveryRecord,
} from '../port.js';
import { auditedTokenEvent, derivedEventId, tokenEvent, tokenEventOfAuditAction, type TokenSubject } from '../../webhooks/token-events.js';
import type { SqlDialect } from './dialect.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from './tables.js';
import { tokenColumns, tokenFromRow } from './token-row.js';

type Db = Kysely<Database>;

/** The outbox row of one event for one webhook: due at once. */
export function deliveryRow(event: TokenEvent, webhookId: string): Insertable<WebhookDeliveriesTable> {
  return {
    webhook_id: webhookId,
    event_id: event.id,
    event_type: event.type,
    token_id: event.tokenId,
    payload: event.payload,
    status: 'pending',
    attempt_count: 0,
    next_attempt_at: event.at,
    claimed_by: null,
    claimed_until: null,
    created_at: event.at,
    delivered_at: null,
  };
}

/** The columns deliveryRow writes: what the SQLite adapter's prepared insert names. */
export const deliveryColumns = [
  'webhook_id',
  'event_id',
  'event_type',
  'token_id',
  'payload',
  'status',
  'attempt_count',
  'next_attempt_at',
  'claimed_by',
  'claimed_until',
  'created_at',
  'delivered_at',
] as const satisfies ReadonlyArray<keyof WebhookDeliveriesTable>;

/**
 * The same fan-out as enqueueEvents, as the two statements the SQLite adapter
 * prepares for its synchronous group-committed creates: the subscribed enabled
 * webhooks of an owner for one event type, and the insert of one delivery.
 */
export const sqliteOutboxSql = {
  subscribers: `select s.webhook_id from webhook_subscriptions s join webhooks w on w.id = s.webhook_id
    where s.owner_id = ? and s.owner_type = ? and s.event_type = ? and w.enabled = 1`,
  insert: `insert into webhook_deliveries (${deliveryColumns.join(', ')}) values (${deliveryColumns.map((c) => `@${c}`).join(', ')})
    on conflict (webhook_id, event_id) do nothing`,
};

/**
 * Fans the events out to their owners' subscribed enabled webhooks, inside the
 * caller's transaction: a delivery per (webhook, event), none where one already
 * exists. The number of deliveries written.
 */
export async function enqueueEvents(db: Db, events: readonly TokenEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const owners = [...new Set(events.map((e) => e.ownerId))];
  const types = [...new Set(events.map((e) => e.type))];
  const subscriptions = await db
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('webhooks as w', 'w.id', 's.webhook_id')
    .select(['s.webhook_id', 's.owner_type', 's.owner_id', 's.event_type'])
    .where('s.owner_id', 'in', owners)
    .where('s.event_type', 'in', types)
    .where('w.enabled', '=', 1)
    .execute();
  if (subscriptions.length === 0) return 0;
  const rows: Array<Insertable<WebhookDeliveriesTable>> = [];
  for (const event of events) {
    for (const s of subscriptions) {
      if (s.owner_id === event.ownerId && s.owner_type === event.ownerType && s.event_type === event.type) {
        rows.push(deliveryRow(event, s.webhook_id));
      }
    }
  }
  let written = 0;
  // 500 rows of 12 columns stay under every dialect's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    const result = await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
      .executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return written;
}

/**
 * The token events of these audit entries (tokenEventOfAuditAction), enqueued in the
 * caller's transaction. `tokens` are the tokens as the changes left them; an entry's
 * token not among them is read here (an entry appended after its token was deleted
 * finds none: see auditedTokenEvent).
 */
export async function enqueueAuditedEvents(db: Db, entries: readonly AuditEntry[], tokens: readonly TokenSubject[] = []): Promise<void> {
  const audited = entries.filter((e) => tokenEventOfAuditAction.has(e.action) && e.outcome === 'success');
  if (audited.length === 0) return;
  const byId = new Map<string, TokenSubject>(tokens.map((t) => [t.id, t]));
  const missing = [...new Set(audited.map((e) => e.targetId).filter((id): id is string => id !== null && !byId.has(id)))];
  if (missing.length > 0) {
    const rows = await db.selectFrom('api_tokens').select(tokenColumns).where('id', 'in', missing).execute();
    for (const row of rows) byId.set(row.id, tokenFromRow(row));
  }
  const events = audited.flatMap((entry) => {
    const event = auditedTokenEvent(entry, entry.targetId === null ? undefined : byId.get(entry.targetId));
    return event ? [event] : [];
  });
  await enqueueEvents(db, events);
}

/**
 * Claims due deliveries of enabled webhooks for `leaseMs`, as `claimant` (this store
 * instance), in one statement (so SQLite takes its write lock at once, and
 * PostgreSQL locks only the rows it claims: FOR UPDATE SKIP LOCKED, so nodes
 * claiming at once claim apart). A claim whose lease ended is free again (its node
 * died or hung); where one process alone uses the database, so is a claim of
 * another instance (the process that died before this one started).
 */
export async function claimDeliveries(
  db: Db,
  dialect: SqlDialect,
  claimant: string,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<WebhookClaim[]> {
  let due = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.webhook_id', 'd.event_id'])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .where('w.enabled', '=', 1)
    .where((eb) =>
      eb.or([
        eb('d.claimed_until', 'is', null),
        eb('d.claimed_until', '<=', now),
        ...(dialect.oneProcess ? [eb('d.claimed_by', '!=', claimant)] : []),
      ]),
    )
    .orderBy('d.next_attempt_at')
    .orderBy('d.event_id')
    .limit(limit);
  // Only the deliveries' rows: a lock on the webhook would make other nodes skip all of its deliveries.
  if (dialect.rowLocks) due = due.forUpdate('d').skipLocked();
  const claimedUntil = now + leaseMs;
  const rows = await db
    .updateTable('webhook_deliveries')
    .set({ claimed_by: claimant, claimed_until: claimedUntil })
    .where((eb) => eb(eb.refTuple('webhook_id', 'event_id'), 'in', due.$asTuple('webhook_id', 'event_id')))
    .returning(['webhook_id', 'event_id', 'payload', 'attempt_count', 'next_attempt_at'])
    .execute();
  if (rows.length === 0) return [];
  const webhooks = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'secret'])
    .where('id', 'in', [...new Set(rows.map((r) => r.webhook_id))])
    .execute();
  const byId = new Map(webhooks.map((w) => [w.id, w]));
  // Oldest due first, as claimed; a webhook deleted since takes its deliveries with it.
  rows.sort((x, y) => Number(x.next_attempt_at) - Number(y.next_attempt_at) || (x.event_id < y.event_id ? -1 : 1));
  return rows.flatMap((r) => {
    const webhook = byId.get(r.webhook_id);
    return webhook
      ? [
          {
            webhookId: r.webhook_id,
            eventId: r.event_id,
            url: webhook.url,
            secret: webhook.secret,
            payload: r.payload,
            attemptCount: Number(r.attempt_count),
            claimedBy: claimant,
            claimedUntil,
          },
        ]
      : [];
  });
}

/**
 * The token.credits_low events of recorded crossings (see spendCredits), enqueued
 * and the crossings deleted in the caller's transaction; a batch at a time
 * (PostgreSQL: rows another node is taking are skipped). An event's id is derived
 * from its crossing, so one sent twice (two nodes, a retry) is enqueued once. A
 * crossing whose token is gone since is dropped. The deliveries written.
 */
export async function enqueueCreditCrossings(db: Db, dialect: SqlDialect, batch = 500): Promise<number> {
  let taken = db.selectFrom('credit_crossings').selectAll().orderBy('seq').limit(batch);
  if (dialect.rowLocks) taken = taken.forUpdate().skipLocked();
  const crossings = await taken.execute();
  if (crossings.length === 0) return 0;
  const ids = [...new Set(crossings.map((c) => c.token_id))];
  const rows = await db.selectFrom('api_tokens').select(tokenColumns).where('id', 'in', ids).execute();
  const tokens = new Map(rows.map((row) => [row.id, tokenFromRow(row)]));
  const events: TokenEvent[] = [];
  for (const c of crossings) {
    const token = tokens.get(c.token_id);
    if (token === undefined || token.ownerType === 'session') continue;
    const [threshold, remaining, base, at] = [c.threshold, Number(c.remaining), Number(c.base), Number(c.at)];
    const id = derivedEventId('token.credits_low', c.token_id, threshold, at);
    events.push(
      tokenEvent('token.credits_low', { ...token, ownerType: token.ownerType }, at, { threshold, remaining, creditsBase: base }, id),
    );
  }
  const written = await enqueueEvents(db, events);
  await db
    .deleteFrom('credit_crossings')
    .where(
      'seq',
      'in',
      crossings.map((c) => c.seq),
    )
    .execute();
  return written;
}

/** When the earliest pending delivery of an enabled webhook falls due (the claims' index answers it). */
export async function nextDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select('d.next_attempt_at')
    .where('d.status', '=', 'pending')
    .where('w.enabled', '=', 1)
    .orderBy('d.next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row?.next_attempt_at == null ? undefined : Number(row.next_attempt_at);
}

/** Pending deliveries of enabled webhooks (what the worker will send): how many, and the oldest's enqueue time. */
export async function outboxDepth(db: Db): Promise<{ pending: number; oldestCreatedAt: number | undefined }> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select((eb) => [eb.fn.countAll().as('pending'), eb.fn.min('d.created_at').as('oldest')])
    .where('d.status', '=', 'pending')
    .where('w.enabled', '=', 1)
    .executeTakeFirst();
  const oldest = row?.oldest;
  return { pending: Number(row?.pending ?? 0), oldestCreatedAt: oldest == null ? undefined : Number(oldest) };
}

/**
 * The attempt, and, while the claim holds, what it leaves the delivery as (the
 * claim released), in one transaction that writes first (SQLite takes its write
 * lock at once). Nothing is recorded for a delivery gone meanwhile (its webhook
 * deleted).
 */
export async function recordAttempt(db: Db, claim: WebhookClaim, attempt: WebhookAttemptRecord, outcome: AttemptOutcome): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempt_count: eb('attempt_count', '+', 1),
        claimed_by: null,
        claimed_until: null,
        ...(outcome.delivered
          ? { status: 'delivered' as const, next_attempt_at: null, delivered_at: attempt.at }
          : outcome.retryAt === null
            ? { status: 'failed' as const, next_attempt_at: null }
            : { next_attempt_at: outcome.retryAt }),
      }))
      .where('webhook_id', '=', claim.webhookId)
      .where('event_id', '=', claim.eventId)
      .where('claimed_by', '=', claim.claimedBy)
      .where('claimed_until', '=', claim.claimedUntil)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      const exists = await trx
        .selectFrom('webhook_deliveries')
        .select('event_id')
        .where('webhook_id', '=', claim.webhookId)
        .where('event_id', '=', claim.eventId)
        .executeTakeFirst();
      if (!exists) return;
    }
    await trx
      .insertInto('webhook_attempts')
      .values({
        webhook_id: claim.webhookId,
        event_id: claim.eventId,
        at: attempt.at,
        status_code: attempt.statusCode,
        latency_ms: attempt.latencyMs,
        error: attempt.error,
      })
      .execute();
  });
}

function attemptFromRow(row: Pick<Selectable<WebhookAttemptsTable>, 'at' | 'status_code' | 'latency_ms' | 'error'>): WebhookAttemptRecord {
  return {
    at: Number(row.at),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    latencyMs: Number(row.latency_ms),
    error: row.error,
  };
}

function deliveryFromRow(row: Selectable<WebhookDeliveriesTable>, attempts: WebhookAttemptRecord[]): WebhookDeliveryRecord {
  return {
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    tokenId: row.token_id,
    status: row.status,
    attemptCount: Number(row.attempt_count),
    nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    attempts,
  };
}

/** These deliveries of one webhook with their attempts, in the order given. */
async function withAttempts(db: Db, webhookId: string, rows: Array<Selectable<WebhookDeliveriesTable>>): Promise<WebhookDeliveryRecord[]> {
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .select(['event_id', 'at', 'status_code', 'latency_ms', 'error'])
    .where('webhook_id', '=', webhookId)
    .where(
      'event_id',
      'in',
      rows.map((r) => r.event_id),
    )
    .orderBy('seq')
    .execute();
  const byEvent = new Map<string, WebhookAttemptRecord[]>();
  for (const a of attempts) {
    let list = byEvent.get(a.event_id);
    if (!list) byEvent.set(a.event_id, (list = []));
    list.push(attemptFromRow(a));
  }
  return rows.map((row) => deliveryFromRow(row, byEvent.get(row.event_id) ?? []));
}

export async function listDeliveries(
  db: Db,
  webhookId: string,
  query: DeliveryListQuery,
): Promise<{ items: WebhookDeliveryRecord[]; totalCount: number }> {
  const base = db.selectFrom('webhook_deliveries').where('webhook_id', '=', webhookId);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', query.sortDirection)
      .orderBy('event_id', query.sortDirection)
      .limit(query.perPage)
      .offset(query.page * query.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await withAttempts(db, webhookId, rows), totalCount: Number(count.n) };
}

/** Due again at `at`, counted afresh; undefined when there is no such delivery. */
export async function redeliver(db: Db, webhookId: string, eventId: string, at: number): Promise<WebhookDeliveryRecord | undefined> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempt_count: 0, next_attempt_at: at, claimed_by: null, claimed_until: null, delivered_at: null })
    .where('webhook_id', '=', webhookId)
    .where('event_id', '=', eventId)
    .returningAll()
    .executeTakeFirst();
  return row && (await withAttempts(db, webhookId, [row]))[0];
}

/**
 * Drops finished deliveries created before `before`, with their attempts, and any
 * delivery left behind by a webhook deleted while it was enqueued. True when any went.
 */
export async function pruneDeliveries(db: Db, before: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('webhook_attempts')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('webhook_deliveries as d')
            .select('d.event_id')
            .whereRef('d.webhook_id', '=', 'webhook_attempts.webhook_id')
            .whereRef('d.event_id', '=', 'webhook_attempts.event_id')
            .where('d.created_at', '<', before)
            .where((inner) =>
              inner.or([
                inner('d.status', '!=', 'pending'),
                inner.not(inner.exists(inner.selectFrom('webhooks as w').select('w.id').whereRef('w.id', '=', 'd.webhook_id'))),
              ]),
            ),
        ),
      )
      .execute();
    const result = await trx
      .deleteFrom('webhook_deliveries')
      .where('created_at', '<', before)
      .where((eb) =>
        eb.or([
          eb('status', '!=', 'pending'),
          eb.not(eb.exists(eb.selectFrom('webhooks as w').select('w.id').whereRef('w.id', '=', 'webhook_deliveries.webhook_id'))),
        ]),
      )
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

/**
 * Active tokens expiring in (after, until] of owners with an enabled webhook on
 * token.expiring; with `changedSince`, only those updated at or after it.
 */
export async function listExpiringTokens(db: Db, after: number, until: number, changedSince?: number): Promise<TokenRecord[]> {
  // Driven by the (few) watching owners, each a range of its expiry index: never a scan of every token.
  const owners = db
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('webhooks as w', 'w.id', 's.webhook_id')
    .select(['s.owner_type', 's.owner_id'])
    .distinct()
    .where('s.event_type', '=', 'token.expiring')
    .where('w.enabled', '=', 1)
    .as('o');
  const rows = await db
    .selectFrom(owners)
    .innerJoin('api_tokens as t', (join) => join.onRef('t.owner_id', '=', 'o.owner_id').onRef('t.owner_type', '=', 'o.owner_type'))
    .select(tokenColumns.map((c) => `t.${c}` as const))
    .where('t.expires_at', '>', after)
    .where('t.expires_at', '<=', until)
    .where('t.status', '=', 'active')
    .$if(changedSince !== undefined, (qb) => qb.where('t.updated_at', '>=', changedSince!))
    .orderBy('t.expires_at')
    .execute();
  return rows.map(tokenFromRow);
}
