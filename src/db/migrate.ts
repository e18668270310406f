import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import type { Engine } from '../ports/store.port.js';
import { migrations } from './migrations/index.js';

/** Brings the schema up to date; throws with the failing migration's name and cause. */
export async function migrateToLatest<DB>(db: Kysely<DB>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(engine) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
