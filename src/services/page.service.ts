import { DomainError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { Incident } from '../domain/incident.js';
import { checkPageMessage, LEAD_TARGET, pageKeyFor, type Page, type PageId } from '../domain/page.js';
import type { EscalationTeam } from '../domain/paging-team.js';
import { severityLabel } from '../domain/severity.js';
import { systemUser, type Actor } from '../domain/user.js';
import type { ChangeListener } from '../ports/change-listener.port.js';
import type { Pager } from '../ports/pager.port.js';
import type { Repositories } from '../ports/store.port.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import type { PagingTeamService } from './paging-team.service.js';
import { recordEvents } from './record-change.js';

/** Send one page to the pager (then record it). */
export const PAGER_TRIGGER_JOB = 'pager.trigger';
/** Resolve one page at the pager: its incident closed. */
export const PAGER_RESOLVE_JOB = 'pager.resolve';

export interface PageJobPayload {
  readonly pageId: PageId;
}

export interface PageInput {
  /** `lead` (the default) or a team's name (configuration's or the site's). */
  readonly target?: string;
  readonly message: string;
}

/**
 * Paging people: a request is written with its own de-duplication key and a job in the same
 * transaction; the job reaches the pager (retried through outages), then records the page on the
 * timeline. Closing the incident queues a resolve for each page it opened. One queue per
 * incident's pages, so a resolve never overtakes its trigger.
 */
export function createPageService(deps: ServiceDeps, pager: Pager, teams: Pick<PagingTeamService, 'escalationTeams'>, options: { readonly publicUrl: string }) {
  const { store, clock, ids } = deps;
  const systemActor: Actor = { user: systemUser, source: 'system' };
  const queueOf = (incident: Pick<Incident, 'id'>) => `pager:${incident.id}`;

  async function record(repos: Repositories, incident: Incident, actor: Actor, events: DomainEvent[]): Promise<void> {
    await recordEvents(repos, incident, events, actor, contextFor(deps, actor), deps.listeners);
  }

  async function loadPage(pageId: PageId): Promise<Page | null> {
    return store.pages.findById(pageId);
  }

  async function checkTarget(target: string): Promise<string> {
    if (target === LEAD_TARGET || (await teams.escalationTeams()).some((t) => t.name === target)) return target;
    throw new DomainError('page.not_configured', `No team called "${target}" can be paged. Send "escalate" to see the teams.`, { field: 'target' });
  }

  const closer: ChangeListener = {
    async onChange(repos, { incident, events }) {
      if (!events.some((e) => e.type === 'incident.closed')) return;
      for (const page of await repos.pages.forIncident(incident.id)) {
        if (page.status !== 'requested' && page.status !== 'sent') continue;
        const payload: PageJobPayload = { pageId: page.id };
        await repos.jobs.enqueue({ type: PAGER_RESOLVE_JOB, payload, queueKey: queueOf(incident), dedupeKey: `pager.resolve:${page.id}` });
      }
    },
  };

  return {
    /** Hears every change: closing an incident resolves its pages. Registered with the other listeners. */
    closer,

    /** The teams `escalate` offers besides the lead: configuration's, then the site's active ones. */
    teams(): Promise<EscalationTeam[]> {
      return teams.escalationTeams();
    },

    /** Who is on call for `target` now; null when the pager cannot tell. */
    async whoIsOnCall(target: string = LEAD_TARGET): Promise<readonly string[] | null> {
      return pager.whoIsOnCall(await checkTarget(target));
    },

    /** Asks for a page; it goes out through its job. A repeated request (same request key) pages once. */
    async request(actor: Actor, idOrReference: string, input: PageInput): Promise<Page> {
      const target = await checkTarget(input.target ?? LEAD_TARGET);
      const message = checkPageMessage(input.message);
      return store.transaction(async (repos) => {
        await claimRequest(repos, actor, clock.now());
        const incident = await findIncidentForUpdate(repos, idOrReference);
        if (incident.status !== 'open') {
          throw new DomainError('incident.already_closed', `${incident.reference} is closed: reopen it before paging anyone.`);
        }
        const id = ids.newId() as PageId;
        const page: Page = {
          id,
          incidentId: incident.id,
          target,
          message,
          dedupKey: pageKeyFor(incident.id, id),
          requestedBy: actor.user.id,
          requestedAt: clock.now(),
          status: 'requested',
          onCall: null,
          sentAt: null,
          resolvedAt: null,
        };
        await repos.pages.insert(page);
        const payload: PageJobPayload = { pageId: id };
        await repos.jobs.enqueue({ type: PAGER_TRIGGER_JOB, payload, queueKey: queueOf(incident) });
        await record(repos, incident, actor, [{ type: 'page.requested', pageId: id, target, message }]);
        return page;
      });
    },

    /** The `pager.trigger` job: sends the page unless it went already; then records it with who is on call. */
    async trigger({ pageId }: PageJobPayload, log: { warn(obj: object, msg: string): void }): Promise<void> {
      const page = await loadPage(pageId);
      if (!page || page.status !== 'requested') return;
      const incident = await findIncident(store, page.incidentId);
      if (incident.status !== 'open') {
        // Closed while the page waited (an outage): nobody needs waking any more.
        await store.transaction(async (repos) => {
          if (!(await repos.pages.markEnded(page.id, 'cancelled', clock.now()))) return;
          await record(repos, incident, systemActor, [{ type: 'page.ended', pageId: page.id, target: page.target, dedupKey: page.dedupKey, cancelled: true }]);
        });
        return;
      }
      const requester = await store.users.findById(page.requestedBy);
      await pager.page({
        incident: {
          reference: incident.reference,
          title: incident.title,
          severity: incident.severity ? severityLabel(deps.severities, incident.severity) : null,
          url: `${options.publicUrl.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.reference)}`,
        },
        target: page.target,
        pageKey: page.dedupKey,
        message: page.message,
        requestedBy: requester?.name ?? 'someone',
      });
      // Sent: an on-call lookup that fails must not send it again, so it only costs the names.
      const onCall = await pager.whoIsOnCall(page.target).catch((error: unknown) => {
        log.warn({ err: error }, 'could not ask the pager who is on call');
        return null;
      });
      await store.transaction(async (repos) => {
        const at = clock.now();
        if (!(await repos.pages.markSent(page.id, at, onCall))) return;
        const fresh = (await repos.incidents.findById(incident.id)) ?? incident;
        await record(repos, fresh, systemActor, [
          {
            type: 'page.sent',
            pageId: page.id,
            target: page.target,
            message: page.message,
            dedupKey: page.dedupKey,
            requestedBy: { id: page.requestedBy, name: requester?.name ?? 'someone' },
            requestedAt: page.requestedAt.toISOString(),
            onCall,
          },
        ]);
      });
    },

    /** The `pager.resolve` job: the incident closed, so its page is over at the pager too. */
    async resolve({ pageId }: PageJobPayload): Promise<void> {
      const page = await loadPage(pageId);
      if (!page || page.status !== 'sent') return;
      const incident = await findIncident(store, page.incidentId);
      // Reopened before the resolve went out: the page still stands.
      if (incident.status === 'open') return;
      await pager.resolve(page.target, page.dedupKey);
      await store.transaction(async (repos) => {
        if (!(await repos.pages.markEnded(page.id, 'resolved', clock.now()))) return;
        await record(repos, incident, systemActor, [{ type: 'page.ended', pageId: page.id, target: page.target, dedupKey: page.dedupKey, cancelled: false }]);
      });
    },

    /** The pages of an incident, oldest first. */
    async list(idOrReference: string): Promise<Page[]> {
      const incident = await findIncident(store, idOrReference);
      return store.pages.forIncident(incident.id);
    },
  };
}

export type PageService = ReturnType<typeof createPageService>;
