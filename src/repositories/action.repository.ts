import type { Selectable } from 'kysely';
import type { ActionsTable } from '../db/schema.js';
import type { Action } from '../domain/action.js';
import type { ActionId, IncidentId } from '../domain/ids.js';
import type { ActionRepository } from '../ports/store.port.js';
import { date, dateOrNull, flag, iso, isoOrNull, loadUsers, userFrom, type Db } from './rows.js';

export function createActionRepository(db: Db): ActionRepository {
  async function hydrate(rows: Selectable<ActionsTable>[]): Promise<Action[]> {
    const users = await loadUsers(
      db,
      rows.flatMap((r) => [r.created_by, ...(r.owner_id ? [r.owner_id] : [])]),
    );
    return rows.map((r) => ({
      id: r.id as ActionId,
      incidentId: r.incident_id as IncidentId,
      text: r.text,
      owner: r.owner_id ? userFrom(users, r.owner_id) : null,
      done: r.done === 1,
      doneAt: dateOrNull(r.done_at),
      followUp: r.follow_up === 1,
      dueOn: r.due_on,
      createdBy: userFrom(users, r.created_by),
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
    }));
  }

  const mutable = (a: Action) => ({
    text: a.text,
    owner_id: a.owner?.id ?? null,
    done: flag(a.done),
    done_at: isoOrNull(a.doneAt),
    follow_up: flag(a.followUp),
    due_on: a.dueOn,
    updated_at: iso(a.updatedAt),
  });

  return {
    async insert(action) {
      await db
        .insertInto('actions')
        .values({
          id: action.id,
          incident_id: action.incidentId,
          created_by: action.createdBy.id,
          created_at: iso(action.createdAt),
          ...mutable(action),
        })
        .execute();
    },
    async update(action) {
      await db.updateTable('actions').set(mutable(action)).where('id', '=', action.id).execute();
    },
    async findById(incidentId, id) {
      const rows = await db
        .selectFrom('actions')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .where('id', '=', id)
        .execute();
      return (await hydrate(rows))[0] ?? null;
    },
    async listForIncident(incidentId) {
      const rows = await db
        .selectFrom('actions')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return hydrate(rows);
    },
  };
}
