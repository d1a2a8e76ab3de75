// Token queries shared by the SQL adapters. Every write that changes how many
// tokens an owner has, per status, updates token_counts in the same transaction,
// so totalCount is exact without counting rows on every page; every write to an
// owner's tokens moves its revision (token_set_versions.version) in the same transaction too,
// and every UPDATE of a token goes through changeToken, which moves its version.
import { sql, type Kysely, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type {
  AuditEntry,
  CreditSpend,
  CreditSpent,
  NewToken,
  OwnerType,
  TokenListQuery,
  TokenPage,
  TokenPatch,
  TokenRecord,
  TokenRefPage,
  TokenRotation,
  TokenSecret,
  TokenStatus,
} from '../port.js';
import { creditThresholds } from '../../webhooks/token-events.js';
import { appendAudit, auditRow } from './audit.js';
import { enqueueAuditedEvents } from './webhook-outbox.js';
import { globToLike } from './glob.js';
import type { SqlDialect } from './dialect.js';
import type { Database } from './tables.js';
import {
  previousSecretRevocationChange,
  tokenColumns,
  tokenFromRow,
  tokenPatchChange,
  tokenRevocationChange,
  tokenRotationChange,
  tokenRow,
  type TokenChange,
} from './token-row.js';

type Db = Kysely<Database>;
type TokenUpdate = UpdateQueryBuilder<Database, 'api_tokens', 'api_tokens', UpdateResult>;
export type TokenOwner = { ownerType: OwnerType; ownerId: string };

export const sortColumns = {
  name: 'name_key',
  status: 'status',
  id: 'id',
  creationDate: 'created_at',
  lastUpdated: 'updated_at',
  expirationDate: 'expires_at',
} as const;

/**
 * The columns a page is ordered by: the sort column, then `id` to break ties. Not
 * `id` twice: SQLite then sorts every row of the owner in a temporary B-tree
 * instead of reading its index in order.
 */
export function orderColumns(sortField: keyof typeof sortColumns): string[] {
  const column = sortColumns[sortField];
  return column === 'id' ? ['id'] : [column, 'id'];
}

/** The same order as an SQL fragment, for the adapters' prepared page statements. */
export function orderBySql(sortField: keyof typeof sortColumns, direction: 'asc' | 'desc'): string {
  return orderColumns(sortField)
    .map((column) => `${column} ${direction}`)
    .join(', ');
}

const filterColumns = { name: 'name_key', status: 'status' } as const;

/** `abc*` -> ['abc', 'abd'): the keys a prefix glob can match. */
export function prefixRange(glob: string): { from: string; to: string } | undefined {
  if (!glob.endsWith('*')) return undefined;
  const prefix = glob.slice(0, -1);
  if (prefix === '' || prefix.includes('*')) return undefined;
  // Code-unit order equals the databases' byte order (UTF-8) only below the
  // surrogates; other prefixes fall back to LIKE alone.
  if (/[\ud800-\uffff]/.test(prefix)) return undefined;
  const last = prefix.charCodeAt(prefix.length - 1);
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

async function bump(db: Db, ownerType: OwnerType, ownerId: string, status: TokenStatus, delta: number): Promise<void> {
  await db
    .insertInto('token_counts')
    .values({ owner_type: ownerType, owner_id: ownerId, status, n: delta })
    .onConflict((oc) =>
      oc.columns(['owner_type', 'owner_id', 'status']).doUpdateSet((eb) => ({ n: eb('token_counts.n', '+', eb.ref('excluded.n')) })),
    )
    .execute();
}

/**
 * Moves the owners' revisions, in key order. Revision rows are locked before count
 * rows by every write, so concurrent writes cannot deadlock on them.
 */
export async function bumpRevisions(db: Db, owners: readonly TokenOwner[]): Promise<void> {
  for (const { ownerType, ownerId } of owners) {
    await db
      .insertInto('token_set_versions')
      .values({ owner_type: ownerType, owner_id: ownerId, version: 1 })
      .onConflict((oc) =>
        oc.columns(['owner_type', 'owner_id']).doUpdateSet((eb) => ({ version: eb('token_set_versions.version', '+', 1) })),
      )
      .execute();
  }
}

/** The distinct owners of these tokens, in key order (see bumpRevisions). */
export function ownersOf(tokens: readonly NewToken[]): TokenOwner[] {
  const owners = new Map<string, TokenOwner>();
  for (const { ownerType, ownerId } of tokens) owners.set(`${ownerType}|${ownerId}`, { ownerType, ownerId });
  return [...owners].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, owner]) => owner);
}

