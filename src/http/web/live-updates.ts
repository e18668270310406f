import { peopleInvolved } from '../../domain/incident.js';
import type { ChangeListener } from '../../ports/change-listener.port.js';
import type { LiveUpdate, LiveUpdates } from '../../ports/live-updates.port.js';

/**
 * Fans updates out to the listeners in this process only. With more than one instance a page
 * would miss changes made through another; PostgreSQL LISTEN/NOTIFY behind the same port is the
 * planned fix (a later issue).
 */
export function createInProcessLiveUpdates(): LiveUpdates {
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
  };
}

/** Publishes every change once it has committed, so a page never re-reads a rolled-back one. */
export function createLiveUpdatesListener(live: LiveUpdates): ChangeListener {
  return {
    async onChange(repos, { incident }) {
      const update: LiveUpdate = {
        incidentId: incident.id,
        reference: incident.reference,
        audience: incident.private ? peopleInvolved(incident) : null,
      };
      repos.afterCommit(() => live.publish(update));
    },
  };
}
