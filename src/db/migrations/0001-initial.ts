import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../../ports/store.port.js';
import { serialColumn } from './columns.js';

/** The first schema: incidents, people and roles, the revisioned timeline, actions, audit, tokens. */
export function initialMigration(engine: Engine): Migration {
  const serial = serialColumn(engine);

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
      await db.insertInto('counters' as never).values({ name: 'incident', value: 0 } as never).execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.unique())
        .addColumn('slack_user_id', 'text', (c) => c.unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      const epoch = '1970-01-01T00:00:00.000Z';
      await db
        .insertInto('users' as never)
        .values({ id: 'system', name: 'incident-response', created_at: epoch, updated_at: epoch } as never)
        .execute();

      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'integer', (c) => c.notNull().unique())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('close_reason', 'text')
        .addColumn('blocked_until', 'text')
        .addColumn('report_only', 'integer', (c) => c.notNull())
        .addColumn('occurred_at', 'text')
        .addColumn('private', 'integer', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('impact', 'text')
        .addColumn('severity', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('channel_id', 'text')
        .addColumn('channel_name', 'text')
        .addColumn('reporter_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incidents_status_number').on('incidents').columns(['status', 'number']).execute();
      await db.schema.createIndex('incidents_started_at').on('incidents').column('started_at').execute();
      await db.schema.createIndex('incidents_upper_reference').on('incidents').expression(sql`upper(reference)`).execute();

      await db.schema
        .createTable('role_assignments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('assigned_at', 'text', (c) => c.notNull())
        .addColumn('assigned_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('ended_at', 'text')
        .addColumn('ended_by', 'text', (c) => c.references('users.id'))
        .execute();
      await db.schema.createIndex('role_assignments_incident').on('role_assignments').column('incident_id').execute();

      await db.schema
        .createTable('timeline_entries')
        .addColumn('seq', 'integer', serial)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('removed', 'integer', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull().references('users.id'))
        .execute();
      await db.schema
        .createIndex('timeline_entries_incident_occurred')
        .on('timeline_entries')
        .columns(['incident_id', 'occurred_at', 'seq'])
        .execute();

      await db.schema
        .createTable('timeline_revisions')
        .addColumn('entry_id', 'text', (c) => c.notNull().references('timeline_entries.id'))
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('removed', 'integer', (c) => c.notNull())
        .addColumn('revised_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('revised_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('timeline_revisions_pk', ['entry_id', 'revision'])
        .execute();

      await db.schema
        .createTable('actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.references('users.id'))
        .addColumn('done', 'integer', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('actions_incident').on('actions').columns(['incident_id', 'created_at']).execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'integer', serial)
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_incident').on('audit_events').columns(['incident_id', 'seq']).execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
    },
  };
}
