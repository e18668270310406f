import { peopleInvolved, type Incident } from '../../domain/incident.js';
import type { UserId } from '../../domain/ids.js';
import type { ChangeListener } from '../../ports/change-listener.port.js';
import type { LiveUpdate, LiveUpdates, LiveUpdatesHub } from '../../ports/live-updates.port.js';

/** Who may hear of a change to `incident`: its people when private, anyone (null) otherwise. */
export function audienceOf(incident: Pick<Incident, 'private'> & Parameters<typeof peopleInvolved>[0]): UserId[] | null {
  return incident.private ? peopleInvolved(incident) : null;
}

/**
 * Fans updates out to the listeners in this process only: right for SQLite, where one process
 * owns the file. On PostgreSQL, where several instances may serve one database, app.ts wraps it
 * in `createPostgresLiveUpdates` (LISTEN/NOTIFY), which feeds it what every instance published.
 */
export function createInProcessLiveUpdates(): LiveUpdatesHub {
  const listeners = new Set<(update: LiveUpdate) => void>();
  return {
    publish(update) {
      // A copy: a listener may unsubscribe while being told.
      for (const listener of [...listeners]) {
        try {
          listener(update);
        } catch {
          // One broken stream must not stop the others (or the change, which has committed).
        }
      }
    },
    subscribe(listener) {
      // Each call is its own subscription, even for the same function.
      const own = (update: LiveUpdate) => listener(update);
      listeners.add(own);
      return () => listeners.delete(own);
    },
    start: async () => undefined,
    close: async () => undefined,
  };
}

/** Publishes every change once it has committed, so a page never re-reads a rolled-back one. */
export function createLiveUpdatesListener(live: LiveUpdates): ChangeListener {
  return {
    async onChange(repos, { incident }) {
      const update: LiveUpdate = { incidentId: incident.id, reference: incident.reference, audience: audienceOf(incident) };
      repos.afterCommit(() => live.publish(update));
    },
  };
}
