import type { IncidentId, UserId } from '../domain/ids.js';

/** Which incident changed; pages re-read it, so nothing else travels. */
export interface LiveUpdate {
  readonly incidentId: IncidentId;
  readonly reference: string;
  /** For private incidents, who may hear of the change (the people involved); null when anyone may. */
  readonly audience: readonly UserId[] | null;
}

/** Tells open pages that an incident changed (after the change has committed). */
export interface LiveUpdates {
  publish(update: LiveUpdate): void;
  /** Hears every update from now on; call the returned function to stop. */
  subscribe(listener: (update: LiveUpdate) => void): () => void;
}

/** A LiveUpdates adapter as the composition root holds it: started with the app, closed with it. */
export interface LiveUpdatesHub extends LiveUpdates {
  /** Starts hearing updates from other processes (a no-op when there are none to hear). */
  start(): Promise<void>;
  /** Sends what is still being published, then stops listening. */
  close(): Promise<void>;
}
