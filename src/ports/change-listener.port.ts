import type { DomainEvent } from '../domain/events.js';
import type { Incident } from '../domain/incident.js';
import type { Actor } from '../domain/user.js';
import type { Repositories } from './store.port.js';

/** One committed-together change: the incident as it now is, what happened, and who did it. */
export interface IncidentChange {
  readonly incident: Incident;
  readonly events: readonly DomainEvent[];
  readonly actor: Actor;
}

/**
 * Told of every change inside its transaction, so the side effects it enqueues (Slack messages,
 * pages) commit with the change or not at all. Surfaces such as Slack implement it.
 */
export interface ChangeListener {
  onChange(repos: Repositories, change: IncidentChange): Promise<void>;
}
