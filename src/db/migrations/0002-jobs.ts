import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../../ports/store.port.js';
import { serialColumn } from './columns.js';

/**
 * The durable job queue (side effects recorded with the change that causes them), request
 * idempotency keys (Slack retries, double submits), and the Slack messages we keep updating.
 */
export function jobsMigration(engine: Engine): Migration {
  const serial = serialColumn(engine);

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('seq', 'integer', serial)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('queue_key', 'text')
        .addColumn('dedupe_key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('jobs_status_run_at').on('jobs').columns(['status', 'run_at']).execute();
      await db.schema.createIndex('jobs_queue_key_seq').on('jobs').columns(['queue_key', 'seq']).execute();
      await db.schema.createIndex('jobs_dedupe_key').on('jobs').columns(['dedupe_key', 'status']).execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('slack_messages')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('slack_messages_pk', ['incident_id', 'kind'])
        .execute();

      await db.schema.createIndex('incidents_channel_id').on('incidents').column('channel_id').execute();

      // Where an entry came from outside (a pinned Slack message), to find it again on unpin.
      await db.schema.alterTable('timeline_entries').addColumn('source_ref', 'text').execute();
      await db.schema
        .createIndex('timeline_entries_source_ref')
        .on('timeline_entries')
        .columns(['incident_id', 'source_ref'])
        .execute();
    },
  };
}
