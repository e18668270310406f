import type { UserId } from '../domain/ids.js';
import type { PagingTeam, PagingTeamId } from '../domain/paging-team.js';
import type { PagingTeamRepository } from '../ports/store.port.js';
import type { PagingTeamsTable } from '../db/schema.js';
import { date, flag, iso, type Db } from './rows.js';

function toTeam(row: PagingTeamsTable): PagingTeam {
  return {
    id: row.id as PagingTeamId,
    name: row.name,
    description: row.description,
    routingKey: row.routing_key,
    active: Number(row.active) === 1,
    createdBy: row.created_by as UserId,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

const nameKey = (name: string) => name.toLowerCase();

export function createPagingTeamRepository(db: Db): PagingTeamRepository {
  return {
    async list() {
      const rows = await db.selectFrom('paging_teams').selectAll().orderBy('name_key').execute();
      return rows.map(toTeam);
    },

    async findById(id) {
      const row = await db.selectFrom('paging_teams').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toTeam(row) : null;
    },

    async findByName(name) {
      const row = await db.selectFrom('paging_teams').selectAll().where('name_key', '=', nameKey(name)).executeTakeFirst();
      return row ? toTeam(row) : null;
    },

    async insert(team) {
      await db
        .insertInto('paging_teams')
        .values({
          id: team.id,
          name: team.name,
          name_key: nameKey(team.name),
          description: team.description,
          routing_key: team.routingKey,
          active: flag(team.active),
          created_by: team.createdBy,
          created_at: iso(team.createdAt),
          updated_at: iso(team.updatedAt),
        })
        .execute();
    },

    async update(team) {
      await db
        .updateTable('paging_teams')
        .set({
          name: team.name,
          name_key: nameKey(team.name),
          description: team.description,
          routing_key: team.routingKey,
          active: flag(team.active),
          updated_at: iso(team.updatedAt),
        })
        .where('id', '=', team.id)
        .execute();
    },

    async remove(id) {
      const result = await db.deleteFrom('paging_teams').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}
