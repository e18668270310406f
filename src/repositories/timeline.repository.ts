import type { Selectable } from 'kysely';
import type { TimelineEntriesTable } from '../db/schema.js';
import type { IncidentId, TimelineEntryId } from '../domain/ids.js';
import type { TimelineEntry, TimelineKind, TimelineRevision } from '../domain/timeline.js';
import type { Source } from '../domain/user.js';
import type { TimelineRepository } from '../ports/store.port.js';
import { date, flag, iso, loadUsers, userFrom, type Db } from './rows.js';

type EntryRow = Selectable<TimelineEntriesTable>;

export function createTimelineRepository(db: Db): TimelineRepository {
  async function hydrate(rows: EntryRow[]): Promise<TimelineEntry[]> {
    const users = await loadUsers(
      db,
      rows.flatMap((r) => [r.author_id, r.updated_by]),
    );
    return rows.map((r) => ({
      id: r.id as TimelineEntryId,
      incidentId: r.incident_id as IncidentId,
      occurredAt: date(r.occurred_at),
      kind: r.kind as TimelineKind,
      text: r.text,
      link: r.link,
      removed: r.removed === 1,
      author: userFrom(users, r.author_id),
      sourceRef: r.source_ref,
      source: r.source as Source,
      revision: r.revision,
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
      updatedBy: userFrom(users, r.updated_by),
    }));
  }

  const revisionRow = (revision: TimelineRevision) => ({
    entry_id: revision.entryId,
    revision: revision.revision,
    occurred_at: iso(revision.occurredAt),
    kind: revision.kind,
    text: revision.text,
    link: revision.link,
    removed: flag(revision.removed),
    revised_by: revision.revisedBy.id,
    source: revision.source,
    revised_at: iso(revision.revisedAt),
  });

  return {
    async insert(changes) {
      if (changes.length === 0) return;
      // One statement per table however many entries: a declaration writes several at once.
      await db
        .insertInto('timeline_entries')
        .values(
          changes.map(({ entry }) => ({
            id: entry.id,
            incident_id: entry.incidentId,
            occurred_at: iso(entry.occurredAt),
            kind: entry.kind,
            text: entry.text,
            link: entry.link,
            removed: flag(entry.removed),
            author_id: entry.author.id,
            source: entry.source,
            revision: entry.revision,
            created_at: iso(entry.createdAt),
            updated_at: iso(entry.updatedAt),
            updated_by: entry.updatedBy.id,
            source_ref: entry.sourceRef,
          })),
        )
        .execute();
      await db
        .insertInto('timeline_revisions')
        .values(changes.map(({ revision }) => revisionRow(revision)))
        .execute();
    },

    async saveRevision({ entry, revision }) {
      // Compare-and-set on the revision number: two concurrent corrections cannot both build on
      // the same version (the loser is retried on the new one by the service).
      const result = await db
        .updateTable('timeline_entries')
        .set({
          occurred_at: iso(entry.occurredAt),
          text: entry.text,
          link: entry.link,
          removed: flag(entry.removed),
          revision: entry.revision,
          updated_at: iso(entry.updatedAt),
          updated_by: entry.updatedBy.id,
        })
        .where('id', '=', entry.id)
        .where('revision', '=', entry.revision - 1)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await db.insertInto('timeline_revisions').values(revisionRow(revision)).execute();
      return true;
    },

    async findById(incidentId, entryId) {
      const rows = await db
        .selectFrom('timeline_entries')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .where('id', '=', entryId)
        .execute();
      return (await hydrate(rows))[0] ?? null;
    },

    async findBySourceRef(incidentId, sourceRef) {
      const rows = await db
        .selectFrom('timeline_entries')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .where('source_ref', '=', sourceRef)
        .where('removed', '=', 0)
        .execute();
      return (await hydrate(rows))[0] ?? null;
    },

    async listForIncident(incidentId, options = {}) {
      let query = db.selectFrom('timeline_entries').selectAll().where('incident_id', '=', incidentId);
      if (!options.includeRemoved) query = query.where('removed', '=', 0);
      if (options.latest !== undefined) {
        // Newest first through the (incident_id, occurred_at) index and cut there, so a page of a
        // 10,000-entry timeline reads its end only; then back into the order things happened.
        const rows = await query.orderBy('occurred_at', 'desc').orderBy('seq', 'desc').limit(options.latest).execute();
        return hydrate(rows.reverse());
      }
      const rows = await query.orderBy('occurred_at').orderBy('seq').execute();
      return hydrate(rows);
    },

    async history(entryId) {
      const rows = await db
        .selectFrom('timeline_revisions')
        .selectAll()
        .where('entry_id', '=', entryId)
        .orderBy('revision')
        .execute();
      const users = await loadUsers(
        db,
        rows.map((r) => r.revised_by),
      );
      return rows.map((r) => ({
        entryId: r.entry_id as TimelineEntryId,
        revision: r.revision,
        occurredAt: date(r.occurred_at),
        kind: r.kind as TimelineKind,
        text: r.text,
        link: r.link,
        removed: r.removed === 1,
        revisedBy: userFrom(users, r.revised_by),
        source: r.source as Source,
        revisedAt: date(r.revised_at),
      }));
    },
  };
}
