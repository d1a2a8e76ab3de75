import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Database } from './tables.js';

/**
 * Applies pending migrations. Kysely's migrator takes a lock (a PostgreSQL advisory
 * lock) so that nodes starting together do not race.
 */
export async function runMigrations(db: Kysely<Database>, migrations: Record<string, Migration>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'latchkey_migrations',
    migrationLockTableName: 'latchkey_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
