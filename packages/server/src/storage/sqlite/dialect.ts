// SQLite as the shared SQL code sees it (see SqlDialect).
import { sql } from 'kysely';
import type { SqlDialect } from '../sql/dialect.js';

export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  binaryType: 'blob',
  // SQLite compares text with BINARY (byte order) unless told otherwise.
  sortKeyType: 'varchar(255)',
  serialType: 'integer',
  rowLocks: false,
  oneProcess: true,
  writableCte: false,
  async tableNames(db) {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
      db,
    );
    return rows.map((row) => row.name);
  },
  // An INTEGER PRIMARY KEY's next value is always past the largest in the table.
  resetSerial: async () => {},
  // An embedded file is never unreachable; but another process (a CLI command) may
  // hold its write lock past busy_timeout, or have written under a read that was about
  // to write: the same request succeeds when retried (503), where other errors are bugs
  // or a full disk.
  isUnavailable: (error) =>
    typeof (error as { code?: unknown } | null)?.code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test((error as { code: string }).code),
};
