// SQLite's hot reads: prepared statements, reused (every request authenticates,
// reaches an application, and most list tokens), their results kept while the
// database is unchanged (ReadCache); single creates, and credit spends, each
// group-committed as one synchronous transaction of prepared statements.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BoundedCache } from '@latchkey/contract';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type {
  ApplicationRecord,
  AuditEntry,
  ConnectionPoolState,
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
import { auditedTokenEvent } from '../../webhooks/token-events.js';
import { auditColumns, auditRow } from '../sql/audit.js';
import { deliveryRow, sqliteOutboxSql } from '../sql/webhook-outbox.js';
import { GroupCommit } from '../sql/group-commit.js';
import { applicationFromRow } from '../sql/rows.js';
import type { ApplicationsTable, Database } from '../sql/tables.js';
import {
  foundTokenFromRow,
  tokenByHashSql,
  tokenColumns,
  tokenFromRow,
  tokenInsertColumns,
  tokenRow,
  type FoundTokenRow,
  type TokenRow,
} from '../sql/token-row.js';
import {
  countDeltas,
  listTokenRefs,
  orderBySql,
  ownersOf,
  spendValues,
  spentFromRow,
  sqliteSpendSql,
  crossingValues,
  type CreditSpends,
  type CreditSpentBy,
  type SpendRow,
  type SpendValues,
  type TokenCreate,
  type TokenOwner,
} from '../sql/tokens.js';
import { ReadCache } from './support/read-cache.js';

type PageStatement = BetterSqlite3.Statement<[string, string, number, number], TokenRef>;

