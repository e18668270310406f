import type { IncidentId, UserId } from '../domain/ids.js';
import type { Page, PageId, PageStatus } from '../domain/page.js';
import type { PageRepository } from '../ports/store.port.js';
import type { PagesTable } from '../db/schema.js';
import { date, dateOrNull, iso, type Db } from './rows.js';

function toPage(row: PagesTable): Page {
  return {
    id: row.id as PageId,
    incidentId: row.incident_id as IncidentId,
    target: row.target,
    message: row.message,
    dedupKey: row.dedup_key,
    requestedBy: row.requested_by as UserId,
    requestedAt: date(row.requested_at),
    status: row.status as PageStatus,
    onCall: row.on_call === null ? null : (JSON.parse(row.on_call) as string[]),
    sentAt: dateOrNull(row.sent_at),
    resolvedAt: dateOrNull(row.resolved_at),
  };
}

export function createPageRepository(db: Db): PageRepository {
  return {
    async insert(page) {
      await db
        .insertInto('pages')
        .values({
          id: page.id,
          incident_id: page.incidentId,
          target: page.target,
          message: page.message,
          dedup_key: page.dedupKey,
          requested_by: page.requestedBy,
          requested_at: iso(page.requestedAt),
          status: page.status,
          on_call: page.onCall === null ? null : JSON.stringify(page.onCall),
          sent_at: null,
          resolved_at: null,
        })
        .execute();
    },

    async findById(id) {
      const row = await db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toPage(row) : null;
    },

    async findByDedupKey(dedupKey) {
      const row = await db.selectFrom('pages').selectAll().where('dedup_key', '=', dedupKey).executeTakeFirst();
      return row ? toPage(row) : null;
    },

    async forIncident(incidentId) {
      const rows = await db.selectFrom('pages').selectAll().where('incident_id', '=', incidentId).orderBy('requested_at').orderBy('id').execute();
      return rows.map(toPage);
    },

    async markSent(id, at, onCall) {
      // Compare-and-set on the status: a job run twice records the page once.
      const result = await db
        .updateTable('pages')
        .set({ status: 'sent', sent_at: iso(at), on_call: onCall === null ? null : JSON.stringify(onCall) })
        .where('id', '=', id)
        .where('status', '=', 'requested')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markEnded(id, status, at) {
      const result = await db
        .updateTable('pages')
        .set({ status, resolved_at: iso(at) })
        .where('id', '=', id)
        .where('status', '=', status === 'cancelled' ? 'requested' : 'sent')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