/**
 * The one UPDATE of api_tokens (test/storage-events.test.ts holds the source to
 * it): it moves the token's version, which kept renderings are keyed by, and its
 * owner's revision, which kept list answers are keyed by. Both in one statement
 * where the dialect can (so a touch needs no transaction); otherwise within the
 * caller's transaction.
 */
export async function changeToken(
  db: Db,
  dialect: SqlDialect,
  id: string,
  owner: TokenOwner | undefined,
  change: TokenChange,
  condition?: (update: TokenUpdate) => TokenUpdate,
) {
  let update = db
    .updateTable('api_tokens')
    .set({ ...change, version: sql<number>`version + 1` })
    .where('id', '=', id);
  if (owner) update = update.where('owner_type', '=', owner.ownerType).where('owner_id', '=', owner.ownerId);
  if (condition) update = condition(update);
  if (dialect.writableCte) {
    return db
      .with('changed', () => update.returningAll())
      .with('bumped', (qb) =>
        qb
          .insertInto('token_set_versions')
          .columns(['owner_type', 'owner_id', 'version'])
          .expression(qb.selectFrom('changed').select(['owner_type', 'owner_id', sql<number>`1`.as('version')]))
          .onConflict((oc) =>
            oc.columns(['owner_type', 'owner_id']).doUpdateSet((eb) => ({ version: eb('token_set_versions.version', '+', 1) })),
          ),
      )
      .selectFrom('changed')
      .selectAll()
      .executeTakeFirst();
  }
  const row = await update.returningAll().executeTakeFirst();
  if (row) await bumpRevisions(db, [{ ownerType: row.owner_type, ownerId: row.owner_id }]);
  return row;
}

/** Inserts tokens and their counts; in a transaction of its own unless `db` is one. */
export async function insertTokens(db: Db, tokens: readonly NewToken[], audits: readonly AuditEntry[] = []): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => insertTokens(trx, tokens, audits));
  await bumpRevisions(db, ownersOf(tokens));
  if (audits.length > 0) {
    await db.insertInto('audit_log').values(audits.map(auditRow)).execute();
    // The token events they record, to the webhooks' outbox in this transaction.
    await enqueueAuditedEvents(db, audits, tokens);
  }
  // 500 rows of 16 columns stay under every dialect's bound-parameter limit.
  for (let i = 0; i < tokens.length; i += 500) {
    await db
      .insertInto('api_tokens')
      .values(tokens.slice(i, i + 500).map(tokenRow))
      .execute();
  }
  for (const [ownerType, ownerId, status, n] of countDeltas(tokens)) await bump(db, ownerType, ownerId, status, n);
}

/**
 * How many tokens each (owner, status) count gains, in key order. Count rows are
 * always locked in that order, here, in the SQLite batch and in updateToken, so
 * concurrent transactions cannot deadlock on them (PostgreSQL would refuse one).
 */
export function countDeltas(tokens: readonly NewToken[]): Array<[OwnerType, string, TokenStatus, number]> {
  const counts = new Map<string, [OwnerType, string, TokenStatus, number]>();
  for (const token of tokens) {
    const key = `${token.ownerType}|${token.ownerId}|${token.status}`;
    const count = counts.get(key);
    if (count) count[3]++;
    else counts.set(key, [token.ownerType, token.ownerId, token.status, 1]);
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, count]) => count);
}

