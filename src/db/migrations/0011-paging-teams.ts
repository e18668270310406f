import type { Kysely, Migration } from 'kysely';

/**
 * The specialist teams managed on the site's admin page (those from PAGERDUTY_TEAMS are not
 * stored). `name_key` is the lowercased name: names are unique whatever their case. `routing_key`
 * is a PagerDuty integration key, a secret the site never shows in full.
 */
export function pagingTeamsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('paging_teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('routing_key', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
