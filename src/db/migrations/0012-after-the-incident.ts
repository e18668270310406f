import type { Kysely, Migration } from 'kysely';

/**
 * What happens after close (issue 7), in one migration so its parts agree:
 * - `incidents.drill`: a drill or test incident, left out of the metrics;
 * - `incidents.channel_archived_at`: when the comms channel was archived (the record stays);
 * - `actions.follow_up` and `actions.due_on`: an RCA follow-up (an action agreed after the
 *   incident) and its due date, an ISO calendar date;
 * - `rcas`: one root cause analysis per incident, its session and its outcome; `rca_attendees`;
 * - `rca_publications`: where an RCA was published (Confluence page id, its version, its URL), so
 *   publishing again updates the same page;
 * - `users.anonymised_at`: when the retention policy anonymised this person.
 */
export function afterTheIncidentMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('incidents').addColumn('drill', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('incidents').addColumn('channel_archived_at', 'text').execute();
      await db.schema.alterTable('actions').addColumn('follow_up', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('actions').addColumn('due_on', 'text').execute();
      await db.schema.alterTable('users').addColumn('anonymised_at', 'text').execute();
      await db.schema
        .createTable('rcas')
        .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id'))
        .addColumn('held_on', 'text')
        .addColumn('root_cause', 'text')
        .addColumn('contributing_factors', 'text')
        .addColumn('went_well', 'text')
        .addColumn('went_badly', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rca_attendees')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addPrimaryKeyConstraint('rca_attendees_pk', ['incident_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('rca_publications')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('external_version', 'integer')
        .addColumn('url', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .addColumn('last_error', 'text')
        .addPrimaryKeyConstraint('rca_publications_pk', ['incident_id', 'target'])
        .execute();
      await db.schema.createIndex('actions_follow_up_idx').on('actions').columns(['follow_up', 'done']).execute();
      await db.schema.createIndex('incidents_started_idx').on('incidents').columns(['started_at']).execute();
    },
  };
}
