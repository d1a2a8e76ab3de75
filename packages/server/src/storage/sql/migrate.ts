import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Database } from './tables.js';

/** Applies pending migrations; Kysely's migrator takes a lock so nodes do not race. */
export async function runMigrations(db: Kysely<Database>, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'latchkey_migrations',
    migrationLockTableName: 'latchkey_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