/** The owner's revision, as a subquery (absent: no write yet, revision 0). */
function revisionOf(db: Db, ownerType: OwnerType, ownerId: string) {
  return db.selectFrom('token_set_versions').select('version').where('owner_type', '=', ownerType).where('owner_id', '=', ownerId);
}

/**
 * One page of an owner's tokens, selecting `columns`, and its exact total. The
 * page and the count run concurrently, each with the owner's revision: when both
 * read the same one, no write came between them, and it is the page's revision.
 */
async function tokenPage<C extends (typeof tokenColumns)[number]>(
  db: Db,
  ownerType: OwnerType,
  ownerId: string,
  query: TokenListQuery,
  columns: readonly C[],
) {
  let base = db.selectFrom('api_tokens').where('owner_id', '=', ownerId).where('owner_type', '=', ownerType);
  const filter = query.filter && { column: filterColumns[query.filter.field], pattern: globToLike(query.filter.glob.toLowerCase()) };
  // A glob without `*` is an exact match, which the indexes answer as a key range
  // (`status = 'inactive'`); LIKE would scan past every other value first.
  if (filter && !query.filter!.glob.includes('*')) base = base.where(filter.column, '=', query.filter!.glob.toLowerCase());
  else if (filter) base = base.where(sql<boolean>`${sql.ref(filter.column)} like ${filter.pattern} escape '\\'`);
  // A prefix glob (`abc*`) is also a key range, which both databases answer from
  // the (owner, name_key, id) index; LIKE alone would not use it once escaped.
  const range = query.filter?.field === 'name' ? prefixRange(query.filter.glob.toLowerCase()) : undefined;
  if (range) base = base.where('name_key', '>=', range.from).where('name_key', '<', range.to);
  let ordered = base.select(columns).select(revisionOf(db, ownerType, ownerId).as('revision'));
  for (const column of orderColumns(query.sortField)) ordered = ordered.orderBy(sql.ref(column), query.sortDirection);
  const items = ordered
    .limit(query.perPage)
    .offset(query.page * query.perPage)
    .execute();
  // Without a name filter the count comes from token_counts (one or two rows);
  // a name glob counts its matches through the name index.
  const count =
    filter?.column === 'name_key'
      ? base
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .select(revisionOf(db, ownerType, ownerId).as('revision'))
          .executeTakeFirstOrThrow()
      : db
          .selectFrom('token_counts')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), sql<number>`0`).as('n'))
          .select(revisionOf(db, ownerType, ownerId).as('revision'))
          .where('owner_type', '=', ownerType)
          .where('owner_id', '=', ownerId)
          .$if(filter !== undefined, (qb) => qb.where(sql<boolean>`status like ${filter!.pattern} escape '\\'`))
          .executeTakeFirstOrThrow();
  const [rows, total] = await Promise.all([items, count]);
  const revision = rows.length > 0 && Number(rows[0]!.revision ?? 0) === Number(total.revision ?? 0) ? String(total.revision ?? 0) : null;
  return { rows, totalCount: Number(total.n), revision };
}

export interface TokenCreate {
  token: NewToken;
  audit?: AuditEntry;
}

/**
 * Stores, in the caller's transaction, each token whose owner exists, with its
 * audit entry; true for those stored. Where the dialect has row locks it takes a
 * share lock on the owners' rows, so a concurrent deletion of one waits for this
 * commit (without, transactions never overlap).
 */
