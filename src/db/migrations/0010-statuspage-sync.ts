import type { Kysely, Migration } from 'kysely';

/**
 * Publishing to Atlassian Statuspage too: where each public incident lives there (its id and
 * short link, once created), which updates were sent, and when the last request to a rate-limited
 * vendor went out (shared by every instance, so they keep to the limit together).
 */
export function statusPageSyncMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('public_incidents').addColumn('statuspage_id', 'text').execute();
      await db.schema.alterTable('public_incidents').addColumn('statuspage_link', 'text').execute();
      await db.schema.alterTable('public_incident_updates').addColumn('statuspage_synced_at', 'text').execute();
      await db.schema
        .createTable('vendor_requests')
        .addColumn('vendor', 'text', (c) => c.primaryKey())
        .addColumn('last_request_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
