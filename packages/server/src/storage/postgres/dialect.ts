// PostgreSQL as the shared SQL code sees it (see SqlDialect).
import { sql } from 'kysely';
import type { SqlDialect } from '../sql/dialect.js';

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

export const postgresDialect: SqlDialect = {
  kind: 'postgres',
  binaryType: 'bytea',
  sortKeyType: sql`varchar(255) collate "C"`,
  serialType: 'bigserial',
  rowLocks: true,
  oneProcess: false,
  writableCte: true,
  async tableNames(db) {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    return rows.map((row) => row.name);
  },
  async resetSerial(db, table, column) {
    // setval(..., false) on an empty table: the next value is 1 again.
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}),
      coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
  },
  isUnavailable(error) {
    if (!(error instanceof Error)) return false;
    const code = (error as { code?: string }).code;
    if (code !== undefined && (unavailableCodes.has(code) || code.startsWith('08'))) return true;
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i.test(
      error.message,
    );
  },
};
