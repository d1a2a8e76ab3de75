// PostgreSQL adapter: several stateless latchkey nodes on one database. Writes
// that make cached tokens stale are announced with NOTIFY; every node LISTENs and
// drops them from its cache. A listener that loses its connection clears the whole
// cache when it is back, since it may have missed notifications.
import { Kysely, PostgresDialect, type Selectable } from 'kysely';
import pg from 'pg';
import type {
  ApplicationRecord,
  AuditEntry,
  InvalidationEvent,
  NewToken,
  OwnerType,
  TokenListQuery,
  TokenRecord,
  TokenRef,
  TokenRefPage,
} from '../port.js';
import { runMigrations } from '../sql/migrate.js';
import { migrationsFor } from '../sql/migrations.js';
import { applicationFromRow, tokenColumns, tokenFromRow, type TokenRow } from '../sql/rows.js';
import { SqlStore } from '../sql/sql-store.js';
import type { ApplicationsTable, Database } from '../sql/tables.js';
import { GroupCommit } from '../sql/group-commit.js';
import { orderBySql, sortColumns, type TokenCreate } from '../sql/tokens.js';

const columns = tokenColumns.join(', ');

const channel = 'latchkey_invalidate';
// int8 (bigint) columns hold epoch milliseconds: well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  url: string;
  /** Tables live in this schema (created if missing); default: the connection's search_path. */
  schema?: string;
  poolSize?: number;
}

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);

function connectionConfig(options: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    // Fail fast rather than hang when the database is away.
    connectionTimeoutMillis: 2_000,
    query_timeout: 10_000,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
}

class PostgresStore extends SqlStore {
  readonly kind = 'postgres' as const;
  private readonly listeners: Array<(event: InvalidationEvent) => void> = [];
  private listener: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  /** Single creates (the API's) are group-committed: one transaction, and one fsync, per batch. */
  private readonly creates = new GroupCommit<TokenCreate, boolean>({
    many: (items) => this.createOwnedTokens(items),
    one: async (item) => (await this.createOwnedTokens([item]))[0]!,
  });

  constructor(
    db: Kysely<Database>,
    private readonly pool: pg.Pool,
    private readonly options: PostgresOptions,
  ) {
    super(db);
  }

  override createToken(token: NewToken, audit?: AuditEntry): Promise<boolean> {
    return this.creates.add(audit ? { token, audit } : { token });
  }

  // The hot paths skip the query builder: named prepared statements, parsed and
  // planned once per connection.

  override async findTokenByHash(hash: Uint8Array): Promise<TokenRecord | undefined> {
    const row = await this.one<TokenRow>('latchkey_token_by_hash', `select ${columns} from api_tokens where token_hash = $1`, [hash]);
    return row && tokenFromRow(row);
  }

  override async getToken(ownerType: OwnerType, ownerId: string, id: string): Promise<TokenRecord | undefined> {
    const row = await this.one<TokenRow>(
      'latchkey_token_by_id',
      `select ${columns} from api_tokens where id = $1 and owner_type = $2 and owner_id = $3`,
      [id, ownerType, ownerId],
    );
    return row && tokenFromRow(row);
  }

  override async getTokens(ownerType: OwnerType, ownerId: string, ids: readonly string[]): Promise<TokenRecord[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<TokenRow>({
      name: 'latchkey_tokens_by_ids',
      text: `select ${columns} from api_tokens where owner_type = $1 and owner_id = $2 and id = any($3)`,
      values: [ownerType, ownerId, ids],
    });
    return result.rows.map(tokenFromRow);
  }

  override async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    const row = await this.one<Selectable<ApplicationsTable>>('latchkey_application_by_id', 'select * from applications where id = $1', [
      id,
    ]);
    return row && applicationFromRow(row);
  }

  /** Unfiltered pages (the common case) and their count in one round trip; filtered ones take the shared query. */
  override async listTokenRefs(ownerType: OwnerType, ownerId: string, query: TokenListQuery): Promise<TokenRefPage> {
    if (query.filter) return super.listTokenRefs(ownerType, ownerId, query);
    const { sortField, sortDirection: dir } = query;
    const result = await this.pool.query<{ total: number; id: string | null; version: number | null }>({
      name: `latchkey_token_page_${sortField}_${dir}`,
      // The count row always comes back; the page's rows join it, in page order.
      text: `select c.n as total, t.id, t.version
        from (select coalesce(sum(n), 0) as n from token_counts where owner_type = $2 and owner_id = $1) c
        left join lateral (
          select id, version, ${sortColumns[sortField]} as k from api_tokens where owner_id = $1 and owner_type = $2
          order by ${orderBySql(sortField, dir)} limit $3 offset $4
        ) t on true
        order by t.k ${dir}, t.id ${dir}`,
      values: [ownerId, ownerType, query.perPage, query.page * query.perPage],
    });
    const items: TokenRef[] = [];
    for (const row of result.rows) if (row.id !== null) items.push({ id: row.id, version: Number(row.version) });
    return { items, totalCount: Number(result.rows[0]?.total ?? 0) };
  }

  private async one<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R | undefined> {
    return (await this.pool.query<R>({ name, text, values })).rows[0];
  }

  override isUnavailable(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    const code = (error as { code?: string }).code;
    if (code !== undefined && (unavailableCodes.has(code) || code.startsWith('08'))) return true;
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i.test(
      error.message,
    );
  }

  override subscribe(listener: (event: InvalidationEvent) => void): void {
    this.listeners.push(listener);
  }

  protected override async publish(event: InvalidationEvent): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [channel, JSON.stringify(event)]);
  }

  /** Starts LISTENing; resolves once the first connection listens. */
  async listen(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.options));
    const retry = () => {
      if (this.closed || this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => {});
      this.reconnectTimer = setTimeout(() => {
        this.listen().then(
          () => this.emit({ kind: 'all' }),
          () => retry(),
        );
      }, 250);
      this.reconnectTimer.unref();
    };
    this.listener = client;
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      try {
        this.emit(JSON.parse(message.payload) as InvalidationEvent);
      } catch {
        this.emit({ kind: 'all' });
      }
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => {});
      throw error;
    }
  }

  private emit(event: InvalidationEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
    await super.close(); // ends the pool
  }
}

export async function openPostgresStore(options: PostgresOptions): Promise<SqlStore> {
  const pool = new pg.Pool({ ...connectionConfig(options), max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the pool
  // replaces it on the next query.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Kysely's migrator creates the schema (tolerating a concurrent creator) and
    // applies migrations under an advisory lock.
    await runMigrations(db, migrationsFor('postgres'), options.schema);
    const store = new PostgresStore(db, pool, options);
    await store.listen();
    return store;
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
}
