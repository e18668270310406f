import type { Kysely, Migration } from 'kysely';

/**
 * What an API token may see: an admin token sees every incident, private ones included; any
 * other sees what its user sees. Tokens issued before this default to the narrower scope.
 */
export function apiTokenScopeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('api_tokens')
        .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
