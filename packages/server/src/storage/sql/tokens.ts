// Token queries shared by the SQL adapters. Every write that changes how many
// tokens an owner has, per status, updates token_counts in the same transaction,
// so totalCount is exact without counting rows on every page.
import { sql, type Kysely } from 'kysely';
import type { AuditEntry, NewToken, OwnerType, TokenListQuery, TokenPage, TokenPatch, TokenRecord, TokenRefPage } from '../port.js';
import { appendAudit, auditRow } from './audit.js';
import { globToLike } from './glob.js';
import { tokenColumns, tokenFromRow, tokenRow } from './rows.js';
import type { Database } from './tables.js';

type Db = Kysely<Database>;
type Status = 'active' | 'inactive';

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

async function bump(db: Db, ownerType: OwnerType, ownerId: string, status: Status, delta: number): Promise<void> {
  await db
    .insertInto('token_counts')
    .values({ owner_type: ownerType, owner_id: ownerId, status, n: delta })
    .onConflict((oc) =>
      oc.columns(['owner_type', 'owner_id', 'status']).doUpdateSet((eb) => ({ n: eb('token_counts.n', '+', eb.ref('excluded.n')) })),
    )
    .execute();
}

/** Inserts tokens and their counts; in a transaction of its own unless `db` is one. */
export async function insertTokens(db: Db, tokens: readonly NewToken[], audits: readonly AuditEntry[] = []): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => insertTokens(trx, tokens, audits));
  if (audits.length > 0) await db.insertInto('audit_log').values(audits.map(auditRow)).execute();
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
export function countDeltas(tokens: readonly NewToken[]): Array<[OwnerType, string, Status, number]> {
  const counts = new Map<string, [OwnerType, string, Status, number]>();
  for (const token of tokens) {
    const key = `${token.ownerType}|${token.ownerId}|${token.status}`;
    const count = counts.get(key);
    if (count) count[3]++;
    else counts.set(key, [token.ownerType, token.ownerId, token.status, 1]);
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, count]) => count);
}

/**
 * One page of an owner's tokens, selecting `columns`, and its exact total. The
 * page and the count run concurrently.
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
  let ordered = base.select(columns);
  for (const column of orderColumns(query.sortField)) ordered = ordered.orderBy(sql.ref(column), query.sortDirection);
  const items = ordered
    .limit(query.perPage)
    .offset(query.page * query.perPage)
    .execute();
  // Without a name filter the count comes from token_counts (one or two rows);
  // a name glob counts its matches through the name index.
  const count =
    filter?.column === 'name_key'
      ? base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      : db
          .selectFrom('token_counts')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), sql<number>`0`).as('n'))
          .where('owner_type', '=', ownerType)
          .where('owner_id', '=', ownerId)
          .$if(filter !== undefined, (qb) => qb.where(sql<boolean>`status like ${filter!.pattern} escape '\\'`))
          .executeTakeFirstOrThrow();
  const [rows, total] = await Promise.all([items, count]);
  return { rows, totalCount: Number(total.n) };
}

export interface TokenCreate {
  token: NewToken;
  audit?: AuditEntry;
}

/**
 * Stores, in the caller's transaction, each token whose owner exists, with its
 * audit entry; true for those stored. `lock` (PostgreSQL) takes a share lock on the
 * owners' rows, so a concurrent deletion of one waits for this commit.
 */
export async function insertOwnedTokens(trx: Db, creates: readonly TokenCreate[], lock: boolean): Promise<boolean[]> {
  const existing = async (table: 'applications' | 'users', ids: string[]) => {
    if (ids.length === 0) return new Set<string>();
    const query = trx.selectFrom(table).select('id').where('id', 'in', ids);
    return new Set((await (lock ? query.forShare() : query).execute()).map((r) => r.id));
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

export async function listTokenRefs(db: Db, ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage> {
  const { rows, totalCount } = await tokenPage(db, ownerType, ownerId, query, ['id', 'version'] as const);
  return { items: rows.map((r) => ({ id: r.id, version: Number(r.version) })), totalCount };
}

export async function getTokens(db: Db, ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('api_tokens')
    .select(tokenColumns)
    .where('owner_id', '=', ownerId)
    .where('owner_type', '=', ownerType)
    .where('id', 'in', ids)
    .execute();
  return rows.map(tokenFromRow);
}

export async function updateToken(
  db: Db,
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
    const row = await trx
      .updateTable('api_tokens')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name, name_key: patch.name.toLowerCase() }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.status === undefined ? {} : { status: patch.status }),
        updated_at: updatedAt,
        version: sql<number>`version + 1`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.status !== before.status) {
      // In key order ('active' < 'inactive'), as insertTokens does.
      const changes = [
        [before.status, -1],
        [row.status, 1],
      ] as const;
      for (const [status, delta] of before.status < row.status ? changes : [changes[1], changes[0]]) {
        await bump(trx, ownerType, ownerId, status, delta);
      }
    }
    await appendAudit(trx, audit);
    return tokenFromRow(row);
  });
}

export async function deleteToken(db: Db, ownerType: OwnerType, ownerId: string, id: string, audit?: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('api_tokens')
      .where('id', '=', id)
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .returning('status')
      .executeTakeFirst();
    if (row) {
      await bump(trx, ownerType, ownerId, row.status, -1);
      await appendAudit(trx, audit);
    }
    return row !== undefined;
  });
}

/** Deletes every token of an owner, with its counts (inside the caller's transaction). */
export async function deleteOwnerTokens(db: Db, ownerType: OwnerType, ownerId: string): Promise<void> {
  await db.deleteFrom('api_tokens').where('owner_id', '=', ownerId).where('owner_type', '=', ownerType).execute();
  await db.deleteFrom('token_counts').where('owner_id', '=', ownerId).where('owner_type', '=', ownerType).execute();
}
