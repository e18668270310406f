import type { Kysely, Migration } from 'kysely';

/**
 * What has happened with each reminder on each incident: how often and when it was sent, a snooze,
 * an answer for good (`keep`, RCA booked), and the lead's schedule or the moment a condition
 * restarted (`every_ms`, `since`: team check-ins, the last stakeholder update).
 */
export function nudgesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('nudges')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_sent_at', 'text')
        .addColumn('snoozed_until', 'text')
        .addColumn('stopped_at', 'text')
        .addColumn('every_ms', 'bigint')
        .addColumn('since', 'text')
        .addPrimaryKeyConstraint('nudges_pk', ['incident_id', 'kind'])
        .execute();
    },
  };
}