export class SqliteHotReads implements HotReads, CreditSpends {
  /** Group-committed writes waiting for a transaction open on the connection: SQLite's pool wait. */
  #waitingWrites = 0;
  private readonly byHash: BetterSqlite3.Statement<{ hash: Uint8Array }, FoundTokenRow>;
  private readonly byId: BetterSqlite3.Statement<[string, string, string], TokenRow>;
  private readonly applicationById: BetterSqlite3.Statement<[string], ApplicationsTable>;
  private readonly countAndRevision: BetterSqlite3.Statement<
    [string, string, string, string],
    { n: number | null; revision: number | null }
  >;
  private readonly byIds: BetterSqlite3.Statement<[string, string, string], TokenRow>;
  /** One page statement per sort field and direction (a dozen at most). */
  private readonly pages = new BoundedCache<string, PageStatement>({ max: 32 });
  private readonly reads: ReadCache;
  private readonly creates: GroupCommit<TokenCreate, boolean>;
  private readonly spends: GroupCommit<CreditSpend, CreditSpentBy | undefined>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw: BetterSqlite3.Database,
  ) {
    this.byHash = raw.prepare(tokenByHashSql('@hash'));
    this.byId = raw.prepare(`select ${tokenColumns.join(', ')} from api_tokens where id = ? and owner_type = ? and owner_id = ?`);
    this.applicationById = raw.prepare('select * from applications where id = ?');
    this.countAndRevision = raw.prepare(
      `select sum(n) as n, (select version from token_set_versions where owner_type = ? and owner_id = ?) as revision
       from token_counts where owner_type = ? and owner_id = ?`,
    );
    this.creates = this.tokenCreates();
    this.spends = this.creditSpends();
    this.reads = new ReadCache(raw);
    // Any number of ids in one prepared statement: they arrive as one JSON array.
    this.byIds = raw.prepare(
      `select ${tokenColumns.join(', ')} from api_tokens
       where owner_type = ? and owner_id = ? and id in (select value from json_each(?))`,
    );
  }

  async findTokenByHash(hash: Uint8Array): Promise<FoundToken | undefined> {
    const row = this.byHash.get({ hash });
    return row && foundTokenFromRow(row);
  }

  getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined> {
    return this.reads.get(`token ${ownerType} ${ownerId} ${id}`, () => {
      const row = this.byId.get(id, ownerType, ownerId);
      return row && tokenFromRow(row);
    });
  }

  async getTokens(ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]> {
    return ids.length === 0 ? [] : this.byIds.all(ownerType, ownerId, JSON.stringify(ids)).map(tokenFromRow);
  }

  async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    const row = this.applicationById.get(id);
    return row && applicationFromRow(row);
  }

  /** Pages are kept while the database is unchanged (ReadCache). */
  listTokenRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage> {
    const { sortField, sortDirection, page, perPage, filter } = query;
    const key = `refs ${ownerType} ${ownerId} ${sortField} ${sortDirection} ${page} ${perPage} ${filter ? `${filter.field} ${filter.glob}` : ''}`;
    return this.reads.get(
      key,
      () =>
        filter ? listTokenRefs(this.db, ownerType, ownerId, query, this.raw.inTransaction) : this.unfilteredRefs(ownerType, ownerId, query),
      (page) => 1 + page.items.length,
    );
  }

  /**
   * Unfiltered pages (the common case) from prepared statements, read together
   * (synchronously: nothing comes between them); filtered ones take the shared query.
   */
  private unfilteredRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): TokenRefPage {
    const key = `${query.sortField} ${query.sortDirection}`;
    let page = this.pages.get(key);
    if (!page) {
      page = this.raw.prepare(
        `select id, version from api_tokens where owner_id = ? and owner_type = ? order by ${orderBySql(query.sortField, query.sortDirection)} limit ? offset ?`,
      );
      this.pages.set(key, page);
    }
    const items = page.all(ownerId, ownerType, query.perPage, query.page * query.perPage);
    const count = this.countAndRevision.get(ownerType, ownerId, ownerType, ownerId);
    // Inside a transaction of this connection's, writes that may yet roll back show.
    const revision = this.raw.inTransaction ? null : String(count?.revision ?? 0);
    return { items, totalCount: Number(count?.n ?? 0), revision };
  }

  /** Single creates (the API's) are group-committed; see GroupCommit. */
  createToken(token: NewToken, audit?: AuditEntry): Promise<boolean> {
    return this.creates.add(audit ? { token, audit } : { token });
  }

  /**
   * Spends that arrive together share one transaction (one commit), applied in
   * arrival order: each sees the balance the ones before it left.
   */
  spendCredits(spend: CreditSpend): Promise<CreditSpentBy | undefined> {
    return this.spends.add(spend);
  }

  /**
   * The one connection as a pool: busy while a transaction is open on it, and the
   * group-committed writes (creates, credit spends) waiting for it to end.
   */
  connection(): ConnectionPoolState {
    return { total: 1, idle: this.raw.inTransaction ? 0 : 1, waiting: this.#waitingWrites };
  }

  /**
   * Items that arrive together written by one synchronous transaction (`commit`), once
   * no transaction of the query builder's is open on this connection: one may be open
   * across awaits, and a batch must not become part of it.
   */
  private groupCommitted<T, R>(commit: (batch: readonly T[]) => R[]): GroupCommit<T, R> {
    const idle = async () => {
      if (!this.raw.inTransaction) return;
      this.#waitingWrites++;
      try {
        while (this.raw.inTransaction) await nextTurn();
      } finally {
        this.#waitingWrites--;
      }
    };
    return new GroupCommit({
      many: async (items) => {
        await idle();
        return commit(items);
      },
      one: async (item) => {
        await idle();
        return commit([item])[0]!;
      },
    });
  }

  private creditSpends(): GroupCommit<CreditSpend, CreditSpentBy | undefined> {
    const raw = this.raw;
    const spend = raw.prepare<[SpendValues], SpendRow>(sqliteSpendSql.spend);
    const balance = raw.prepare<[SpendValues], SpendRow>(sqliteSpendSql.balance);
    const crossings = raw.prepare<[ReturnType<typeof crossingValues>]>(sqliteSpendSql.crossings);
    // The same revision move as changeToken's, once per owner per batch.
    const bumpRevision = raw.prepare<[string, string]>(
      `insert into token_set_versions (owner_type, owner_id, version) values (?, ?, 1)
       on conflict (owner_type, owner_id) do update set version = version + 1`,
    );
    const commit = raw.transaction((batch: readonly CreditSpend[]) => {
      const owners = new Map<string, TokenOwner>();
      const results = batch.map((item): CreditSpentBy | undefined => {
        const values = spendValues(item);
        const spent = spend.get(values);
        if (spent) {
          owners.set(`${spent.owner_type}|${spent.owner_id}`, { ownerType: spent.owner_type, ownerId: spent.owner_id });
          // The crossings' statement runs only for a spend that crossed a threshold.
          if (spent.crossed) crossings.run(crossingValues(spent, item));
          return spentFromRow(spent, true);
        }
        const refused = balance.get(values);
        return refused && spentFromRow(refused, false);
      });
      for (const { ownerType, ownerId } of owners.values()) bumpRevision.run(ownerType, ownerId);
      return results;
    });
    return this.groupCommitted(commit);
  }

  private tokenCreates(): GroupCommit<TokenCreate, boolean> {
    const raw = this.raw;
    const insert = (table: string, columns: readonly string[]) =>
      raw.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
    const tokenInsert = insert('api_tokens', tokenInsertColumns);
    const auditInsert = insert('audit_log', auditColumns);
    // The same writes as insertTokens (sql/tokens.ts), in the same order.
    const bumpRevision = raw.prepare<[string, string]>(
      `insert into token_set_versions (owner_type, owner_id, version) values (?, ?, 1)
       on conflict (owner_type, owner_id) do update set version = version + 1`,
    );
    const bump = raw.prepare<[string, string, string, number]>(
      `insert into token_counts (owner_type, owner_id, status, n) values (?, ?, ?, ?)
       on conflict (owner_type, owner_id, status) do update set n = n + excluded.n`,
    );
    const owners = {
      application: raw.prepare<[string]>('select 1 from applications where id = ?').pluck(),
      user: raw.prepare<[string]>('select 1 from users where id = ?').pluck(),
    };
    // The token event an entry records, to the webhooks' outbox (as sql/webhook-outbox.ts's enqueueEvents).
    const subscribers = raw.prepare<[string, string, string], string>(sqliteOutboxSql.subscribers).pluck();
    const deliveryInsert = raw.prepare(sqliteOutboxSql.insert);
    const enqueue = (audit: AuditEntry, token: NewToken) => {
      const event = auditedTokenEvent(audit, token);
      if (!event) return;
      for (const webhookId of subscribers.all(event.ownerId, event.ownerType, event.type))
        deliveryInsert.run(deliveryRow(event, webhookId));
    };
    const commit = raw.transaction((batch: readonly TokenCreate[]) => {
      // In the transaction: a token is never stored for an owner deleted meanwhile.
      const stored = batch.map(
        ({ token }) => owners[token.ownerType === 'application' ? 'application' : 'user'].get(token.ownerId) !== undefined,
      );
      const kept = batch.filter((_, i) => stored[i]).map((c) => c.token);
      for (const { token, audit } of batch.filter((_, i) => stored[i])) {
        tokenInsert.run(tokenRow(token));
        if (audit) {
          auditInsert.run(auditRow(audit));
          enqueue(audit, token);
        }
      }
      for (const owner of ownersOf(kept)) bumpRevision.run(owner.ownerType, owner.ownerId);
      for (const count of countDeltas(kept)) bump.run(...count);
      return stored;
    });
    return this.groupCommitted(commit);
  }
}
