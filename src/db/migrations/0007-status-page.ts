import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../../ports/store.port.js';
import { serialColumn } from './columns.js';

/**
 * The built-in status page: what was published, and nothing else. A public incident per incident
 * (created by the first publication), its updates (`components` as JSON: the states that update
 * set), and each component's latest published state (absent: operational).
 */
export function statusPageMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('public_incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().unique().references('incidents.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('notify_subscribers', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .execute();
      await db.schema
        .createTable('public_incident_updates')
        .addColumn('seq', 'integer', serialColumn(engine))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('public_incident_id', 'text', (c) => c.notNull().references('public_incidents.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('by_id', 'text', (c) => c.notNull().references('users.id'))
        .execute();
      await db.schema
        .createIndex('public_incident_updates_incident')
        .on('public_incident_updates')
        .columns(['public_incident_id', 'seq'])
        .execute();
      await db.schema
        .createTable('status_components')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
