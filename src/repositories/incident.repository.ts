import { sql, type Selectable } from 'kysely';
import type { IncidentsTable } from '../db/schema.js';
import type { IncidentId, RoleAssignmentId } from '../domain/ids.js';
import type { CloseReason, Incident, IncidentStatus, RoleAssignment } from '../domain/incident.js';
import type { Engine, IncidentFilter, IncidentPage, IncidentRepository } from '../ports/store.port.js';
import { loadIncidentPeople } from './incident-people.repository.js';
import { date, dateOrNull, flag, iso, isoOrNull, loadUsers, userFrom, type Db } from './rows.js';

type IncidentRow = Selectable<IncidentsTable>;

function columns(incident: Incident) {
  return {
    title: incident.title,
    status: incident.status,
    close_reason: incident.closeReason,
    blocked_until: isoOrNull(incident.blockedUntil),
    report_only: flag(incident.reportOnly),
    occurred_at: isoOrNull(incident.occurredAt),
    private: flag(incident.private),
    drill: flag(incident.drill),
    summary: incident.summary,
    impact: incident.impact,
    severity: incident.severity,
    started_at: iso(incident.startedAt),
    ended_at: isoOrNull(incident.endedAt),
    channel_id: incident.channel?.id ?? null,
    channel_name: incident.channel?.name ?? null,
    channel_archived_at: isoOrNull(incident.channelArchivedAt),
    reporter_id: incident.reporter.id,
    updated_at: iso(incident.updatedAt),
  };
}

