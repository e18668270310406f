import { DomainError } from '../domain/errors.js';
import type { TimelineEntryId } from '../domain/ids.js';
import type { Incident } from '../domain/incident.js';
import {
  addTimelineEntry,
  removeTimelineEntry,
  reviseTimelineEntry,
  type AddableTimelineKind,
  type TimelineCorrection,
  type TimelineEntry,
  type TimelineRevision,
} from '../domain/timeline.js';
import type { Actor, User } from '../domain/user.js';
import type { Repositories, TimelineListOptions } from '../ports/store.port.js';
import { claimRequest, contextFor, inTransaction, StaleWrite, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';

export interface NewEntryRequest {
  readonly kind?: AddableTimelineKind;
  readonly text: string;
  readonly occurredAt?: Date | null;
  readonly link?: string | null;
}

/** An entry copied from elsewhere (a pinned Slack message), found again by its `sourceRef`. */
export interface CopiedEntryRequest extends NewEntryRequest {
  readonly sourceRef: string;
  readonly author?: User;
}

/** The incident's timeline: the scribe's log, written by people and by the app, corrected by revisions. */
export function createTimelineService(deps: ServiceDeps) {
  const { store } = deps;

  async function findEntry(
    repos: Repositories,
    idOrReference: string,
    entryId: string,
    forUpdate: boolean,
  ): Promise<{ incident: Incident; entry: TimelineEntry }> {
    const incident = forUpdate ? await findIncidentForUpdate(repos, idOrReference) : await findIncident(repos, idOrReference);
    const entry = await repos.timeline.findById(incident.id, entryId as TimelineEntryId);
    if (!entry) throw new DomainError('timeline.not_found', `No timeline entry "${entryId}" on ${incident.reference}.`);
    return { incident, entry };
  }

  const concurrent = () => new DomainError('timeline.concurrent_update', 'Someone else is correcting that entry; try again.');

  return {
    /** The current view, in the order things happened; removed entries only when asked, the latest N when asked. */
    async list(idOrReference: string, options: TimelineListOptions = {}): Promise<TimelineEntry[]> {
      const incident = await findIncident(store, idOrReference);
      return store.timeline.listForIncident(incident.id, options);
    },

    async add(actor: Actor, idOrReference: string, request: NewEntryRequest): Promise<TimelineEntry> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncident(repos, idOrReference);
        const added = addTimelineEntry(incident.id, { ...request, kind: request.kind ?? 'note' }, actor.source, ctx);
        await repos.timeline.insert([added.state]);
        await recordEvents(repos, incident, added.events, actor, ctx, deps.listeners);
        return added.state.entry;
      });
    },

    /**
     * Copies something said elsewhere onto the timeline, once: while an entry from the same source
     * is on the timeline, copying it again (a pin and a 📌 on one message) returns that entry.
     */
    async addCopy(actor: Actor, idOrReference: string, request: CopiedEntryRequest): Promise<TimelineEntry> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        const existing = await repos.timeline.findBySourceRef(incident.id, request.sourceRef);
        if (existing) return existing;
        const added = addTimelineEntry(incident.id, { ...request, kind: request.kind ?? 'note' }, actor.source, ctx);
        await repos.timeline.insert([added.state]);
        await recordEvents(repos, incident, added.events, actor, ctx, deps.listeners);
        return added.state.entry;
      });
    },

    /** Removes the entry copied from `sourceRef` (an unpinned message); null when there is none. */
    async removeCopy(actor: Actor, idOrReference: string, sourceRef: string): Promise<TimelineEntry | null> {
      return inTransaction(
        store,
        async (repos) => {
          const ctx = contextFor(deps, actor);
          await claimRequest(repos, actor, ctx.at);
          const incident = await findIncidentForUpdate(repos, idOrReference);
          const entry = await repos.timeline.findBySourceRef(incident.id, sourceRef);
          if (!entry) return null;
          const removed = removeTimelineEntry(entry, actor.source, ctx);
          if (!(await repos.timeline.saveRevision(removed.state))) throw new StaleWrite();
          await recordEvents(repos, incident, removed.events, actor, ctx, deps.listeners);
          return removed.state.entry;
        },
        concurrent,
      );
    },

    /** Corrects an entry; the earlier wording stays in its history. */
    async revise(actor: Actor, idOrReference: string, entryId: string, correction: TimelineCorrection): Promise<TimelineEntry> {
      return inTransaction(
        store,
        async (repos) => {
          const ctx = contextFor(deps, actor);
          await claimRequest(repos, actor, ctx.at);
          const { incident, entry } = await findEntry(repos, idOrReference, entryId, true);
          const revised = reviseTimelineEntry(entry, correction, actor.source, ctx);
          if (!revised.state) return entry;
          if (!(await repos.timeline.saveRevision(revised.state))) throw new StaleWrite();
          await recordEvents(repos, incident, revised.events, actor, ctx, deps.listeners);
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
          const ctx = contextFor(deps, actor);
          await claimRequest(repos, actor, ctx.at);
          const { incident, entry } = await findEntry(repos, idOrReference, entryId, true);
          const removed = removeTimelineEntry(entry, actor.source, ctx);
          if (!(await repos.timeline.saveRevision(removed.state))) throw new StaleWrite();
          await recordEvents(repos, incident, removed.events, actor, ctx, deps.listeners);
          return removed.state.entry;
        },
        concurrent,
      );
    },

    /** Every revision of an entry, oldest first, with who made it and when. */
    async history(idOrReference: string, entryId: string): Promise<TimelineRevision[]> {
      const { entry } = await findEntry(store, idOrReference, entryId, false);
      return store.timeline.history(entry.id);
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
