// SQLite as the shared SQL code sees it (see SqlDialect).
import type { SqlDialect } from '../sql/dialect.js';

export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  binaryType: 'blob',
  // SQLite compares text with BINARY (byte order) unless told otherwise.
  sortKeyType: 'varchar(255)',
  serialType: 'integer',
  rowLocks: false,
  writableCte: false,
  // An embedded file is never unreachable: its errors are bugs or a full disk.
  isUnavailable: () => false,
};
