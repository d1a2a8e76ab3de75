// `latchkey migrate`: copies every table of one database into another (SQLite to
// PostgreSQL or back, the same code), from one consistent snapshot of the source
// while it may still be serving, into a target on the current schema, in one target
// transaction; then compares row counts and content digests table by table.
import type { Kysely, Transaction } from 'kysely';
import { adapterFor } from '../storage/open-store.js';
import type { SqlDatabase } from '../storage/sql/dialect.js';
import { copiedTables, migratorTables, type CopiedTable } from './copied-tables.js';
import { TableDigest } from './table-digest.js';

/** Any table's rows: the copy is generic over the schema. */
type Rows = Record<string, Record<string, unknown>>;
type AnyDb = Kysely<Rows>;

export interface MigratedTable {
  table: string;
  rows: number;
  targetRows: number;
  sourceDigest: string;
  targetDigest: string;
  ok: boolean;
}

/** The copy read back otherwise than the source was read: it was rolled back. */
export class MigrationMismatch extends Error {
  constructor(readonly summary: MigratedTable[]) {
    super(
      `the copy differs from the source in ${summary
        .filter((t) => !t.ok)
        .map((t) => t.table)
        .join(', ')}: it was rolled back, the target is as it was`,
    );
  }
}

export interface MigrateOptions {
  from: string;
  to: string;
  /** Empty a target that holds rows (in the copy's transaction) instead of refusing. */
  force?: boolean;
}

/** Rows read or written per statement: well below both databases' bound-parameter limits. */
const batchRows = (columns: number) => Math.max(1, Math.min(1000, Math.floor(10_000 / Math.max(1, columns))));
const readBatch = 1000;

async function checkTables(database: SqlDatabase, side: string): Promise<void> {
  const known = new Set<string>([...copiedTables.map((t) => t.name), ...migratorTables]);
  const names = await database.dialect.tableNames(database.db as unknown as Kysely<unknown>);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `the ${side} database has tables latchkey migrate does not copy (${unknown.join(', ')}): add them to src/migrate/copied-tables.ts, or use the latchkey version that made them`,
    );
  }
  const missing = copiedTables.filter((t) => !names.includes(t.name)).map((t) => t.name);
  if (missing.length > 0) throw new Error(`the ${side} database lacks tables ${missing.join(', ')} after its migrations`);
}

async function countRows(db: AnyDb | Transaction<Rows>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Reads a table in primary-key order, a batch at a time, inside the caller's snapshot. */
async function* readTable(db: AnyDb | Transaction<Rows>, table: CopiedTable): AsyncGenerator<Array<Record<string, unknown>>> {
  for (let offset = 0; ; offset += readBatch) {
    let query = db.selectFrom(table.name).selectAll();
    for (const column of table.key) query = query.orderBy(column as never);
    const rows = await query.limit(readBatch).offset(offset).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < readBatch) return;
  }
}

/** The source's snapshot: PostgreSQL's repeatable read; SQLite's one transaction on its one connection (WAL). */
function snapshot<T>(source: SqlDatabase, run: (trx: Transaction<Rows>) => Promise<T>): Promise<T> {
  const db = source.db as unknown as AnyDb;
  const builder = source.dialect.rowLocks
    ? db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')
    : db.transaction();
  return builder.execute(run);
}

export async function migrateDatabase(options: MigrateOptions): Promise<MigratedTable[]> {
  if (options.from === options.to) throw new Error('--from and --to are the same database');
  const source = await adapterFor(options.from).openDatabase(options.from);
  try {
    const target = await adapterFor(options.to).openDatabase(options.to);
    try {
      await checkTables(source, 'source');
      await checkTables(target, 'target');
      const targetDb = target.db as unknown as AnyDb;
      const filled: string[] = [];
      for (const table of copiedTables) if ((await countRows(targetDb, table.name)) > 0) filled.push(table.name);
      if (filled.length > 0 && !options.force) {
        throw new Error(`the target database is not empty (rows in ${filled.join(', ')}): pass --force to replace its contents`);
      }

      return await snapshot(source, (read) =>
        targetDb.transaction().execute(async (write) => {
          for (const table of copiedTables) await write.deleteFrom(table.name).execute();
          const digests = new Map<string, TableDigest>();
          for (const table of copiedTables) {
            const digest = new TableDigest();
            digests.set(table.name, digest);
            for await (const rows of readTable(read, table)) {
              for (const row of rows) digest.add(row);
              const size = batchRows(Object.keys(rows[0]!).length);
              for (let i = 0; i < rows.length; i += size)
                await write
                  .insertInto(table.name)
                  .values(rows.slice(i, i + size))
                  .execute();
            }
            if (table.serial) await target.dialect.resetSerial(write as unknown as Kysely<unknown>, table.name, table.serial);
          }
          // Read back before committing: a copy that differs rolls back, leaving the target as it was.
          const summary: MigratedTable[] = [];
          for (const table of copiedTables) {
            const copied = new TableDigest();
            for await (const rows of readTable(write, table)) for (const row of rows) copied.add(row);
            const sent = digests.get(table.name)!;
            summary.push({
              table: table.name,
              rows: sent.rows,
              targetRows: copied.rows,
              sourceDigest: sent.hex,
              targetDigest: copied.hex,
              ok: sent.rows === copied.rows && sent.hex === copied.hex,
            });
          }
          if (summary.some((t) => !t.ok)) throw new MigrationMismatch(summary);
          return summary;
        }),
      );
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
