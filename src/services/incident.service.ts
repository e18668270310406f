import type { TransitionContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import type { DomainEvent, Transition } from '../domain/events.js';
import type { IncidentId } from '../domain/ids.js';
import type { CloseReason, Incident, SlackChannelRef } from '../domain/incident.js';
import {
  assignRole,
  chain,
  closeIncident,
  declareIncident,
  editIncident,
  linkChannel,
  promoteToLive,
  reopenIncident,
  type IncidentChanges,
} from '../domain/incident-transitions.js';
import { parseRoleName, type RoleName } from '../domain/role.js';
import type { Actor, User } from '../domain/user.js';
import type { IncidentFilter, Repositories, StoredAuditRecord } from '../ports/store.port.js';
import { claimRequest, contextFor, inTransaction, StaleWrite, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { createArchiveService } from './archive.service.js';
import { createIncidentPeopleService } from './incident-people.service.js';
import { recordEvents } from './record-change.js';
import { resolveUser, type UserInput } from './user-directory.js';

/** Roles to fill, by role name (`lead`, `scribe`, `commsLead` or a custom name); null empties one. */
export type RoleChanges = Readonly<Record<string, UserInput | null>>;

export interface DeclareRequest extends IncidentChanges {
  readonly title: string;
  readonly reportOnly?: boolean;
  readonly occurredAt?: Date | null;
  /** A drill or test: worked like any other incident, left out of the metrics. */
  readonly drill?: boolean;
  readonly roles?: RoleChanges;
  /** The person who discovered it, when not the one declaring. */
  readonly reporter?: UserInput;
}

export interface IncidentUpdate extends IncidentChanges {
  readonly roles?: RoleChanges;
  /** `false` promotes a report to a live incident; a live incident cannot become a report. */
  readonly reportOnly?: boolean;
  readonly status?: 'open' | 'closed';
  readonly closeReason?: CloseReason;
  readonly blockedUntil?: Date | null;
  readonly closeNote?: string | null;
}

export interface IncidentListQuery extends IncidentFilter {
  readonly limit: number;
  readonly cursor?: number;
}

export interface IncidentListPage {
  readonly items: Incident[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: number | null;
}

/** Declaring, reading and changing incidents: the use cases every surface (API, Slack, web) calls. */
export function createIncidentService(deps: ServiceDeps) {
  const { store, ids } = deps;
  // Its own file to keep this one short; one service to the surfaces (`incidents.addPerson`).
  const people = createIncidentPeopleService(deps);
  // Its own file too: `incidents.archiveChannel`, the one path for a person's and the automatic archive.
  const archive = createArchiveService(deps);

  /** Finds (or creates) everyone the request names; done before any lock is taken. */
  async function resolveRoles(repos: Repositories, roles: RoleChanges): Promise<[RoleName, User | null][]> {
    const resolved: [RoleName, User | null][] = [];
    for (const [rawRole, input] of Object.entries(roles)) {
      const role = parseRoleName(rawRole);
      resolved.push([role, input === null ? null : await resolveUser(repos, ids, input, `roles.${rawRole}`)]);
    }
    return resolved;
  }

  function assignRoles(
    incident: Incident,
    roles: readonly [RoleName, User | null][],
    ctx: TransitionContext,
  ): Transition<Incident> {
    return chain(
      incident,
      roles.map(([role, user]) => (state: Incident) => assignRole(state, role, user, ctx)),
    );
  }

  function notConcurrent(reference: string) {
    return () =>
      new DomainError('incident.concurrent_update', `${reference} is being changed by others right now; try again.`);
  }

  return {
    ...people,
    ...archive,

    /**
     * Records a new incident with the next reference; its official start is now. `within` runs in
     * the same transaction (a surface's own follow-up, such as the reply to the person declaring).
     */
    async declare(
      actor: Actor,
      request: DeclareRequest,
      within?: (repos: Repositories, incident: Incident) => Promise<void>,
    ): Promise<Incident> {
      const ctx = contextFor(deps, actor);
      return store.transaction(async (repos) => {
        await claimRequest(repos, actor, ctx.at);
        const reporter = request.reporter ? await resolveUser(repos, ids, request.reporter, 'reporter') : undefined;
        const roles = await resolveRoles(repos, request.roles ?? {});
        // Taken as late as possible: on PostgreSQL the counter's row lock is held until commit,
        // so everything before this line runs in parallel across declarations.
        const number = await repos.incidents.allocateNumber();
        const declared = declareIncident(
          {
            id: ids.newId() as IncidentId,
            number,
            referencePrefix: deps.referencePrefix,
            title: request.title,
            reportOnly: request.reportOnly ?? false,
            occurredAt: request.occurredAt ?? null,
            private: request.private,
            drill: request.drill,
            summary: request.summary,
            impact: request.impact,
            severity: request.severity,
            reporter,
          },
          ctx,
        );
        const withRoles = assignRoles(declared.state, roles, ctx);
        await repos.incidents.insert(withRoles.state);
        const saved = { ...withRoles.state, version: 1 };
        await recordEvents(repos, saved, [...declared.events, ...withRoles.events], actor, ctx, deps.listeners);
        await within?.(repos, saved);
        return saved;
      });
    },

    /** One incident by id or reference (`INC-42`, any case). */
    async get(idOrReference: string): Promise<Incident> {
      return findIncident(store, idOrReference);
    },

    /** Incidents newest first, a page at a time. */
    async list(query: IncidentListQuery): Promise<IncidentListPage> {
      const { limit, cursor, ...filter } = query;
      const rows = await store.incidents.list(filter, { limit: limit + 1, beforeNumber: cursor });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? last.number : null };
    },

    /**
     * Applies every requested change as one unit: fields, roles, promotion, then close or reopen.
     * If any part is refused, nothing is written.
     */
    async update(actor: Actor, idOrReference: string, update: IncidentUpdate): Promise<Incident> {
      return inTransaction(
        store,
        async (repos) => {
          const ctx = contextFor(deps, actor);
          await claimRequest(repos, actor, ctx.at);
          const before = await findIncidentForUpdate(repos, idOrReference);
          const events: DomainEvent[] = [];
          let state = before;
          const take = (t: Transition<Incident>) => {
            state = t.state;
            events.push(...t.events);
          };
          take(editIncident(state, update, ctx));
          if (update.roles) take(assignRoles(state, await resolveRoles(repos, update.roles), ctx));
          if (update.reportOnly === false) take(promoteToLive(state, ctx));
          if (update.reportOnly === true && !state.reportOnly) {
            throw new DomainError('incident.field_invalid', 'A live incident cannot be turned into a report.', {
              field: 'reportOnly',
            });
          }
          if (update.status === 'closed') {
            take(
              closeIncident(
                state,
                { reason: update.closeReason ?? 'resolved', blockedUntil: update.blockedUntil, note: update.closeNote },
                ctx,
              ),
            );
          } else if (update.status === 'open') {
            take(reopenIncident(state, ctx));
          } else if (update.closeReason !== undefined || update.blockedUntil !== undefined || update.closeNote !== undefined) {
            throw new DomainError('incident.close_reason_invalid', 'A close reason goes with "status": "closed".', {
              field: 'closeReason',
            });
          }
          if (events.length === 0) return before;
          if (!(await repos.incidents.update(state))) throw new StaleWrite();
          const saved = { ...state, version: state.version + 1 };
          await recordEvents(repos, saved, events, actor, ctx, deps.listeners);
          return saved;
        },
        notConcurrent(idOrReference),
      );
    },

    /** The incident whose comms channel this is, or null (commands outside one say where they work). */
    async findByChannel(channelId: string): Promise<Incident | null> {
      return store.incidents.findByChannelId(channelId);
    },

    /** Records the incident's comms channel once created (or renamed) in Slack. */
    async linkChannel(actor: Actor, idOrReference: string, channel: SlackChannelRef): Promise<Incident> {
      return inTransaction(
        store,
        async (repos) => {
          const ctx = contextFor(deps, actor);
          const before = await findIncidentForUpdate(repos, idOrReference);
          const linked = linkChannel(before, channel, ctx);
          if (linked.events.length === 0) return before;
          if (!(await repos.incidents.update(linked.state))) throw new StaleWrite();
          const saved = { ...linked.state, version: linked.state.version + 1 };
          await recordEvents(repos, saved, linked.events, actor, ctx, deps.listeners);
          return saved;
        },
        notConcurrent(idOrReference),
      );
    },

    /** The audit trail of one incident: every change, who made it, from where and when. */
    async audit(idOrReference: string): Promise<StoredAuditRecord[]> {
      const incident = await findIncident(store, idOrReference);
      return store.audit.listForIncident(incident.id);
    },
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