export async function insertOwnedTokens(trx: Db, creates: readonly TokenCreate[], dialect: SqlDialect): Promise<boolean[]> {
  const existing = async (table: 'applications' | 'users', ids: string[]) => {
    if (ids.length === 0) return new Set<string>();
    const query = trx.selectFrom(table).select('id').where('id', 'in', ids);
    return new Set((await (dialect.rowLocks ? query.forShare() : query).execute()).map((r) => r.id));
  };
  const ownersOf = (application: boolean) => [
    ...new Set(creates.filter((c) => (c.token.ownerType === 'application') === application).map((c) => c.token.ownerId)),
  ];
  const applications = await existing('applications', ownersOf(true));
  const users = await existing('users', ownersOf(false));
  const stored = creates.map((c) => (c.token.ownerType === 'application' ? applications : users).has(c.token.ownerId));
  const kept = creates.filter((_, i) => stored[i]);
  await insertTokens(
    trx,
    kept.map((c) => c.token),
    kept.flatMap((c) => (c.audit ? [c.audit] : [])),
  );
  return stored;
}

export async function listTokens(db: Db, ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenPage> {
  const { rows, totalCount } = await tokenPage(db, ownerType, ownerId, query, tokenColumns);
  return { items: rows.map(tokenFromRow), totalCount };
}

/**
 * The page as refs, through the query builder: what adapters answer filtered pages
 * with. Its revision is null when the page is empty (nothing read with the page
 * then tells whether a write came between it and the count) or the database may
 * show writes not yet committed (`uncommitted`: SQLite inside a transaction).
 */
export async function listTokenRefs(
  db: Db,
  ownerType: OwnerType,
  ownerId: string,
  query: TokenListQuery,
  uncommitted = false,
): Promise<TokenRefPage> {
  const { rows, totalCount, revision } = await tokenPage(db, ownerType, ownerId, query, ['id', 'version'] as const);
  return { items: rows.map((r) => ({ id: r.id, version: Number(r.version) })), totalCount, revision: uncommitted ? null : revision };
}

export async function updateToken(
  db: Db,
  dialect: SqlDialect,
  ownerType: OwnerType,
  ownerId: string,
  id: string,
  patch: TokenPatch,
  updatedAt: number,
  audit?: AuditEntry,
): Promise<TokenRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('api_tokens')
      .select('status')
      .where('id', '=', id)
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    if (!before) return undefined;
    const row = await changeToken(trx, dialect, id, { ownerType, ownerId }, tokenPatchChange(patch, updatedAt));
    if (!row) return undefined;
    await moveCount(trx, { ownerType, ownerId }, before.status, row.status);
    const record = tokenFromRow(row);
    // As the change left it: what the token event (webhooks) says.
    await appendAudit(trx, audit, record);
    return record;
  });
}

/** A token's status changed: one fewer in the old status's count, one more in the new one's. */
async function moveCount(trx: Db, owner: TokenOwner, before: TokenStatus, after: TokenStatus): Promise<void> {
  if (after === before) return;
  // In key order ('active' < 'inactive'), as insertTokens does.
  const changes = [
    [before, -1],
    [after, 1],
  ] as const;
  for (const [status, delta] of before < after ? changes : [changes[1], changes[0]]) {
    await bump(trx, owner.ownerType, owner.ownerId, status, delta);
  }
}

/** Store.rotateToken: one UPDATE (see tokenRotationChange) and its audit entry. */
export async function rotateToken(
  db: Db,
  dialect: SqlDialect,
  owner: TokenOwner,
  id: string,
  rotation: TokenRotation,
  audit?: AuditEntry,
): Promise<TokenRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await changeToken(trx, dialect, id, owner, tokenRotationChange(rotation));
    if (!row) return undefined;
    const record = tokenFromRow(row);
    await appendAudit(trx, audit, record);
    return record;
  });
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array) => a !== null && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/**
 * Store.revokeToken: which secret the hash is, read in the write's transaction (a
 * rotation may have moved it since the caller looked), then the matching change,
 * each conditional on the hash still being where it was read.
 */
