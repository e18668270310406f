import type { IncidentId } from '../domain/ids.js';
import type { IncidentPerson, PersonKind } from '../domain/incident.js';
import type { IncidentPeopleRepository } from '../ports/store.port.js';
import { date, iso, userFrom, type Db } from './rows.js';

export function createIncidentPeopleRepository(db: Db): IncidentPeopleRepository {
  return {
    async add(incidentId, person) {
      // DO NOTHING: a repeat is an answer, not an error (which would abort a PostgreSQL transaction).
      const result = await db
        .insertInto('incident_people')
        .values({ incident_id: incidentId, user_id: person.user.id, how: person.how, added_by: person.addedBy.id, added_at: iso(person.addedAt) })
        .onConflict((oc) => oc.columns(['incident_id', 'user_id', 'how']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async remove(incidentId, userId, how) {
      const result = await db
        .deleteFrom('incident_people')
        .where('incident_id', '=', incidentId)
        .where('user_id', '=', userId)
        .where('how', '=', how)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/** The people of these incidents, oldest first, by incident id; their users come from `users`. */
export async function loadIncidentPeople(db: Db, incidentIds: readonly string[]) {
  const rows = incidentIds.length === 0 ? [] : await db.selectFrom('incident_people').selectAll().where('incident_id', 'in', [...incidentIds]).orderBy('added_at').execute();
  return {
    userIds: rows.flatMap((r) => [r.user_id, r.added_by]),
    /** Builds the domain entries once the users are loaded. */
    byIncident(users: Parameters<typeof userFrom>[0]): Map<IncidentId, IncidentPerson[]> {
      const map = new Map<IncidentId, IncidentPerson[]>();
      for (const r of rows) {
        const list = map.get(r.incident_id as IncidentId) ?? [];
        list.push({ user: userFrom(users, r.user_id), how: r.how as PersonKind, addedBy: userFrom(users, r.added_by), addedAt: date(r.added_at) });
        map.set(r.incident_id as IncidentId, list);
      }
      return map;
    },
  };
}
