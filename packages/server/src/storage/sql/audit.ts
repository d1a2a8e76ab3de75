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

/**
 * The entries of a user's own trail, as a union of index lookups: by the user
 * (audit_log_actor), by each of the user's tokens (api_tokens' owner index, then
 * audit_log_actor per token), about the user (audit_log_target), about each of the
 * user's tokens. One OR of the four would leave PostgreSQL a scan of every entry
 * by (or about) any token: an IN over a subquery is no index condition inside an OR.
 */
function userTrailSeqs(db: Kysely<Database>, userId: string) {
  const entries = db.selectFrom('audit_log').select('audit_log.seq');
  // actor_id is a varchar (a failed login's email too), api_tokens.id a char(24): compared
  // as PostgreSQL's bpchar the actor index would not serve the join, as varchar it does.
  const byToken = entries
    .innerJoin('api_tokens', (join) => join.on('audit_log.actor_id', '=', sql<string>`cast(api_tokens.id as varchar(1024))`))
    .where('api_tokens.owner_type', '=', 'user')
    .where('api_tokens.owner_id', '=', userId)
    .where('audit_log.actor_type', '=', 'apiToken');
  const aboutToken = entries
    .innerJoin('api_tokens', 'api_tokens.id', 'audit_log.target_id')
    .where('api_tokens.owner_type', '=', 'user')
    .where('api_tokens.owner_id', '=', userId)
    .where('audit_log.target_type', '=', 'apiToken');
  return entries
    .where('audit_log.actor_id', '=', userId)
    .where('audit_log.actor_type', '=', 'user')
    .union(byToken)
    .union(entries.where('audit_log.target_id', '=', userId).where('audit_log.target_type', 'in', ['user', 'member']))
    .union(aboutToken);
}

export async function listAudit(db: Kysely<Database>, query: AuditQuery): Promise<{ items: AuditEntry[]; totalCount: number }> {
  let base = db.selectFrom('audit_log');
  if (query.applicationId !== undefined) base = base.where('application_id', '=', query.applicationId);
  if (query.orgId !== undefined) base = base.where('org_id', '=', query.orgId);
  if (query.userId !== undefined) base = base.where('seq', 'in', userTrailSeqs(db, query.userId));
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