export async function revokeToken(
  db: Db,
  dialect: SqlDialect,
  owner: TokenOwner,
  id: string,
  hash: Uint8Array,
  at: number,
  audit?: AuditEntry,
): Promise<TokenRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('api_tokens')
      .select(['status', 'token_hash', 'previous_token_hash', 'previous_expires_at'])
      .where('id', '=', id)
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId)
      .executeTakeFirst();
    if (!before) return undefined;
    let secret: TokenSecret;
    if (sameBytes(before.token_hash, hash) && before.status === 'active') secret = 'current';
    else if (sameBytes(before.previous_token_hash, hash) && Number(before.previous_expires_at) > at) secret = 'previous';
    else return undefined;
    const column = secret === 'current' ? 'token_hash' : 'previous_token_hash';
    const change = secret === 'current' ? tokenRevocationChange(at) : previousSecretRevocationChange(at);
    const row = await changeToken(trx, dialect, id, owner, change, (update) => update.where(column, '=', hash));
    if (!row) return undefined;
    await moveCount(trx, owner, before.status, row.status);
    const record = tokenFromRow(row);
    await appendAudit(trx, audit, record);
    return record;
  });
}

/** A spend's answer with the token's owner, whose use the store announces. */
export type CreditSpentBy = CreditSpent & TokenOwner;

/** What each SQL adapter adds to its hot reads: Store.spendCredits its fastest way. */
export interface CreditSpends {
  spendCredits(spend: CreditSpend): Promise<CreditSpentBy | undefined>;
}

/** The values the spend statements take, by name. */
export interface SpendValues {
  id: string;
  cost: number;
  /** refillSince, or a time before every balance (no refill due). */
  since: number;
  /** The least balance that pays: the cost, and 1 for a check (cost 0) of an empty balance. */
  least: number;
}

export function spendValues(spend: CreditSpend): SpendValues {
  return { id: spend.id, cost: spend.cost, since: spend.refillSince ?? Number.MIN_SAFE_INTEGER, least: Math.max(spend.cost, 1) };
}

/** The same values in the order of PostgreSQL's $n (see postgresSpendSql). */
export const spendValueOrder = ['id', 'since', 'cost', 'least'] as const satisfies ReadonlyArray<keyof SpendValues>;

/**
 * The balance a due refill makes, computed in the statement itself so a concurrent
 * refill or patch is seen: a refill is due when the balance was set before the
 * latest refill time.
 */
function dueSql(value: (name: keyof SpendValues) => string): string {
  return `(credits_refill_amount is not null and credits_refilled_at < ${value('since')})`;
}

function balanceSql(value: (name: keyof SpendValues) => string): string {
  return `(case when ${dueSql(value)} then credits_refill_amount else credits_remaining end)`;
}

/**
 * The one conditional UPDATE of a spend (Store.spendCredits), for the adapters'
 * prepared statements (raw, so it is parsed once and skips the query builder): it
 * applies a due refill, spends only what the balance holds, and moves the token's
 * version as changeToken does (the owner's revision moves beside it: in the same
 * statement where the dialect has writable CTEs, else in the caller's transaction).
 * SET expressions read the row as it was, so the refill test is the same in both.
 */
function spendUpdateSql(value: (name: keyof SpendValues) => string): string {
  const [balance, due] = [balanceSql(value), dueSql(value)];
  return `update api_tokens
    set credits_remaining = ${balance} - ${value('cost')},
        credits_refilled_at = case when ${due} then ${value('since')} else credits_refilled_at end,
        version = version + 1
    where id = ${value('id')} and credits_remaining is not null and ${balance} >= ${value('least')}
    returning id, owner_type, owner_id, credits_remaining, credits_refill_amount, credits_initial,
      ${anyThresholdCrossed({ remaining: 'credits_remaining', base: creditsBase, cost: value('cost') })} as crossed`;
}

/** Where a spend's crossings take their values from: SQL expressions. */
interface CrossingValues {
  id: string;
  remaining: string;
  base: string;
  cost: string;
  at: string;
}

