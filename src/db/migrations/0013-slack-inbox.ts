import type { Kysely, Migration } from 'kysely';

/**
 * Slack's requests as received (events and slash commands), written before Slack gets its answer
 * and removed once handled: what was acknowledged survives a crash or a database outage in the
 * handling, and the answer costs one grouped commit instead of the handling's own.
 */
export function slackInboxMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('slack_inbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('retry_num', 'integer')
        .addColumn('retry_reason', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // Who is handling it and until when: past that, any instance takes it over.
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('slack_inbox_claimed_until').on('slack_inbox').column('claimed_until').execute();
    },
  };
}
