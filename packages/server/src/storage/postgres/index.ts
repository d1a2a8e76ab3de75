// PostgreSQL adapter: several stateless latchkey nodes on one database. Writes
// that make cached tokens stale are announced with NOTIFY; every node LISTENs and
// drops them from its cache. A listener that loses its connection clears the whole
// cache when it is back, since it may have missed notifications.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { InvalidationEvent, TokenRecord } from '../port.js';
import { runMigrations } from '../sql/migrate.js';
import { migrationsFor } from '../sql/migrations.js';
import { tokenColumns, tokenFromRow, type TokenRow } from '../sql/rows.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Database } from '../sql/tables.js';

const channel = 'latchkey_invalidate';
// int8 (bigint) columns hold epoch milliseconds: well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  url: string;
  /** Tables live in this schema (created if missing); default: the connection's search_path. */
  schema?: string;
  poolSize?: number;
}

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

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

  constructor(db: Kysely<Database>, private readonly pool: pg.Pool, private readonly options: PostgresOptions) {
    super(db);
  }

  override async findTokenByHash(hash: Uint8Array): Promise<TokenRecord | undefined> {
    // A named prepared statement: parsed and planned once per connection.
    const result = await this.pool.query<TokenRow>({
      name: 'latchkey_token_by_hash',
      text: `select ${tokenColumns.join(', ')} from api_tokens where token_hash = $1`,
      values: [hash],
    });
    const row = result.rows[0];
    return row && tokenFromRow(row);
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
