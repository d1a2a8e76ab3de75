// SQLite adapter: the embedded default. One process owns the file (WAL mode lets
// readers run beside the writer, but several latchkey processes on one file is
// not supported: their in-process caches would not see each other's writes).
import { mkdirSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { ApplicationRecord, AuditEntry, NewToken, OwnerType, TokenListQuery, TokenRecord, TokenRef, TokenRefPage } from '../port.js';
import { auditRow } from '../sql/audit.js';
import { migrationsFor } from '../sql/migrations.js';
import { applicationFromRow, tokenColumns, tokenFromRow, tokenRow, type TokenRow } from '../sql/rows.js';
import { SqlStore } from '../sql/sql-store.js';
import type { ApplicationsTable, Database } from '../sql/tables.js';
import { countDeltas, orderBySql, type TokenCreate } from '../sql/tokens.js';
import { runMigrations } from '../sql/migrate.js';
import { GroupCommit } from '../sql/group-commit.js';
import { ReadCache } from './read-cache.js';
import { withStatementCache } from './statement-cache.js';

export type Durability = 'process' | 'power';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /**
   * 'process' (default): WAL + synchronous=NORMAL; a commit is in the OS before the
   * response, so a crash of the process loses nothing. 'power': synchronous=FULL,
   * which also survives power loss at the cost of an fsync per commit.
   */
  durability?: Durability;
}

// Column lists for the prepared inserts come from the same row mappers the query
// builder uses, applied to these.
const sampleToken: NewToken = {
  id: '',
  ownerType: 'application',
  ownerId: '',
  creatorType: 'user',
  creatorId: '',
  creatorName: '',
  name: '',
  description: '',
  scope: [],
  status: 'active',
  expiresAt: null,
  createdAt: 0,
  updatedAt: 0,
  hash: new Uint8Array(),
};
const sampleAudit: AuditEntry = {
  id: '',
  at: 0,
  actorType: 'anonymous',
  actorId: null,
  action: '',
  targetType: 'apiToken',
  targetId: null,
  applicationId: null,
  orgId: null,
  sourceAddress: null,
  outcome: 'success',
};

class SqliteStore extends SqlStore {
  readonly kind = 'sqlite' as const;
  // The hot paths (every request authenticates, reaches an application, and most
  // list tokens) skip the query builder: prepared statements, reused.
  private readonly byHash: BetterSqlite3.Statement<[Uint8Array], TokenRow>;
  private readonly byId: BetterSqlite3.Statement<[string, string, string], TokenRow>;
  private readonly applicationById: BetterSqlite3.Statement<[string], ApplicationsTable>;
  private readonly tokenCount: BetterSqlite3.Statement<[string, string], { n: number | null }>;
  private readonly byIds: BetterSqlite3.Statement<[string, string, string], TokenRow>;
  private readonly pages = new Map<string, BetterSqlite3.Statement<[string, string, number, number], TokenRef>>();
  private readonly reads: ReadCache;
  private readonly creates: GroupCommit<TokenCreate, boolean>;

  constructor(
    db: Kysely<Database>,
    private readonly raw: BetterSqlite3.Database,
  ) {
    super(db);
    this.byHash = raw.prepare(`select ${tokenColumns.join(', ')} from api_tokens where token_hash = ?`);
    this.byId = raw.prepare(`select ${tokenColumns.join(', ')} from api_tokens where id = ? and owner_type = ? and owner_id = ?`);
    this.applicationById = raw.prepare('select * from applications where id = ?');
    this.tokenCount = raw.prepare('select sum(n) as n from token_counts where owner_type = ? and owner_id = ?');
    this.creates = this.tokenCreates();
    this.reads = new ReadCache(raw);
    // Any number of ids in one prepared statement: they arrive as one JSON array.
    this.byIds = raw.prepare(
      `select ${tokenColumns.join(', ')} from api_tokens
       where owner_type = ? and owner_id = ? and id in (select value from json_each(?))`,
    );
  }

