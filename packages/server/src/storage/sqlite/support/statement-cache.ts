// Kysely's SQLite driver prepares every statement it runs; preparing costs more
// than running a small query. This wrapper hands it cached statements instead.
// Queries are built from a fixed set of shapes (values are bound parameters), so
// the cache stays small; the bound is a guard, not a tuning knob.
import { BoundedCache } from '@latchkey/contract';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export function withStatementCache(db: BetterSqlite3.Database, maxStatements = 500): SqliteDatabase {
  const statements = new BoundedCache<string, BetterSqlite3.Statement>({ max: maxStatements });
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  } as SqliteDatabase;
}
