// What differs between the SQL databases, as fields of one object per adapter (the
// way Kysely's DialectAdapter describes a dialect): the shared code asks these, and
// never which database it runs on.
import type { ColumnDataType, Expression, Kysely } from 'kysely';
import type { Database } from './tables.js';

/** What Kysely's addColumn takes as a type. */
type DataTypeExpression = ColumnDataType | Expression<unknown>;

export interface SqlDialect {
  /** The adapter's name, for logs and tests. */
  readonly kind: string;
  /** Column type of a byte string (the token hash). */
  readonly binaryType: DataTypeExpression;
  /** Column type of a sort key compared byte by byte, so pages come out identically everywhere. */
  readonly sortKeyType: DataTypeExpression;
  /** Column type of an auto-incrementing integer primary key. */
  readonly serialType: DataTypeExpression;
  /**
   * Whether transactions take row locks (SELECT ... FOR SHARE / FOR UPDATE).
   * Without them (SQLite) transactions never run side by side: one writer at a
   * time, and this process runs one transaction at a time on its one connection.
   */
  readonly rowLocks: boolean;
  /**
   * Whether one server process alone uses the database (SQLite: several latchkey
   * servers on one file are not supported). Then a claim on a webhook delivery made
   * by another store instance was left by a process that died, and is void at once
   * instead of when its lease ends.
   */
  readonly oneProcess: boolean;
  /** Whether a WITH clause may hold an UPDATE or INSERT (one statement for several writes). */
  readonly writableCte: boolean;
  /** The tables of latchkey's schema, from the database's own catalogue (`latchkey migrate` copies each). */
  tableNames(db: Kysely<unknown>): Promise<string[]>;
  /**
   * After rows were inserted with explicit values of a serial column, makes the next
   * generated value follow the largest (PostgreSQL's sequences do not move by themselves).
   */
  resetSerial(db: Kysely<unknown>, table: string, column: string): Promise<void>;
  /** True for errors that mean the database is unreachable (answered as 503). */
  isUnavailable(error: unknown): boolean;
}

/** A database opened as its Kysely tables (for `latchkey migrate`), with its dialect. */
export interface SqlDatabase {
  db: Kysely<Database>;
  dialect: SqlDialect;
  close(): Promise<void>;
}
