import type { Kysely, Migration } from 'kysely';

/**
 * The people let in to an incident besides its reporter and role holders: added by someone, or
 * members of its Slack channel. One row per person and way, so leaving the channel does not undo
 * being added. Needs only 0001's `incidents` and `users`.
 */
export function incidentPeopleMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('incident_people')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('how', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('added_at', 'text', (c) => c.notNull())
        // Also the index for "is this viewer one of its people?" (the list's visibility filter).
        .addPrimaryKeyConstraint('incident_people_pk', ['incident_id', 'user_id', 'how'])
        .execute();
    },
  };
}
