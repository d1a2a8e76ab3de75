// The audit trail: rows appended inside the transaction of the change they record.
// An entry that records a token event (webhooks/token-events.ts) enqueues it to the
// webhooks' outbox in the same transaction.
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { AuditDetail, AuditEntry, AuditQuery } from '../port.js';
import { tokenEventOfAuditAction, type TokenSubject } from '../../webhooks/token-events.js';
import { globToLike } from './glob.js';
import { enqueueAuditedEvents } from './webhook-outbox.js';
import type { AuditLogTable, Database } from './tables.js';
import type { None } from './token-row.js';

/** The columns auditRow writes (all but the serial `seq`): what a prepared insert names. */
export const auditColumns = [
  'id',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'application_id',
  'org_id',
  'source_address',
  'outcome',
  'detail',
] as const satisfies ReadonlyArray<keyof AuditLogTable>;
// Compiles only while auditColumns names every column but `seq`.
type _EveryColumnWritten = None<Exclude<keyof AuditLogTable, (typeof auditColumns)[number] | 'seq'>>;

export function auditRow(entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    id: entry.id,
    at: entry.at,
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    application_id: entry.applicationId,
    org_id: entry.orgId,
    source_address: entry.sourceAddress,
    outcome: entry.outcome,
    detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
  };
}

/**
 * Appends the entry, and the token event it records, if any, to the webhooks'
 * outbox: both in `db`'s transaction (one of their own when `db` is none). `token`
 * is the token as the change left it (as it was, for a delete); without it the
 * token is read by the entry's targetId, so a write that deletes a token appends
 * its entry first, or passes the deleted row.
 */
export async function appendAudit(db: Kysely<Database>, entry: AuditEntry | undefined, token?: TokenSubject): Promise<void> {
  if (!entry) return;
  if (!tokenEventOfAuditAction.has(entry.action)) {
    await db.insertInto('audit_log').values(auditRow(entry)).execute();
    return;
  }
  if (!db.isTransaction) return db.transaction().execute((trx) => appendAudit(trx, entry, token));
  await db.insertInto('audit_log').values(auditRow(entry)).execute();
  await enqueueAuditedEvents(db, [entry], token ? [token] : []);
}

function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  const entry: AuditEntry = {
    id: row.id,
    at: Number(row.at),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    applicationId: row.application_id,
    orgId: row.org_id,
    sourceAddress: row.source_address,
    outcome: row.outcome,
  };
  if (row.detail !== null) entry.detail = JSON.parse(row.detail) as AuditDetail;
  return entry;
}

export async function listAudit(db: Kysely<Database>, query: AuditQuery): Promise<{ items: AuditEntry[]; totalCount: number }> {
  let base = db.selectFrom('audit_log');
  if (query.applicationId !== undefined) base = base.where('application_id', '=', query.applicationId);
  if (query.orgId !== undefined) base = base.where('org_id', '=', query.orgId);
  const userId = query.userId;
  if (userId !== undefined) {
    // The user's tokens through api_tokens' owner index; each branch of the OR is an
    // index lookup on audit_log (migration 0015: actor_id, target_id).
    const ownTokens = db.selectFrom('api_tokens').select('id').where('owner_type', '=', 'user').where('owner_id', '=', userId);
    base = base.where((eb) =>
      eb.or([
        eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
        eb.and([eb('actor_type', '=', 'apiToken'), eb('actor_id', 'in', ownTokens)]),
        eb.and([eb('target_type', 'in', ['user', 'member']), eb('target_id', '=', userId)]),
        eb.and([eb('target_type', '=', 'apiToken'), eb('target_id', 'in', ownTokens)]),
      ]),
    );
  }
  if (query.actorType !== undefined) base = base.where('actor_type', '=', query.actorType);
  if (query.actorId !== undefined) base = base.where('actor_id', '=', query.actorId);
  if (query.start !== undefined) base = base.where('at', '>=', query.start);
  if (query.end !== undefined) base = base.where('at', '<=', query.end);
  if (query.action) base = base.where(sql<boolean>`lower(action) like ${globToLike(query.action.toLowerCase())} escape '\\'`);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('seq', query.sortDirection)
      .limit(query.perPage)
      .offset(query.page * query.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(fromRow), totalCount: Number(count.n) };
}
