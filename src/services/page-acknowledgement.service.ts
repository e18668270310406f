import type { DomainEvent } from '../domain/events.js';
import { holderOf, type Incident } from '../domain/incident.js';
import { assignRole } from '../domain/incident-transitions.js';
import type { AcknowledgedLead } from '../domain/page.js';
import { systemUser, type Actor, type User } from '../domain/user.js';
import type { Pager, PageAcknowledgement } from '../ports/pager.port.js';
import { contextFor, inTransaction, StaleWrite, type ServiceDeps } from './context.js';
import { findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';
import { DomainError } from '../domain/errors.js';

/** Record an acknowledgement the pager told us of (its webhook), and maybe make the acknowledger lead. */
export const PAGER_ACKNOWLEDGED_JOB = 'pager.acknowledged';

/**
 * The pager's word that someone took a page: accepted at once (the webhook answers fast), then
 * recorded by a durable job — on the timeline, in the channel, and, when the incident has no
 * lead, by making the acknowledger lead if their email at the pager is someone's here.
 */
export function createPageAcknowledgementService(deps: ServiceDeps, pager: Pager) {
  const { store, clock } = deps;
  const systemActor: Actor = { user: systemUser, source: 'system' };

  /** Who the acknowledger is here, by their email at the pager; or why nobody. */
  async function findAcknowledger(notice: PageAcknowledgement): Promise<User | Exclude<AcknowledgedLead, 'assigned' | 'unchanged'>> {
    const email = notice.by.pagerUserId ? await pager.emailOf(notice.by.pagerUserId) : null;
    if (!email) return 'email_unknown';
    return (await store.users.findByEmail(email.toLowerCase())) ?? 'no_user';
  }

  return {
    /**
     * Takes a notice for later: 'ignored' when no page of ours has its key (another tool's
     * incident on the same PagerDuty account). A redelivery while the first waits queues nothing.
     */
    async receive(notice: PageAcknowledgement): Promise<'accepted' | 'ignored'> {
      const page = await store.pages.findByDedupKey(notice.pageKey);
      if (!page) return 'ignored';
      await store.transaction((repos) =>
        // The page's queue: an acknowledgement is recorded after the page it acknowledges.
        repos.jobs.enqueue({ type: PAGER_ACKNOWLEDGED_JOB, payload: notice, queueKey: `pager:${page.incidentId}`, dedupeKey: `pager.acknowledged:${notice.noticeId}` }),
      );
      return 'accepted';
    },

    /** The `pager.acknowledged` job: records the notice once (by its id), whatever the redeliveries. */
    async acknowledge(notice: PageAcknowledgement): Promise<void> {
      const page = await store.pages.findByDedupKey(notice.pageKey);
      if (!page) return;
      // Asked before the transaction: a network call must not hold the incident's lock.
      const before = await store.incidents.findById(page.incidentId);
      const wantsLead = before !== null && before.status === 'open' && holderOf(before, 'lead') === null;
      const found = wantsLead ? await findAcknowledger(notice) : null;
      await inTransaction(
        store,
        async (repos) => {
          const ctx = contextFor(deps, systemActor);
          if (!(await repos.idempotency.claim(`pagerduty.webhook:${notice.noticeId}`, clock.now()))) return;
          const incident = await findIncidentForUpdate(repos, page.incidentId);
          let lead: AcknowledgedLead = 'unchanged';
          let state: Incident = incident;
          const roleEvents: DomainEvent[] = [];
          // Re-checked under the lock: someone may have taken the lead meanwhile.
          if (incident.status === 'open' && holderOf(incident, 'lead') === null && found !== null) {
            if (typeof found === 'string') lead = found;
            else {
              const assigned = assignRole(incident, 'lead', found, ctx);
              state = assigned.state;
              roleEvents.push(...assigned.events);
              lead = 'assigned';
            }
          }
          if (state !== incident) {
            if (!(await repos.incidents.update(state))) throw new StaleWrite();
            state = { ...state, version: state.version + 1 };
          }
          const acknowledged: DomainEvent = { type: 'page.acknowledged', pageId: page.id, target: page.target, by: notice.by.name, lead };
          await recordEvents(repos, state, [acknowledged, ...roleEvents], systemActor, ctx, deps.listeners);
        },
        () => new DomainError('incident.concurrent_update', 'The incident is being changed by others right now; the acknowledgement will be retried.'),
      );
    },
  };
}

export type PageAcknowledgementService = ReturnType<typeof createPageAcknowledgementService>;
