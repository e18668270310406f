import type { PublicUpdateId } from '../domain/status-page.js';
import { systemUser, type Actor } from '../domain/user.js';
import type { ChangeListener } from '../ports/change-listener.port.js';
import { StatusPageUnavailable, type StatusPagePublisher } from '../ports/status-page-publisher.port.js';
import { contextFor, type ServiceDeps } from './context.js';
import { recordEvents } from './record-change.js';

/** Send one published update to the outside status page. */
export const STATUSPAGE_SYNC_JOB = 'statuspage.sync';
/**
 * One queue for every sync job, whatever the incident: they run one at a time, in the order they
 * were published, which is what keeps to the vendor's rate limit across incidents and instances.
 */
export const STATUSPAGE_QUEUE = 'statuspage';
/** Atlassian Statuspage allows one request a second per API key. */
export const STATUSPAGE_MIN_GAP_MS = 1000;

export interface StatusPageSyncPayload {
  readonly updateId: PublicUpdateId;
}

/**
 * Keeps an outside status page (Atlassian Statuspage) in step with the built-in one: every
 * publication queues a sync job in its own transaction; the job creates the incident there the
 * first time (its id and link kept, the link told on the timeline and in the channel), then sends
 * each update, and the resolution with its components operational. Registered only when configured.
 */
export function createStatusPageSyncService(deps: ServiceDeps, publisher: StatusPagePublisher) {
  const { store, clock } = deps;
  const systemActor: Actor = { user: systemUser, source: 'system' };

  const syncer: ChangeListener = {
    async onChange(repos, { incident, events }) {
      // Only a recorded publication gets here: the domain refused a private incident without its override.
      if (!events.some((e) => e.type === 'statuspage.published')) return;
      const latest = (await repos.statusPage.findByIncident(incident.id))?.updates[0];
      if (!latest) return;
      const payload: StatusPageSyncPayload = { updateId: latest.id };
      await repos.jobs.enqueue({ type: STATUSPAGE_SYNC_JOB, payload, queueKey: STATUSPAGE_QUEUE, dedupeKey: `statuspage.sync:${latest.id}` });
    },
  };

  return {
    /** Hears every change: a publication queues its sync. Registered with the other listeners. */
    syncer,

    /**
     * The `statuspage.sync` job: one request to the vendor, at least a second after the previous
     * one (else {@link StatusPageUnavailable} with the wait, which the job turns into a later run).
     */
    async sync({ updateId }: StatusPageSyncPayload): Promise<void> {
      const state = await store.statusPage.findForSync(updateId);
      if (!state || state.syncedAt) return;
      const now = clock.now();
      const last = await store.statusPage.lastVendorRequestAt(STATUSPAGE_QUEUE);
      const wait = last ? last.getTime() + STATUSPAGE_MIN_GAP_MS - now.getTime() : 0;
      if (wait > 0) throw new StatusPageUnavailable('waiting out the one-request-a-second limit', wait);
      await store.statusPage.noteVendorRequest(STATUSPAGE_QUEUE, now);

      const { publicIncident, update, external } = state;
      const notifySubscribers = publicIncident.notifySubscribers;
      const placed =
        update.status === 'resolved' && external
          ? await publisher.resolve(
              {
                title: publicIncident.title,
                message: update.message,
                components: [...new Set(publicIncident.updates.flatMap((u) => u.components.map((c) => c.name)))],
                notifySubscribers,
              },
              external,
            )
          : await publisher.publishLatest(
              { title: publicIncident.title, status: update.status, message: update.message, components: update.components, notifySubscribers },
              external,
            );

      await store.transaction(async (repos) => {
        // The incident's row first, as every change to an incident takes it: a publication locks it
        // and then writes the public incident, so the other order here deadlocked with one (PostgreSQL).
        await repos.incidents.lock(publicIncident.incidentId);
        await repos.statusPage.markSynced(update.id, placed, clock.now());
        if (external) return;
        const incident = await repos.incidents.findById(publicIncident.incidentId);
        if (!incident) return;
        const linked = { type: 'statuspage.linked', publicIncidentId: publicIncident.id, service: publisher.name, link: placed.link } as const;
        await recordEvents(repos, incident, [linked], systemActor, contextFor(deps, systemActor), deps.listeners);
      });
    },
  };
}

export type StatusPageSyncService = ReturnType<typeof createStatusPageSyncService>;
