import { sql, type Insertable, type Selectable } from 'kysely';
import type { SlackInboxTable } from '../db/schema.js';
import type { InboxItem, InboxKind, NewInboxItem, SlackInboxStore } from '../ports/slack-inbox.port.js';
import type { Engine } from '../ports/store.port.js';
import { date, iso, type Db } from './rows.js';

/** Below every driver's limit on bound parameters (9 columns per row). */
const CHUNK = 500;

function toItem(row: Selectable<SlackInboxTable>): InboxItem {
  return {
    id: row.id,
    kind: row.kind as InboxKind,
    body: JSON.parse(row.body) as Record<string, unknown>,
    retryNum: row.retry_num,
    retryReason: row.retry_reason,
    receivedAt: date(row.received_at),
    attempts: row.attempts,
  };
}

function toRow(item: NewInboxItem): Insertable<SlackInboxTable> {
  return {
    id: item.id,
    kind: item.kind,
    body: JSON.stringify(item.body),
    retry_num: item.retryNum,
    retry_reason: item.retryReason,
    received_at: iso(item.receivedAt),
    attempts: 0,
    claimed_by: item.claimedBy,
    claimed_until: iso(item.claimedUntil),
  };
}

/** The Slack inbox on SQLite (one writer) or PostgreSQL (SKIP LOCKED when taking over). */
export function createSlackInboxStore(db: Db, engine: Engine): SlackInboxStore {
  return {
    async write({ added, handled }) {
      if (added.length === 0 && handled.length === 0) return;
      // Slack's answer waits for this write. One statement is atomic by itself and, on PostgreSQL,
      // one round trip instead of BEGIN, the statements and COMMIT. The usual write (what arrived,
      // plus what was handled meanwhile) is one statement on PostgreSQL (a WITH that deletes);
      // SQLite cannot delete in a WITH, so it takes a transaction for both.
      if (added.length <= CHUNK && handled.length <= CHUNK) {
        if (handled.length === 0) {
          await db.insertInto('slack_inbox').values(added.map(toRow)).execute();
          return;
        }
        if (added.length === 0) {
          await db.deleteFrom('slack_inbox').where('id', 'in', handled).execute();
          return;
        }
        if (engine === 'postgres') {
          await db
            .with('handled', (q) => q.deleteFrom('slack_inbox').where('id', 'in', handled).returning('id'))
            .insertInto('slack_inbox')
            .values(added.map(toRow))
            .execute();
          return;
        }
      }
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < added.length; i += CHUNK) {
          await trx.insertInto('slack_inbox').values(added.slice(i, i + CHUNK).map(toRow)).execute();
        }
        for (let i = 0; i < handled.length; i += CHUNK) {
          await trx.deleteFrom('slack_inbox').where('id', 'in', handled.slice(i, i + CHUNK)).execute();
        }
      });
    },

    async claimExpired(owner, now, until, limit) {
      const due = db
        .selectFrom('slack_inbox')
        .select('id')
        .where('claimed_until', '<=', iso(now))
        .orderBy('received_at')
        .limit(limit);
      const candidates = engine === 'postgres' ? due.forUpdate().skipLocked() : due;
      // The lease is checked again in the update: of two instances racing, one gets each item.
      const rows = await db
        .updateTable('slack_inbox')
        .set({ claimed_by: owner, claimed_until: iso(until), attempts: sql<number>`attempts + 1` })
        .where('id', 'in', candidates)
        .where('claimed_until', '<=', iso(now))
        .returningAll()
        .execute();
      return rows.map(toItem).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    },

    async extend(owner, ids, until) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        await db
          .updateTable('slack_inbox')
          .set({ claimed_until: iso(until) })
          .where('claimed_by', '=', owner)
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .execute();
      }
    },

    async postpone(owner, ids, until) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        await db
          .updateTable('slack_inbox')
          .set({ claimed_by: null, claimed_until: iso(until), attempts: 0 })
          .where('claimed_by', '=', owner)
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .execute();
      }
    },

    async release(owner, now) {
      await db.updateTable('slack_inbox').set({ claimed_by: null, claimed_until: iso(now) }).where('claimed_by', '=', owner).execute();
    },

    async count() {
      const row = await db.selectFrom('slack_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
