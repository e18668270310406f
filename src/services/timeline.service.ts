import { DomainError } from '../domain/errors.js';
import type { TimelineEntryId } from '../domain/ids.js';
import {
  addTimelineEntry,
  removeTimelineEntry,
  reviseTimelineEntry,
  type AddableTimelineKind,
  type TimelineCorrection,
  type TimelineEntry,
  type TimelineRevision,
} from '../domain/timeline.js';
import type { Actor } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import { contextFor, inTransaction, StaleWrite, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';

export interface NewEntryRequest {
  readonly kind?: AddableTimelineKind;
  readonly text: string;
  readonly occurredAt?: Date | null;
  readonly link?: string | null;
}

/** The incident's timeline: the scribe's log, written by people and by the app, corrected by revisions. */
export function createTimelineService(deps: ServiceDeps) {
  const { store } = deps;

  async function findEntry(
    repos: Repositories,
    idOrReference: string,
    entryId: string,
    forUpdate = false,
  ): Promise<TimelineEntry> {
    const incident = forUpdate ? await findIncidentForUpdate(repos, idOrReference) : await findIncident(repos, idOrReference);
    const entry = await repos.timeline.findById(incident.id, entryId as TimelineEntryId);
    if (!entry) throw new DomainError('timeline.not_found', `No timeline entry "${entryId}" on ${incident.reference}.`);
    return entry;
  }

  const concurrent = () => new DomainError('timeline.concurrent_update', 'Someone else is correcting that entry; try again.');

  return {
    /** The current view, in the order things happened; removed entries only when asked. */
    async list(idOrReference: string, options: { includeRemoved?: boolean } = {}): Promise<TimelineEntry[]> {
      const incident = await findIncident(store, idOrReference);
      return store.timeline.listForIncident(incident.id, options);
    },

    async add(actor: Actor, idOrReference: string, request: NewEntryRequest): Promise<TimelineEntry> {
      return store.transaction(async (repos) => {
        const incident = await findIncident(repos, idOrReference);
        const ctx = contextFor(deps, actor);
        const added = addTimelineEntry(incident.id, { ...request, kind: request.kind ?? 'note' }, actor.source, ctx);
        await repos.timeline.insert([added.state]);
        await repos.audit.append(added.events.map((event) => ({ incidentId: incident.id, at: ctx.at, actor, event })));
        return added.state.entry;
      });
    },

    /** Corrects an entry; the earlier wording stays in its history. */
    async revise(actor: Actor, idOrReference: string, entryId: string, correction: TimelineCorrection): Promise<TimelineEntry> {
      return inTransaction(
        store,
        async (repos) => {
          const entry = await findEntry(repos, idOrReference, entryId, true);
          const ctx = contextFor(deps, actor);
          const revised = reviseTimelineEntry(entry, correction, actor.source, ctx);
          if (!revised.state) return entry;
          if (!(await repos.timeline.saveRevision(revised.state))) throw new StaleWrite();
          await repos.audit.append(revised.events.map((event) => ({ incidentId: entry.incidentId, at: ctx.at, actor, event })));
          return revised.state.entry;
        },
        concurrent,
      );
    },

    /** Takes an entry out of the current view; it and its removal stay in its history. */
    async remove(actor: Actor, idOrReference: string, entryId: string): Promise<TimelineEntry> {
      return inTransaction(
        store,
        async (repos) => {
          const entry = await findEntry(repos, idOrReference, entryId, true);
          const ctx = contextFor(deps, actor);
          const removed = removeTimelineEntry(entry, actor.source, ctx);
          if (!(await repos.timeline.saveRevision(removed.state))) throw new StaleWrite();
          await repos.audit.append(removed.events.map((event) => ({ incidentId: entry.incidentId, at: ctx.at, actor, event })));
          return removed.state.entry;
        },
        concurrent,
      );
    },

    /** Every revision of an entry, oldest first, with who made it and when. */
    async history(idOrReference: string, entryId: string): Promise<TimelineRevision[]> {
      const entry = await findEntry(store, idOrReference, entryId);
      return store.timeline.history(entry.id);
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
