// PostgreSQL's hot reads: named prepared statements, parsed and planned once per
// connection, skipping the query builder; single creates are group-committed; a
// credit spend is one prepared statement.
import type { Kysely, Selectable } from 'kysely';
import type pg from 'pg';
import type {
  ApplicationRecord,
  AuditEntry,
  CreditSpend,
  FoundToken,
  HotReads,
  NewToken,
  OwnerType,
  TokenListQuery,
  TokenRecord,
  TokenRef,
  TokenRefPage,
} from '../port.js';
import { GroupCommit } from '../sql/group-commit.js';
import { applicationFromRow } from '../sql/rows.js';
import type { ApplicationsTable, Database } from '../sql/tables.js';
import { foundTokenFromRow, tokenByHashSql, tokenColumns, tokenFromRow, type FoundTokenRow, type TokenRow } from '../sql/token-row.js';
import {
  insertOwnedTokens,
  listTokenRefs,
  orderBySql,
  postgresSpendSql,
  sortColumns,
  spendValueOrder,
  spendValues,
  spentFromRow,
  type CreditSpends,
  type CreditSpentBy,
  type SpendRow,
  type TokenCreate,
} from '../sql/tokens.js';
import { postgresDialect } from './dialect.js';

const columns = tokenColumns.join(', ');

export class PostgresHotReads implements HotReads, CreditSpends {
  /** Single creates (the API's) are group-committed: one transaction, and one fsync, per batch. */
  private readonly creates: GroupCommit<TokenCreate, boolean>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly pool: pg.Pool,
  ) {
    const write = (items: readonly TokenCreate[]) => db.transaction().execute((trx) => insertOwnedTokens(trx, items, postgresDialect));
    this.creates = new GroupCommit<TokenCreate, boolean>({ many: write, one: async (item) => (await write([item]))[0]! });
  }

  createToken(token: NewToken, audit?: AuditEntry): Promise<boolean> {
    return this.creates.add(audit ? { token, audit } : { token });
  }

  /**
   * One statement, so one round trip and an atomic spend: concurrent spends on any
   * node wait for each other's row lock, and each re-checks the balance it finds.
   * A refusal whose snapshot still showed enough lost to a concurrent write: the
   * balance is read again, so the answer shows what that write left.
   */
  async spendCredits(spend: CreditSpend): Promise<CreditSpentBy | undefined> {
    const values = spendValues(spend);
    const ordered = spendValueOrder.map((name) => values[name]);
    // The spend's time, for the crossings it records, is the last value ($5).
    const row = await this.one<SpendRow & { spent: boolean }>('latchkey_spend_credits', postgresSpendSql.spend, [...ordered, spend.at]);
    if (!row || row.spent || Number(row.credits_remaining) < values.least) return row && spentFromRow(row, row.spent);
    // The balance names the first two values only (id, since).
    const now = await this.one<SpendRow>('latchkey_credit_balance', postgresSpendSql.balance, ordered.slice(0, 2));
    return now && spentFromRow(now, false);
  }

  async findTokenByHash(hash: Uint8Array): Promise<FoundToken | undefined> {
    const row = await this.one<FoundTokenRow>('latchkey_token_by_hash', tokenByHashSql('$1'), [hash]);
    return row && foundTokenFromRow(row);
  }

  async getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined> {
    const row = await this.one<TokenRow>(
      'latchkey_token_by_id',
      `select ${columns} from api_tokens where id = $1 and owner_type = $2 and owner_id = $3`,
      [id, ownerType, ownerId],
    );
    return row && tokenFromRow(row);
  }

  async getTokens(ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<TokenRow>({
      name: 'latchkey_tokens_by_ids',
      text: `select ${columns} from api_tokens where owner_type = $1 and owner_id = $2 and id = any($3)`,
      values: [ownerType, ownerId, ids],
    });
    return result.rows.map(tokenFromRow);
  }

  async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    const row = await this.one<Selectable<ApplicationsTable>>('latchkey_application_by_id', 'select * from applications where id = $1', [
      id,
    ]);
    return row && applicationFromRow(row);
  }

  /**
   * Unfiltered pages (the common case), their count and the owner's revision in one
   * statement, so all three come from one snapshot; filtered ones take the shared query.
   */
  async listTokenRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage> {
    if (query.filter) return listTokenRefs(this.db, ownerType, ownerId, query);
    const { sortField, sortDirection: dir } = query;
    const result = await this.pool.query<{ total: number; revision: number | null; id: string | null; version: number | null }>({
      name: `latchkey_token_refs_${sortField}_${dir}`,
      // The count row always comes back; the page's rows join it, in page order.
      text: `select c.n as total, c.revision, t.id, t.version
        from (select coalesce(sum(n), 0) as n,
                (select version from token_set_versions where owner_type = $2 and owner_id = $1) as revision
              from token_counts where owner_type = $2 and owner_id = $1) c
        left join lateral (
          select id, version, ${sortColumns[sortField]} as k from api_tokens where owner_id = $1 and owner_type = $2
          order by ${orderBySql(sortField, dir)} limit $3 offset $4
        ) t on true
        order by t.k ${dir}, t.id ${dir}`,
      values: [ownerId, ownerType, query.perPage, query.page * query.perPage],
    });
    const items: TokenRef[] = [];
    for (const row of result.rows) if (row.id !== null) items.push({ id: row.id, version: Number(row.version) });
    const first = result.rows[0];
    return { items, totalCount: Number(first?.total ?? 0), revision: String(first?.revision ?? 0) };
  }

  private async one<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R | undefined> {
    return (await this.pool.query<R>({ name, text, values })).rows[0];
  }
}