/** `%` and `_` typed by a person are literal, not wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createIncidentRepository(db: Db, engine: Engine): IncidentRepository {
  /** Rows to domain incidents, with their people and role history, in a constant number of queries. */
  async function hydrate(rows: IncidentRow[]): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const assignments = await db
      .selectFrom('role_assignments')
      .selectAll()
      .where(
        'incident_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('assigned_at')
      .execute();
    const people = await loadIncidentPeople(
      db,
      rows.map((r) => r.id),
    );
    const userIds = [
      ...rows.map((r) => r.reporter_id),
      ...assignments.flatMap((a) => [a.user_id, a.assigned_by, ...(a.ended_by ? [a.ended_by] : [])]),
      ...people.userIds,
    ];
    const users = await loadUsers(db, userIds);
    const peopleByIncident = people.byIncident(users);
    const byIncident = new Map<string, RoleAssignment[]>();
    for (const a of assignments) {
      const list = byIncident.get(a.incident_id) ?? [];
      list.push({
        id: a.id as RoleAssignmentId,
        role: a.role,
        holder: userFrom(users, a.user_id),
        assignedAt: date(a.assigned_at),
        assignedBy: userFrom(users, a.assigned_by),
        endedAt: dateOrNull(a.ended_at),
        endedBy: a.ended_by ? userFrom(users, a.ended_by) : null,
      });
      byIncident.set(a.incident_id, list);
    }
    return rows.map((r) => ({
      id: r.id as IncidentId,
      number: r.number,
      reference: r.reference,
      title: r.title,
      status: r.status as IncidentStatus,
      closeReason: r.close_reason as CloseReason | null,
      blockedUntil: dateOrNull(r.blocked_until),
      reportOnly: r.report_only === 1,
      occurredAt: dateOrNull(r.occurred_at),
      private: r.private === 1,
      drill: r.drill === 1,
      summary: r.summary,
      impact: r.impact,
      severity: r.severity,
      startedAt: date(r.started_at),
      endedAt: dateOrNull(r.ended_at),
      channel: r.channel_id ? { id: r.channel_id, name: r.channel_name ?? r.channel_id } : null,
      channelArchivedAt: dateOrNull(r.channel_archived_at),
      reporter: userFrom(users, r.reporter_id),
      roleAssignments: byIncident.get(r.id) ?? [],
      people: peopleByIncident.get(r.id as IncidentId) ?? [],
      version: r.version,
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
    }));
  }

  async function saveAssignments(incident: Incident): Promise<void> {
    if (incident.roleAssignments.length === 0) return;
    await db
      .insertInto('role_assignments')
      .values(
        incident.roleAssignments.map((a) => ({
          id: a.id,
          incident_id: incident.id,
          role: a.role,
          user_id: a.holder.id,
          assigned_at: iso(a.assignedAt),
          assigned_by: a.assignedBy.id,
          ended_at: isoOrNull(a.endedAt),
          ended_by: a.endedBy?.id ?? null,
        })),
      )
      // Assignments are only ever appended or ended, so the end is all an existing row can gain.
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ ended_at: eb.ref('excluded.ended_at'), ended_by: eb.ref('excluded.ended_by') })),
      )
      .execute();
  }

  return {
    async allocateNumber() {
      // The row lock taken by this UPDATE serialises concurrent declarations on PostgreSQL (SQLite
      // has one writer anyway); a rolled-back declaration gives its number back, so no gaps.
      const row = await db
        .updateTable('counters')
        .set({ value: sql<number>`value + 1` })
        .where('name', '=', 'incident')
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },

    async insert(incident) {
      await db
        .insertInto('incidents')
        .values({
          id: incident.id,
          number: incident.number,
          reference: incident.reference,
          version: 1,
          created_at: iso(incident.createdAt),
          ...columns(incident),
        })
        .execute();
      await saveAssignments(incident);
    },

    async update(incident) {
      const result = await db
        .updateTable('incidents')
        .set({ ...columns(incident), version: incident.version + 1 })
        .where('id', '=', incident.id)
        .where('version', '=', incident.version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await saveAssignments(incident);
      return true;
    },

    async lock(id) {
      // SQLite has a single writer already (and no FOR UPDATE); on PostgreSQL the row lock makes
      // concurrent writers wait their turn rather than all lose an optimistic race and retry.
      if (engine === 'postgres') {
        await db.selectFrom('incidents').select('id').where('id', '=', id).forUpdate().execute();
      }
    },

    async findById(id) {
      const rows = await db.selectFrom('incidents').selectAll().where('id', '=', id).execute();
      return (await hydrate(rows))[0] ?? null;
    },

    async findByReference(reference) {
      const rows = await db
        .selectFrom('incidents')
        .selectAll()
        .where(sql`upper(reference)`, '=', reference.toUpperCase())
        .execute();
      return (await hydrate(rows))[0] ?? null;
    },

    async findByChannelId(channelId) {
      const rows = await db.selectFrom('incidents').selectAll().where('channel_id', '=', channelId).execute();
      return (await hydrate(rows))[0] ?? null;
    },

    async list(filter: IncidentFilter, page: IncidentPage) {
      let query = db.selectFrom('incidents').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.severities && filter.severities.length > 0) query = query.where('severity', 'in', [...filter.severities]);
      if (filter.reportOnly !== undefined) query = query.where('report_only', '=', flag(filter.reportOnly));
      if (filter.private !== undefined) query = query.where('private', '=', flag(filter.private));
      if (filter.startedFrom) query = query.where('started_at', '>=', iso(filter.startedFrom));
      if (filter.startedTo) query = query.where('started_at', '<', iso(filter.startedTo));
      if (filter.text) {
        const pattern = likePattern(filter.text);
        query = query.where((eb) =>
          eb.or(
            (['title', 'summary', 'impact', 'reference'] as const).map(
              (col) => sql<boolean>`lower(${sql.ref(col)}) like ${pattern} escape '\\'`,
            ),
          ),
        );
      }
      if (filter.visibleTo) {
        const viewer = filter.visibleTo;
        query = query.where((eb) =>
          eb.or([
            eb('private', '=', 0),
            eb('reporter_id', '=', viewer),
            eb.exists(
              eb
                .selectFrom('role_assignments as ra')
                .select('ra.id')
                .whereRef('ra.incident_id', '=', 'incidents.id')
                .where('ra.user_id', '=', viewer),
            ),
            eb.exists(
              eb
                .selectFrom('incident_people as ip')
                .select('ip.user_id')
                .whereRef('ip.incident_id', '=', 'incidents.id')
                .where('ip.user_id', '=', viewer),
            ),
          ]),
        );
      }
      if (page.beforeNumber !== undefined) query = query.where('number', '<', page.beforeNumber);
      const rows = await query.orderBy('number', 'desc').limit(page.limit).execute();
      return hydrate(rows);
    },
  };
}
