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
  isUnavailable(error) {
    if (!(error instanceof Error)) return false;
    const code = (error as { code?: string }).code;
    if (code !== undefined && (unavailableCodes.has(code) || code.startsWith('08'))) return true;
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i.test(
      error.message,
    );
  },
};
