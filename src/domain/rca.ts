import { addAction, updateAction, type Action } from './action.js';
import type { TransitionContext } from './context.js';
import { DomainError, type ErrorCode } from './errors.js';
import type { DomainEvent, Transition } from './events.js';
import type { Incident } from './incident.js';
import type { IncidentDurations } from './incident-durations.js';
import { person } from './incident-transitions.js';
import type { IncidentId } from './ids.js';
import { LONG_TEXT_MAX, optionalText } from './text.js';
import type { TimelineEntry } from './timeline.js';
import type { User } from './user.js';

/**
 * An RCA is a `draft` while people write it, `complete` once its outcome is agreed. Publishing and
 * sharing read the latest saved version whatever its status.
 */
export const rcaStatuses = ['draft', 'complete'] as const;
export type RcaStatus = (typeof rcaStatuses)[number];

/** The root cause analysis of one incident: the session that was held and what it found. */
export interface Rca {
  readonly incidentId: IncidentId;
  /** The day the RCA session was (or will be) held, an ISO calendar date; null until known. */
  readonly heldOn: string | null;
  readonly attendees: readonly User[];
  readonly rootCause: string | null;
  readonly contributingFactors: string | null;
  readonly wentWell: string | null;
  readonly wentBadly: string | null;
  readonly status: RcaStatus;
  /** Optimistic-concurrency counter, bumped on every saved change. */
  readonly version: number;
  readonly createdBy: User;
  readonly createdAt: Date;
  readonly updatedBy: User;
  readonly updatedAt: Date;
}

/**
 * Everything the RCA page, its exports and its publications show, read in one go: the incident,
 * its RCA (null before anyone started one), durations, the timeline (pinned messages and events,
 * removed entries left out), the actions taken during the incident and the follow-ups agreed
 * after it (actions with `followUp` set).
 */
export interface RcaReport {
  readonly incident: Incident;
  readonly rca: Rca | null;
  readonly durations: IncidentDurations;
  readonly timeline: readonly TimelineEntry[];
  readonly actions: readonly Action[];
  readonly followUps: readonly Action[];
}

/** The session as someone records it: when, who was there, and (optionally, from Slack) the root cause. */
export interface RcaSessionInput {
  readonly heldOn: string;
  readonly attendees: readonly User[];
  readonly rootCause?: string | null;
}

/** The outcome the session agreed; blank fields mean "not written yet". */
export interface RcaOutcomeInput {
  readonly rootCause: string | null;
  readonly contributingFactors: string | null;
  readonly wentWell: string | null;
  readonly wentBadly: string | null;
}

export const RCA_ATTENDEES_MAX = 100;

const outcomeFields = ['rootCause', 'contributingFactors', 'wentWell', 'wentBadly'] as const;
type OutcomeField = (typeof outcomeFields)[number];

const outcomeLabels: Record<OutcomeField, string> = {
  rootCause: 'root cause',
  contributingFactors: 'contributing factors',
  wentWell: 'what went well',
  wentBadly: 'what went badly',
};

/** A real calendar day written yyyy-mm-dd (what a date picker and `<input type=date>` send). */
export function checkCalendarDate(input: string, field: string, code: ErrorCode): string {
  const value = input.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = match ? new Date(`${value}T00:00:00Z`) : null;
  if (!match || !day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw new DomainError(code, `The ${field} must be a date written yyyy-mm-dd, e.g. 2026-05-14.`, { field });
  }
  return value;
}

/**
 * The RCA a change builds on: refused while the incident is open (there is nothing to analyse
 * yet) and, when the form said which version it was filled from, refused if someone saved since.
 */
function base(incident: Incident, rca: Rca | null, expectedVersion: number | undefined, ctx: TransitionContext): Rca {
  if (incident.status === 'open') {
    throw new DomainError('rca.incident_open', `${incident.reference} is still open: close it first, then record its root cause analysis.`);
  }
  const current = rca?.version ?? 0;
  if (expectedVersion !== undefined && expectedVersion !== current) {
    throw new DomainError(
      'rca.concurrent_update',
      `Someone else saved this RCA while you were editing it (by ${rca?.updatedBy.name ?? 'someone'}). Your changes were not saved: read theirs, then make yours again.`,
    );
  }
  return (
    rca ?? {
      incidentId: incident.id,
      heldOn: null,
      attendees: [],
      rootCause: null,
      contributingFactors: null,
      wentWell: null,
      wentBadly: null,
      status: 'draft',
      version: 0,
      createdBy: ctx.actor,
      createdAt: ctx.at,
      updatedBy: ctx.actor,
      updatedAt: ctx.at,
    }
  );
}

const saved = (rca: Rca, ctx: TransitionContext): Rca => ({ ...rca, version: rca.version + 1, updatedBy: ctx.actor, updatedAt: ctx.at });

/** Records when the RCA session is (or was) held and who attends; with `rootCause`, that too. */
export function recordRcaSession(
  incident: Incident,
  rca: Rca | null,
  input: RcaSessionInput,
  expectedVersion: number | undefined,
  ctx: TransitionContext,
): Transition<Rca> {
  const before = base(incident, rca, expectedVersion, ctx);
  const heldOn = checkCalendarDate(input.heldOn, 'session date', 'rca.invalid');
  const attendees = [...new Map(input.attendees.map((u) => [u.id, u])).values()];
  if (attendees.length === 0) throw new DomainError('rca.invalid', 'Name at least one attendee.', { field: 'attendees' });
  if (attendees.length > RCA_ATTENDEES_MAX) {
    throw new DomainError('rca.invalid', `At most ${RCA_ATTENDEES_MAX} attendees.`, { field: 'attendees' });
  }
  const rootCause = input.rootCause === undefined ? before.rootCause : optionalText(input.rootCause, 'root cause', LONG_TEXT_MAX, 'rca.invalid');
  const events: DomainEvent[] = [
    { type: 'rca.session_recorded', heldOn, attendees: attendees.map(person), first: before.heldOn === null },
  ];
  if (rootCause !== before.rootCause && rootCause !== null) events.push({ type: 'rca.outcome_recorded', fields: ['rootCause'] });
  return { state: saved({ ...before, heldOn, attendees, rootCause: rootCause ?? before.rootCause }, ctx), events };
}

