// SQLite as the shared SQL code sees it (see SqlDialect).
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
  // An embedded file is never unreachable; but another process (a CLI command) may
  // hold its write lock past busy_timeout, or have written under a read that was about
  // to write: the same request succeeds when retried (503), where other errors are bugs
  // or a full disk.
  isUnavailable: (error) =>
    typeof (error as { code?: unknown } | null)?.code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test((error as { code: string }).code),
};
