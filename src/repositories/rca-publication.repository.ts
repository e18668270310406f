import type { IncidentId } from '../domain/ids.js';
import type { RcaPublication, RcaPublicationStatus, RcaPublicationTarget } from '../domain/rca-publication.js';
import type { RcaPublicationRepository } from '../ports/store.port.js';
import type { RcaPublicationsTable } from '../db/schema.js';
import { date, dateOrNull, iso, loadUsers, userFrom, type Db } from './rows.js';

/** Where each RCA was published (`rca_publications`), so publishing again updates the same page. */
export function createRcaPublicationRepository(db: Db): RcaPublicationRepository {
  async function toPublication(row: RcaPublicationsTable): Promise<RcaPublication> {
    const users = await loadUsers(db, [row.requested_by]);
    return {
      incidentId: row.incident_id as IncidentId,
      target: row.target as RcaPublicationTarget,
      externalId: row.external_id,
      externalVersion: row.external_version,
      url: row.url,
      status: row.status as RcaPublicationStatus,
      requestedBy: userFrom(users, row.requested_by),
      requestedAt: date(row.requested_at),
      publishedAt: dateOrNull(row.published_at),
      lastError: row.last_error,
    };
  }

  const key = (incidentId: IncidentId, target: RcaPublicationTarget) => ({ incident_id: incidentId, target });

  return {
    async find(incidentId, target) {
      const row = await db.selectFrom('rca_publications').selectAll().where('incident_id', '=', incidentId).where('target', '=', target).executeTakeFirst();
      return row ? toPublication(row) : null;
    },

    async request(incidentId, target, requestedBy, at) {
      const asked = { status: 'pending', requested_by: requestedBy, requested_at: iso(at), last_error: null };
      await db
        .insertInto('rca_publications')
        .values({ ...key(incidentId, target), ...asked, external_id: null, external_version: null, url: null, published_at: null })
        .onConflict((oc) => oc.columns(['incident_id', 'target']).doUpdateSet(asked))
        .execute();
    },

    async markPublished(incidentId, target, page, at) {
      await db
        .updateTable('rca_publications')
        .set({ external_id: page.id, external_version: page.version, url: page.url, status: 'published', published_at: iso(at), last_error: null })
        .where('incident_id', '=', incidentId)
        .where('target', '=', target)
        .execute();
    },

    async markFailed(incidentId, target, error, stillTrying) {
      await db
        .updateTable('rca_publications')
        .set({ last_error: error.slice(0, 1000), ...(stillTrying ? {} : { status: 'failed' }) })
        .where('incident_id', '=', incidentId)
        .where('target', '=', target)
        .execute();
    },
  };
}
