import type { TransitionContext } from '../domain/context.js';
import type { SeverityScale } from '../domain/severity.js';
import type { Actor } from '../domain/user.js';
import type { Clock, IdGenerator } from '../ports/clock.port.js';
import type { ChangeListener } from '../ports/change-listener.port.js';
import type { Repositories, Store } from '../ports/store.port.js';
import { DomainError } from '../domain/errors.js';

/** What every service is built from. */
export interface ServiceDeps {
  readonly store: Store;
  /** Told of every change in its transaction (Slack enqueues its messages there). */
  readonly listeners?: readonly ChangeListener[];
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly severities: SeverityScale;
  readonly referencePrefix: string;
}

/** A transition context for one change made by `actor` now. */
export function contextFor(deps: ServiceDeps, actor: Actor): TransitionContext {
  return {
    at: deps.clock.now(),
    actor: actor.user,
    newId: () => deps.ids.newId(),
    severities: deps.severities,
  };
}

const MAX_ATTEMPTS = 5;

/** Thrown by a unit of work that lost an optimistic-concurrency race; it is run again. */
export class StaleWrite extends Error {
  constructor() {
    super('stale write');
  }
}

/**
 * Runs `work` in a transaction, again (on fresh state) when a concurrent writer got there first.
 * Each attempt re-reads everything, so the retried change applies to the newest state.
 */
export async function inTransaction<T>(
  store: Store,
  work: (repos: Repositories) => Promise<T>,
  onExhausted: () => Error,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(work);
    } catch (error) {
      if (!(error instanceof StaleWrite)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw onExhausted();
    }
  }
}

/**
 * Refuses a request already handled (a Slack retry, a double submit). Run first in the
 * transaction, so the key commits with the change and a repeat changes nothing.
 */
export async function claimRequest(repos: Repositories, actor: Actor, at: Date): Promise<void> {
  if (!actor.requestKey) return;
  if (!(await repos.idempotency.claim(actor.requestKey, at))) {
    throw new DomainError('request.duplicate', 'This request was already handled.');
  }
}
