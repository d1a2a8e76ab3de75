// latchkey backup: a consistent copy of a SQLite database while a server may be
// writing to it, through SQLite's online backup API (better-sqlite3's backup()): the
// copy is the database as of one moment (a write by another connection restarts the
// copy of the pages it changed), never a torn file as copying the file while the
// server runs could be. PostgreSQL has pg_dump for this (README).
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface BackupResult {
  from: string;
  to: string;
  pages: number;
}

/** The path of a `sqlite:PATH` URL (or a bare path); an error that says what to use otherwise. */
function sqlitePath(databaseUrl: string): string {
  if (/^postgres(ql)?:/.test(databaseUrl)) {
    throw new Error('latchkey backup copies SQLite databases; for PostgreSQL use pg_dump (see the README, "Backups")');
  }
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl;
  if (path === '' || path === ':memory:') throw new Error('--database must name a SQLite file: sqlite:PATH');
  return path;
}

export async function backupSqlite(databaseUrl: string, to: string): Promise<BackupResult> {
  const from = sqlitePath(databaseUrl);
  if (!existsSync(from)) throw new Error(`no database at ${from}`);
  // Never over an earlier backup (or the database itself): a copy is made to a new file.
  if (existsSync(to)) throw new Error(`${to} exists: give --to a file that does not exist yet`);
  if (!existsSync(dirname(to))) throw new Error(`the directory of ${to} does not exist`);
  // Read-only: the backup never writes to the live database, and waits out a writer's lock.
  const source = new Database(from, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    const { totalPages } = await source.backup(to);
    return { from, to, pages: totalPages };
  } finally {
    source.close();
  }
}
