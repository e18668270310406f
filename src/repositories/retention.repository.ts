import { sql } from 'kysely';
import type { IncidentId, TimelineEntryId, UserId } from '../domain/ids.js';
import type { IncidentStatus } from '../domain/incident.js';
import type { InvolvementFact, RetentionFacts } from '../domain/retention.js';
import type { RetentionRepository } from '../ports/retention.port.js';
import { dateOrNull, iso, toUser, type Db } from './rows.js';

// Every place an incident's record names a person by id: [table, person column, incident column].
// Revisions and status page updates reach their incident through their parent row.
const involvements: readonly (readonly [string, string, string])[] = [
  ['incidents', 'reporter_id', 'id'],
  ['role_assignments', 'user_id', 'incident_id'],
  ['role_assignments', 'assigned_by', 'incident_id'],
  ['role_assignments', 'ended_by', 'incident_id'],
  ['incident_people', 'user_id', 'incident_id'],
  ['incident_people', 'added_by', 'incident_id'],
  ['timeline_entries', 'author_id', 'incident_id'],
  ['timeline_entries', 'updated_by', 'incident_id'],
  ['actions', 'owner_id', 'incident_id'],
  ['actions', 'created_by', 'incident_id'],
  ['audit_events', 'actor_id', 'incident_id'],
  ['rca_attendees', 'user_id', 'incident_id'],
  ['rcas', 'created_by', 'incident_id'],
  ['rcas', 'updated_by', 'incident_id'],
  ['pages', 'requested_by', 'incident_id'],
];

const CHUNK = 500;

/** The retention policy's reads and rewrites, on both engines. */
export function createRetentionRepository(db: Db): RetentionRepository {
  /** (person, incident) pairs, optionally for one person; UNION removes repeats. */
  async function pairs(userId?: UserId): Promise<{ user_id: string; incident_id: string }[]> {
    const only = (column: string) => (userId ? sql` where ${sql.ref(column)} = ${userId}` : sql``);
    const branches = [
      ...involvements.map(
        ([table, person, incident]) =>
          sql`select ${sql.ref(`${table}.${person}`)} as user_id, ${sql.ref(`${table}.${incident}`)} as incident_id from ${sql.table(table)}${only(`${table}.${person}`)}`,
      ),
      sql`select r.revised_by as user_id, e.incident_id as incident_id from timeline_revisions r join timeline_entries e on e.id = r.entry_id${only('r.revised_by')}`,
      sql`select u.by_id as user_id, p.incident_id as incident_id from public_incident_updates u join public_incidents p on p.id = u.public_incident_id${only('u.by_id')}`,
    ];
    const query = sql<{ user_id: string | null; incident_id: string }>`${sql.join(branches, sql` union `)}`;
    const { rows } = await query.execute(db);
    return rows.filter((r): r is { user_id: string; incident_id: string } => r.user_id !== null);
  }

  return {
    async people(userId) {
      let users = db.selectFrom('users').select(['id', 'name', 'email', 'slack_user_id', 'anonymised_at']);
      if (userId) users = users.where('id', '=', userId);
      const userRows = await users.orderBy('id').execute();
      if (userRows.length === 0) return [];
      const found = await pairs(userId);
      const incidentIds = [...new Set(found.map((p) => p.incident_id))];
      const incidents = new Map<string, InvolvementFact>();
      for (let i = 0; i < incidentIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('incidents')
          .select(['id', 'status', 'ended_at'])
          .where('id', 'in', incidentIds.slice(i, i + CHUNK))
          .execute();
        for (const row of rows) {
          incidents.set(row.id, { incidentId: row.id as IncidentId, status: row.status as IncidentStatus, endedAt: dateOrNull(row.ended_at) });
        }
      }
      const byUser = new Map<string, InvolvementFact[]>();
      for (const pair of found) {
        const fact = incidents.get(pair.incident_id);
        if (!fact) continue;
        const list = byUser.get(pair.user_id) ?? [];
        if (!list.some((f) => f.incidentId === fact.incidentId)) list.push(fact);
        byUser.set(pair.user_id, list);
      }
      let tokens = db.selectFrom('api_tokens').select('user_id').where('revoked_at', 'is', null);
      if (userId) tokens = tokens.where('user_id', '=', userId);
      const withTokens = new Set((await tokens.execute()).map((t) => t.user_id));
      return userRows.map(
        (row): RetentionFacts => ({
          user: toUser(row),
          anonymisedAt: dateOrNull(row.anonymised_at),
          incidents: byUser.get(row.id) ?? [],
          hasLiveApiToken: withTokens.has(row.id),
        }),
      );
    },

    async textsOf(incidentIds) {
      const timelineEntries: { id: TimelineEntryId; incidentId: IncidentId; text: string }[] = [];
      const timelineRevisions: { entryId: TimelineEntryId; revision: number; text: string }[] = [];
      const auditEvents: { seq: number; incidentId: IncidentId; data: string }[] = [];
      for (let i = 0; i < incidentIds.length; i += CHUNK) {
        const ids = incidentIds.slice(i, i + CHUNK);
        const entries = await db.selectFrom('timeline_entries').select(['id', 'incident_id', 'text']).where('incident_id', 'in', ids).orderBy('seq').execute();
        for (const e of entries) timelineEntries.push({ id: e.id as TimelineEntryId, incidentId: e.incident_id as IncidentId, text: e.text });
        const revisions = await db
          .selectFrom('timeline_revisions as r')
          .innerJoin('timeline_entries as e', 'e.id', 'r.entry_id')
          .select(['r.entry_id', 'r.revision', 'r.text'])
          .where('e.incident_id', 'in', ids)
          .orderBy('r.entry_id')
          .orderBy('r.revision')
          .execute();
        for (const r of revisions) timelineRevisions.push({ entryId: r.entry_id as TimelineEntryId, revision: r.revision, text: r.text });
        const audit = await db.selectFrom('audit_events').select(['seq', 'incident_id', 'data']).where('incident_id', 'in', ids).orderBy('seq').execute();
        for (const a of audit) auditEvents.push({ seq: Number(a.seq), incidentId: a.incident_id as IncidentId, data: a.data });
      }
      return { timelineEntries, timelineRevisions, auditEvents };
    },

    async setTimelineText(entryId, text) {
      await db.updateTable('timeline_entries').set({ text }).where('id', '=', entryId).execute();
    },

    async setRevisionText(entryId, revision, text) {
      await db.updateTable('timeline_revisions').set({ text }).where('entry_id', '=', entryId).where('revision', '=', revision).execute();
    },

    async setAuditData(seq, data) {
      await db.updateTable('audit_events').set({ data }).where('seq', '=', seq).execute();
    },

    async anonymise(userId, name, at) {
      await db
        .updateTable('users')
        .set({ name, email: null, slack_user_id: null, anonymised_at: iso(at), updated_at: iso(at) })
        .where('id', '=', userId)
        .execute();
    },
  };
}