/** What token.credits_low's thresholds are shares of: the refill amount, else the balance last given. */
const creditsBase = 'coalesce(credits_refill_amount, credits_initial)';

/** Whether a spend of `cost` that left `remaining` of `base` crossed `threshold` (percent): the balance before was remaining + cost. */
function crossedSql(v: Pick<CrossingValues, 'remaining' | 'base' | 'cost'>, threshold: string): string {
  const level = `${v.base} * ${threshold} / 100.0`;
  return `(${v.base} > 0 and ${v.remaining} + ${v.cost} > ${level} and ${v.remaining} <= ${level})`;
}

/** Whether it crossed any (webhooks/token-events.ts creditThresholds): SQLite records crossings only then. */
function anyThresholdCrossed(v: Pick<CrossingValues, 'remaining' | 'base' | 'cost'>): string {
  return `(${creditThresholds.map((t) => crossedSql(v, String(t))).join(' or ')})`;
}

/**
 * Records the token.credits_low thresholds a spend crossed, in the spend's statement
 * (PostgreSQL) or transaction (SQLite), so the event is as durable as the spend.
 */
function crossingsInsertSql(from: string, v: CrossingValues): string {
  const thresholds = creditThresholds.map((t) => `select ${t} as threshold`).join(' union all ');
  return `insert into credit_crossings (token_id, threshold, remaining, base, at)
    select ${v.id}, t.threshold, ${v.remaining}, ${v.base}, ${v.at}
    from ${from} cross join (${thresholds}) t
    where ${crossedSql(v, 't.threshold')}`;
}

/** A token's balance as a spend would see it (a refused spend's answer). */
function balanceReadSql(value: (name: keyof SpendValues) => string): string {
  return `select owner_type, owner_id, ${balanceSql(value)} as credits_remaining
    from api_tokens where id = ${value('id')} and credits_remaining is not null`;
}

/** SQLite's statements (named values), run in one synchronous transaction by its adapter. */
export const sqliteSpendSql = {
  spend: spendUpdateSql((name) => `@${name}`),
  balance: balanceReadSql((name) => `@${name}`),
  crossings: crossingsInsertSql('(select 1)', { id: '@id', remaining: '@remaining', base: '@base', cost: '@cost', at: '@at' }),
};

/** The values of SQLite's crossings statement, after a spend's row. */
export function crossingValues(row: SpendRow, spend: CreditSpend) {
  const base = row.credits_refill_amount ?? row.credits_initial;
  return {
    id: spend.id,
    remaining: Number(row.credits_remaining),
    base: base === null ? null : Number(base),
    cost: spend.cost,
    at: spend.at,
  };
}

const positional = (name: keyof SpendValues) => `$${spendValueOrder.indexOf(name) + 1}`;

/**
 * PostgreSQL's one statement: the UPDATE, the owner's revision moved by a writable
 * CTE, and, refused, the balance from the statement's snapshot (which a concurrent
 * spend may have changed since: then `balance` reads it again).
 */
export const postgresSpendSql = {
  spend: `with spent as (${spendUpdateSql(positional)}),
  crossed as (
    ${crossingsInsertSql('spent', {
      id: 'spent.id',
      remaining: 'spent.credits_remaining',
      base: 'coalesce(spent.credits_refill_amount, spent.credits_initial)',
      cost: positional('cost'),
      at: `$${spendValueOrder.length + 1}::bigint`,
    })}
    returning 1
  ),
  bumped as (
    insert into token_set_versions (owner_type, owner_id, version)
    select owner_type, owner_id, 1 from spent
    on conflict (owner_type, owner_id) do update set version = token_set_versions.version + 1
  )
  select true as spent, owner_type, owner_id, credits_remaining, exists (select 1 from crossed) as crossed from spent
  union all
  select false, owner_type, owner_id, credits_remaining, false from (${balanceReadSql(positional)}) refused
  where not exists (select 1 from spent)`,
  balance: balanceReadSql(positional),
};

