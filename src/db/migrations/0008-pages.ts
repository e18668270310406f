import type { Kysely, Migration } from 'kysely';

/**
 * The pages an incident sent (PagerDuty): one row per page, with its own de-duplication key, so
 * a second page is a new alert and closing the incident resolves each. `on_call` is a JSON array
 * of names, or null when the pager could not tell.
 */
export function pagesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
        .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('on_call', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('resolved_at', 'text')
        .execute();
      await db.schema.createIndex('pages_incident_idx').on('pages').columns(['incident_id', 'requested_at']).execute();
    },
  };
}