  override async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    const row = this.applicationById.get(id);
    return row && applicationFromRow(row);
  }

  /** Pages are kept while the database is unchanged (ReadCache). */
  override listTokenRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage> {
    const { sortField, sortDirection, page, perPage, filter } = query;
    const key = `refs ${ownerType} ${ownerId} ${sortField} ${sortDirection} ${page} ${perPage} ${filter ? `${filter.field} ${filter.glob}` : ''}`;
    return this.reads.get(
      key,
      () => (filter ? super.listTokenRefs(ownerType, ownerId, query) : this.unfilteredRefs(ownerType, ownerId, query)),
      (page) => 1 + page.items.length,
    );
  }

  /** Unfiltered pages (the common case) from prepared statements; filtered ones take the shared query. */
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
    const count = this.tokenCount.get(ownerType, ownerId);
    return { items, totalCount: Number(count?.n ?? 0) };
  }

  override async getTokens(ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]> {
    return ids.length === 0 ? [] : this.byIds.all(ownerType, ownerId, JSON.stringify(ids)).map(tokenFromRow);
  }

  /** Single creates (the API's) are group-committed; see GroupCommit. */
  override createToken(token: NewToken, audit?: AuditEntry): Promise<boolean> {
    return this.creates.add(audit ? { token, audit } : { token });
  }

  private tokenCreates(): GroupCommit<TokenCreate, boolean> {
    const raw = this.raw;
    const insert = (table: string, row: object) =>
      raw.prepare(
        `insert into ${table} (${Object.keys(row).join(', ')}) values (${Object.keys(row)
          .map((c) => `@${c}`)
          .join(', ')})`,
      );
    const tokenInsert = insert('api_tokens', tokenRow(sampleToken));
    const auditInsert = insert('audit_log', auditRow(sampleAudit));
    const bump = raw.prepare<[string, string, string, number]>(
      `insert into token_counts (owner_type, owner_id, status, n) values (?, ?, ?, ?)
       on conflict (owner_type, owner_id, status) do update set n = n + excluded.n`,
    );
    const owners = {
      application: raw.prepare<[string]>('select 1 from applications where id = ?').pluck(),
      user: raw.prepare<[string]>('select 1 from users where id = ?').pluck(),
    };
    const commit = raw.transaction((batch: readonly TokenCreate[]) => {
      // In the transaction: a token is never stored for an owner deleted meanwhile.
      const stored = batch.map(
        ({ token }) => owners[token.ownerType === 'application' ? 'application' : 'user'].get(token.ownerId) !== undefined,
      );
      const kept = batch.filter((_, i) => stored[i]);
      for (const { token, audit } of kept) {
        tokenInsert.run(tokenRow(token));
        if (audit) auditInsert.run(auditRow(audit));
      }
      for (const count of countDeltas(kept.map((c) => c.token))) bump.run(...count);
      return stored;
    });
    // A transaction of the query builder's may be open on this connection across
    // awaits; a batch must not become part of it. Its end is a few turns away.
    const idle = async () => {
      while (raw.inTransaction) await nextTurn();
    };
    return new GroupCommit({
      async many(items) {
        await idle();
        return commit(items);
      },
      async one(item) {
        await idle();
        return commit([item])[0]!;
      },
    });
  }

  override getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined> {
    return this.reads.get(`token ${ownerType} ${ownerId} ${id}`, () => {
      const row = this.byId.get(id, ownerType, ownerId);
      return row && tokenFromRow(row);
    });
  }

  override async findTokenByHash(hash: Uint8Array): Promise<TokenRecord | undefined> {
    const row = this.byHash.get(hash);
    return row && tokenFromRow(row);
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.raw.open) this.raw.close();
  }
}

export async function openSqliteStore(options: SqliteOptions): Promise<SqlStore> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.durability === 'power' ? 'FULL' : 'NORMAL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  await runMigrations(db, migrationsFor('sqlite'));
  return new SqliteStore(db, raw);
}
