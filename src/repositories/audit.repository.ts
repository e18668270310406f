import type { IncidentId } from '../domain/ids.js';
import type { Source } from '../domain/user.js';
import type { AuditRepository } from '../ports/store.port.js';
import { date, iso, loadUsers, userFrom, type Db } from './rows.js';

export function createAuditRepository(db: Db): AuditRepository {
  return {
    async append(records) {
      if (records.length === 0) return;
      await db
        .insertInto('audit_events')
        .values(
          records.map((r) => {
            const { type, ...data } = r.event;
            return {
              incident_id: r.incidentId,
              at: iso(r.at),
              actor_id: r.actor.user.id,
              source: r.actor.source,
              type,
              data: JSON.stringify(data),
            };
          }),
        )
        .execute();
    },
    async appendStored(records) {
      if (records.length === 0) return;
      await db
        .insertInto('audit_events')
        .values(
          records.map((r) => ({
            incident_id: r.incidentId,
            at: iso(r.at),
            actor_id: r.actor.id,
            source: r.source,
            type: r.type,
            data: JSON.stringify(r.data),
          })),
        )
        .execute();
    },
    async listForIncident(incidentId) {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('seq')
        .execute();
      const users = await loadUsers(
        db,
        rows.map((r) => r.actor_id),
      );
      return rows.map((r) => ({
        incidentId: r.incident_id as IncidentId,
        at: date(r.at),
        actor: userFrom(users, r.actor_id),
        source: r.source as Source,
        type: r.type,
        data: JSON.parse(r.data) as Record<string, unknown>,
      }));
    },
  };
}
