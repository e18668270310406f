import type { TransitionContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import type { DomainEvent, Transition } from '../domain/events.js';
import type { Incident } from '../domain/incident.js';
import { incidentDurations, stakeholderUpdateKinds } from '../domain/incident-durations.js';
import {
  recordRcaOutcome,
  recordRcaSession,
  setRcaStatus,
  type Rca,
  type RcaOutcomeInput,
  type RcaReport,
  type RcaStatus,
} from '../domain/rca.js';
import type { TimelineKind } from '../domain/timeline.js';
import type { Actor, User } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';
import { resolveUser, type UserInput } from './user-directory.js';

/** The session as a surface sends it: attendees named by Slack id, email or our id. */
export interface RcaSessionRequest {
  readonly heldOn: string;
  readonly attendees: readonly UserInput[];
  readonly rootCause?: string | null;
  /** The version the form was filled from (0: there was no RCA); absent: no check (a Slack modal). */
  readonly expectedVersion?: number;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Reads everything the RCA page shows, in one go, from `repos` (a transaction or the store). */
export async function readRcaReport(repos: Repositories, incident: Incident): Promise<RcaReport> {
  const [rca, entries, allActions] = await Promise.all([
    repos.rcas.find(incident.id),
    repos.timeline.listForIncident(incident.id),
    repos.actions.listForIncident(incident.id),
  ]);
  const updateKinds: readonly TimelineKind[] = stakeholderUpdateKinds;
  const firstUpdate = entries
    .filter((e) => !e.removed && updateKinds.includes(e.kind))
    .reduce<Date | null>((first, e) => (first === null || e.occurredAt < first ? e.occurredAt : first), null);
  // The repository lists them in the order they happened (ties in the order they were written).
  const timeline = entries.filter((e) => !e.removed);
  return {
    incident,
    rca,
    durations: incidentDurations(incident, firstUpdate),
    timeline,
    actions: allActions.filter((a) => !a.followUp),
    followUps: allActions.filter((a) => a.followUp),
  };
}

/**
 * The root cause analysis after close: its session (date, attendees), its outcome, draft or
 * complete. Each change is saved under the RCA's version (a stale form is refused, never merged
 * silently), audited and told on the timeline like any other change to the incident.
 */
export function createRcaService(deps: ServiceDeps) {
  const { store, ids } = deps;

  /** Applies one RCA transition to the locked incident and saves it under its version. */
  async function change(actor: Actor, idOrReference: string, work: (repos: Repositories, incident: Incident, rca: Rca | null, ctx: TransitionContext) => Promise<Transition<Rca>>): Promise<Rca> {
    return store.transaction(async (repos) => {
      const ctx = contextFor(deps, actor);
      await claimRequest(repos, actor, ctx.at);
      const incident = await findIncidentForUpdate(repos, idOrReference);
      const current = await repos.rcas.find(incident.id);
      const changed = await work(repos, incident, current, ctx);
      if (changed.events.length === 0) return changed.state;
      if (!(await repos.rcas.save(changed.state))) {
        throw new DomainError('rca.concurrent_update', 'Someone else saved this RCA at the same moment. Your changes were not saved: reload it and try again.');
      }
      const events: DomainEvent[] = [...changed.events];
      // Recording the session answers the "schedule the RCA" reminder, as `rca booked` does.
      if (changed.events.some((e) => e.type === 'rca.session_recorded')) {
        const records = await repos.nudges.forIncident(incident.id);
        if (!records.get('schedule_rca')?.stoppedAt) {
          await repos.nudges.set(incident.id, 'schedule_rca', { stoppedAt: ctx.at });
          events.push({ type: 'nudge.stopped', kind: 'schedule_rca' });
        }
      }
      await recordEvents(repos, incident, events, actor, ctx, deps.listeners);
      return changed.state;
    });
  }

  async function attendeesOf(repos: Repositories, inputs: readonly UserInput[]): Promise<User[]> {
    const users: User[] = [];
    for (const input of inputs) {
      if (input.email !== undefined && !EMAIL.test(input.email.trim())) {
        throw new DomainError('rca.invalid', `"${input.email}" is not an email address.`, { field: 'attendees' });
      }
      users.push(await resolveUser(repos, ids, input, 'attendees'));
    }
    return users;
  }

  return {
    /** The RCA page's content: the incident, its RCA (or null), durations, timeline, actions and follow-ups. */
    async report(idOrReference: string): Promise<RcaReport> {
      const incident = await findIncident(store, idOrReference);
      return readRcaReport(store, incident);
    },

    /** Records (or changes) the session's date and attendees; stops the "schedule the RCA" reminder. */
    async recordSession(actor: Actor, idOrReference: string, request: RcaSessionRequest): Promise<Rca> {
      return change(actor, idOrReference, async (repos, incident, rca, ctx) => {
        const attendees = await attendeesOf(repos, request.attendees);
        return recordRcaSession(incident, rca, { heldOn: request.heldOn, attendees, rootCause: request.rootCause }, request.expectedVersion, ctx);
      });
    },

    /** Records the outcome: root cause, contributing factors, what went well and badly. */
    async recordOutcome(actor: Actor, idOrReference: string, input: RcaOutcomeInput, expectedVersion?: number): Promise<Rca> {
      return change(actor, idOrReference, async (_repos, incident, rca, ctx) => recordRcaOutcome(incident, rca, input, expectedVersion, ctx));
    },

    /** Marks the RCA complete, or back to draft. */
    async setStatus(actor: Actor, idOrReference: string, status: RcaStatus, expectedVersion?: number): Promise<Rca> {
      return change(actor, idOrReference, async (_repos, incident, rca, ctx) => setRcaStatus(incident, rca, status, expectedVersion, ctx));
    },
  };
}

export type RcaService = ReturnType<typeof createRcaService>;
