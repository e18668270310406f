import type { Selectable } from 'kysely';
import type { RcasTable } from '../db/schema.js';
import type { IncidentId } from '../domain/ids.js';
import type { Rca, RcaStatus } from '../domain/rca.js';
import type { RcaRepository } from '../ports/store.port.js';
import { date, iso, loadUsers, userFrom, type Db } from './rows.js';

/** The RCA of each incident and its attendees; saved under a compare-and-set on `version`. */
export function createRcaRepository(db: Db): RcaRepository {
  async function hydrate(row: Selectable<RcasTable>): Promise<Rca> {
    const attendeeRows = await db.selectFrom('rca_attendees').select('user_id').where('incident_id', '=', row.incident_id).execute();
    const users = await loadUsers(db, [row.created_by, row.updated_by, ...attendeeRows.map((a) => a.user_id)]);
    const attendees = attendeeRows.map((a) => userFrom(users, a.user_id)).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return {
      incidentId: row.incident_id as IncidentId,
      heldOn: row.held_on,
      attendees,
      rootCause: row.root_cause,
      contributingFactors: row.contributing_factors,
      wentWell: row.went_well,
      wentBadly: row.went_badly,
      status: row.status as RcaStatus,
      version: row.version,
      createdBy: userFrom(users, row.created_by),
      createdAt: date(row.created_at),
      updatedBy: userFrom(users, row.updated_by),
      updatedAt: date(row.updated_at),
    };
  }

  const mutable = (r: Rca) => ({
    held_on: r.heldOn,
    root_cause: r.rootCause,
    contributing_factors: r.contributingFactors,
    went_well: r.wentWell,
    went_badly: r.wentBadly,
    status: r.status,
    version: r.version,
    updated_by: r.updatedBy.id,
    updated_at: iso(r.updatedAt),
  });

  async function replaceAttendees(rca: Rca): Promise<void> {
    await db.deleteFrom('rca_attendees').where('incident_id', '=', rca.incidentId).execute();
    const unique = [...new Set(rca.attendees.map((a) => a.id))];
    if (unique.length > 0) {
      await db
        .insertInto('rca_attendees')
        .values(unique.map((userId) => ({ incident_id: rca.incidentId, user_id: userId })))
        .execute();
    }
  }

  return {
    async find(incidentId) {
      const row = await db.selectFrom('rcas').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
      return row ? hydrate(row) : null;
    },
    async save(rca) {
      if (rca.version === 1) {
        // A first save races another first save on the primary key; the loser sees a conflict.
        const inserted = await db
          .insertInto('rcas')
          .values({ incident_id: rca.incidentId, created_by: rca.createdBy.id, created_at: iso(rca.createdAt), ...mutable(rca) })
          .onConflict((oc) => oc.column('incident_id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      } else {
        const updated = await db
          .updateTable('rcas')
          .set(mutable(rca))
          .where('incident_id', '=', rca.incidentId)
          .where('version', '=', rca.version - 1)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
      }
      await replaceAttendees(rca);
      return true;
    },
    async insert(rca) {
      await db
        .insertInto('rcas')
        .values({ incident_id: rca.incidentId, created_by: rca.createdBy.id, created_at: iso(rca.createdAt), ...mutable(rca) })
        .execute();
      await replaceAttendees(rca);
    },
    async incidentsWithOpenFollowUps() {
      const rows = await db
        .selectFrom('actions')
        .select('incident_id')
        .distinct()
        .where('follow_up', '=', 1)
        .where('done', '=', 0)
        .execute();
      return rows.map((r) => r.incident_id as IncidentId);
    },
  };
}