/** Records the outcome; an unchanged outcome changes nothing (no new version, no event). */
export function recordRcaOutcome(
  incident: Incident,
  rca: Rca | null,
  input: RcaOutcomeInput,
  expectedVersion: number | undefined,
  ctx: TransitionContext,
): Transition<Rca> {
  const before = base(incident, rca, expectedVersion, ctx);
  const next: Record<OutcomeField, string | null> = {
    rootCause: before.rootCause,
    contributingFactors: before.contributingFactors,
    wentWell: before.wentWell,
    wentBadly: before.wentBadly,
  };
  const changed: OutcomeField[] = [];
  for (const field of outcomeFields) {
    const value = optionalText(input[field], outcomeLabels[field], LONG_TEXT_MAX, 'rca.invalid');
    if (value !== before[field]) {
      next[field] = value;
      changed.push(field);
    }
  }
  if (changed.length === 0) return { state: before, events: [] };
  return { state: saved({ ...before, ...next }, ctx), events: [{ type: 'rca.outcome_recorded', fields: changed }] };
}

/** Marks the RCA complete (its outcome agreed) or back to draft; the same status again changes nothing. */
export function setRcaStatus(
  incident: Incident,
  rca: Rca | null,
  status: RcaStatus,
  expectedVersion: number | undefined,
  ctx: TransitionContext,
): Transition<Rca> {
  const before = base(incident, rca, expectedVersion, ctx);
  if (before.status === status) return { state: before, events: [] };
  if (status === 'complete' && before.rootCause === null) {
    throw new DomainError('rca.invalid', 'Record the root cause before marking the RCA complete.', { field: 'rootCause' });
  }
  return { state: saved({ ...before, status }, ctx), events: [{ type: status === 'complete' ? 'rca.completed' : 'rca.reopened' }] };
}

/** A follow-up as someone adds it: what, who owns it, when it is due. */
export interface FollowUpInput {
  readonly text: string;
  readonly owner: User | null;
  readonly dueOn: string;
}

export interface FollowUpChanges {
  readonly text?: string;
  readonly owner?: User;
  readonly dueOn?: string;
  readonly done?: boolean;
}

/** Adds a follow-up (an action with `followUp` set): it needs an owner and a due date. */
export function addFollowUp(incident: Incident, input: FollowUpInput, ctx: TransitionContext): Transition<Action> {
  if (!input.owner) throw new DomainError('rca.invalid', 'A follow-up needs an owner.', { field: 'owner' });
  const dueOn = checkCalendarDate(input.dueOn, 'due date', 'rca.invalid');
  const added = addAction(incident.id, { text: input.text, owner: input.owner, followUp: true, dueOn }, ctx);
  const action = added.state;
  return { state: action, events: [{ type: 'follow_up.added', actionId: action.id, text: action.text, owner: person(input.owner), dueOn }] };
}

/** Edits a follow-up, completes it or reopens it; unchanged values produce no event. */
export function updateFollowUp(action: Action, changes: FollowUpChanges, ctx: TransitionContext): Transition<Action> {
  if (!action.followUp) throw new DomainError('action.not_found', 'That action is not a follow-up.');
  const dueOn = changes.dueOn === undefined ? undefined : checkCalendarDate(changes.dueOn, 'due date', 'rca.invalid');
  const updated = updateAction(action, { text: changes.text, owner: changes.owner, done: changes.done }, ctx);
  let next = updated.state;
  const events: DomainEvent[] = [];
  const edited: Record<string, string | null> = {};
  for (const event of updated.events) {
    if (event.type === 'action.updated') Object.assign(edited, event.changes);
    if (event.type === 'action.completed') events.push({ type: 'follow_up.completed', actionId: action.id, text: next.text });
    if (event.type === 'action.reopened') events.push({ type: 'follow_up.reopened', actionId: action.id, text: next.text });
  }
  if (dueOn !== undefined && dueOn !== action.dueOn) {
    next = { ...next, dueOn, updatedAt: ctx.at };
    edited.dueOn = dueOn;
  }
  if (Object.keys(edited).length > 0) events.unshift({ type: 'follow_up.updated', actionId: action.id, changes: edited });
  return { state: events.length === 0 ? action : next, events };
}

/** A follow-up not done whose due date is before `today` (yyyy-mm-dd, the viewer's calendar day). */
export function isOverdue(action: Pick<Action, 'done' | 'dueOn'>, today: string): boolean {
  return !action.done && action.dueOn !== null && action.dueOn < today;
}

/** Soonest due first (undated last), then oldest first. */
export function compareFollowUps(a: Pick<Action, 'dueOn' | 'createdAt'>, b: Pick<Action, 'dueOn' | 'createdAt'>): number {
  if (a.dueOn !== b.dueOn) {
    if (a.dueOn === null) return 1;
    if (b.dueOn === null) return -1;
    return a.dueOn < b.dueOn ? -1 : 1;
  }
  return a.createdAt.getTime() - b.createdAt.getTime();
}