/** A spend statement's row. */
export interface SpendRow {
  spent?: boolean;
  /** Whether the spend crossed a token.credits_low threshold (SQLite: 0 or 1). */
  crossed?: boolean | number;
  owner_type: OwnerType;
  owner_id: string;
  credits_remaining: number | string;
  credits_refill_amount?: number | string | null;
  credits_initial?: number | string | null;
}

export function spentFromRow(row: SpendRow, spent: boolean, crossed = Boolean(row.crossed)): CreditSpentBy {
  return { spent, crossed, remaining: Number(row.credits_remaining), ownerType: row.owner_type, ownerId: row.owner_id };
}

/** Records a use of one of its secrets; the token's owner, or undefined when there is no such token. */
export async function touchToken(
  db: Db,
  dialect: SqlDialect,
  id: string,
  lastUsedAt: number,
  secret: TokenSecret = 'current',
): Promise<TokenOwner | undefined> {
  const change: TokenChange = secret === 'current' ? { last_used_at: lastUsedAt } : { previous_last_used_at: lastUsedAt };
  const touch = async (trx: Db) => {
    const row = await changeToken(trx, dialect, id, undefined, change);
    return row && { ownerType: row.owner_type, ownerId: row.owner_id };
  };
  return dialect.writableCte ? touch(db) : db.transaction().execute(touch);
}

export async function deleteToken(db: Db, ownerType: OwnerType, ownerId: string, id: string, audit?: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('api_tokens')
      .where('id', '=', id)
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .returning(tokenColumns)
      .executeTakeFirst();
    if (row) {
      await bumpRevisions(trx, [{ ownerType, ownerId }]);
      await bump(trx, ownerType, ownerId, row.status, -1);
      // The token as it was: its event names what was deleted.
      await appendAudit(trx, audit, tokenFromRow(row));
    }
    return row !== undefined;
  });
}

/** Deletes every token of an owner, with its counts (inside the caller's transaction); how many went. */
export async function deleteOwnerTokens(db: Db, ownerType: OwnerType, ownerId: string): Promise<number> {
  const result = await db.deleteFrom('api_tokens').where('owner_id', '=', ownerId).where('owner_type', '=', ownerType).executeTakeFirst();
  await bumpRevisions(db, [{ ownerType, ownerId }]);
  await db.deleteFrom('token_counts').where('owner_id', '=', ownerId).where('owner_type', '=', ownerType).execute();
  return Number(result.numDeletedRows);
}

/**
 * Deactivates every active token of an owner, inside the caller's transaction, each
 * through changeToken; the ids deactivated. Where the dialect has row locks the
 * tokens' rows are locked first, in id order, before any revision or count row: a
 * concurrent change of one of them then waits for this transaction, or this one for
 * it, never each for the other.
 */
export async function deactivateOwnerTokens(db: Db, dialect: SqlDialect, owner: TokenOwner, at: number): Promise<string[]> {
  const active = db
    .selectFrom('api_tokens')
    .select('id')
    .where('owner_id', '=', owner.ownerId)
    .where('owner_type', '=', owner.ownerType)
    .where('status', '=', 'active')
    .orderBy('id');
  const rows = await (dialect.rowLocks ? active.forUpdate() : active).execute();
  const change = tokenPatchChange({ status: 'inactive' }, at);
  const deactivated: string[] = [];
  for (const { id } of rows) {
    const row = await changeToken(db, dialect, id, owner, change, (update) => update.where('status', '=', 'active'));
    if (row) deactivated.push(id);
  }
  if (deactivated.length > 0) {
    // In key order ('active' < 'inactive'), as insertTokens does.
    await bump(db, owner.ownerType, owner.ownerId, 'active', -deactivated.length);
    await bump(db, owner.ownerType, owner.ownerId, 'inactive', deactivated.length);
  }
  return deactivated;
}
