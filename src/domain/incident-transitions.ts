import type { TransitionContext } from './context.js';
import { DomainError } from './errors.js';
import type { DomainEvent, EditableField, PersonRef, Transition } from './events.js';
import type { IncidentId, RoleAssignmentId, UserId } from './ids.js';
import {
  holderOf,
  isPermanentlyInvolved,
  type CloseReason,
  type Incident,
  type PersonKind,
  type RoleAssignment,
  type SlackChannelRef,
} from './incident.js';
import { sameRole, type RoleName } from './role.js';
import { parseSeverity } from './severity.js';
import { LONG_TEXT_MAX, oneLine, optionalText, TITLE_MAX } from './text.js';
import type { User } from './user.js';

export interface DeclareInput {
  readonly id: IncidentId;
  readonly number: number;
  readonly referencePrefix: string;
  readonly title: string;
  readonly reportOnly: boolean;
  readonly occurredAt?: Date | null;
  readonly private?: boolean;
  /** A drill or test incident, left out of the metrics. */
  readonly drill?: boolean;
  readonly summary?: string | null;
  readonly impact?: string | null;
  readonly severity?: string | null;
  /** Who discovered it, when someone declares on their behalf; otherwise the declarer. */
  readonly reporter?: User;
}

/** Records a new incident; the moment of declaration is its official start. */
export function declareIncident(input: DeclareInput, ctx: TransitionContext): Transition<Incident> {
  const title = oneLine(input.title, 'title', TITLE_MAX, 'incident.title_invalid');
  const occurredAt = input.occurredAt ?? null;
  if (occurredAt && !input.reportOnly) {
    throw new DomainError(
      'incident.field_invalid',
      'An occurrence time is only for reporting something that already happened (reportOnly).',
      { field: 'occurredAt' },
    );
  }
  if (occurredAt && occurredAt.getTime() > ctx.at.getTime()) {
    throw new DomainError('incident.field_invalid', 'The occurrence time cannot be in the future.', {
      field: 'occurredAt',
    });
  }
  const incident: Incident = {
    id: input.id,
    number: input.number,
    reference: `${input.referencePrefix}-${input.number}`,
    title,
    status: 'open',
    closeReason: null,
    blockedUntil: null,
    reportOnly: input.reportOnly,
    occurredAt,
    private: input.private ?? false,
    drill: input.drill ?? false,
    summary: optionalText(input.summary ?? null, 'summary', LONG_TEXT_MAX, 'incident.field_invalid'),
    impact: optionalText(input.impact ?? null, 'impact', LONG_TEXT_MAX, 'incident.field_invalid'),
    severity: input.severity ? parseSeverity(ctx.severities, input.severity) : null,
    startedAt: ctx.at,
    endedAt: null,
    channel: null,
    channelArchivedAt: null,
    reporter: input.reporter ?? ctx.actor,
    roleAssignments: [],
    people: [],
    version: 0,
    createdAt: ctx.at,
    updatedAt: ctx.at,
  };
  return {
    state: incident,
    events: [
      {
        type: 'incident.declared',
        title,
        reportOnly: incident.reportOnly,
        occurredAt: occurredAt?.toISOString() ?? null,
      },
    ],
  };
}

export interface IncidentChanges {
  readonly title?: string;
  readonly summary?: string | null;
  readonly impact?: string | null;
  readonly severity?: string | null;
  readonly private?: boolean;
}

/** Changes descriptive fields; only real changes produce events (setting the same value is a no-op). */
export function editIncident(incident: Incident, changes: IncidentChanges, ctx: TransitionContext): Transition<Incident> {
  const next: { -readonly [K in EditableField]: Incident[K] } = {
    title: incident.title,
    summary: incident.summary,
    impact: incident.impact,
    severity: incident.severity,
    private: incident.private,
  };
  if (changes.title !== undefined) next.title = oneLine(changes.title, 'title', TITLE_MAX, 'incident.title_invalid');
  if (changes.summary !== undefined) {
    next.summary = optionalText(changes.summary, 'summary', LONG_TEXT_MAX, 'incident.field_invalid');
  }
  if (changes.impact !== undefined) {
    next.impact = optionalText(changes.impact, 'impact', LONG_TEXT_MAX, 'incident.field_invalid');
  }
  if (changes.severity !== undefined) {
    // Blank means "no severity", as at declaration.
    next.severity = changes.severity === null || changes.severity.trim() === '' ? null : parseSeverity(ctx.severities, changes.severity);
  }
  if (changes.private !== undefined) next.private = changes.private;

  const events: DomainEvent[] = [];
  for (const field of Object.keys(next) as EditableField[]) {
    if (next[field] !== incident[field]) {
      events.push({ type: 'incident.field_changed', field, from: incident[field], to: next[field] });
    }
  }
  if (events.length === 0) return { state: incident, events };
  return { state: { ...incident, ...next, updatedAt: ctx.at }, events };
}

export interface CloseInput {
  readonly reason: CloseReason;
  readonly blockedUntil?: Date | null;
  /** A closing word for the record ("fixed by rolling back the deploy"). */
  readonly note?: string | null;
}

/** Ends work on the incident: resolved, or blocked (optionally until a later date). */
export function closeIncident(incident: Incident, input: CloseInput, ctx: TransitionContext): Transition<Incident> {
  if (incident.status === 'closed') {
    throw new DomainError('incident.already_closed', `${incident.reference} is already closed.`);
  }
  const blockedUntil = input.blockedUntil ?? null;
  if (blockedUntil && input.reason !== 'blocked') {
    throw new DomainError('incident.close_reason_invalid', 'A "blocked until" date only goes with the reason "blocked".', {
      field: 'blockedUntil',
    });
  }
  if (blockedUntil && blockedUntil.getTime() <= ctx.at.getTime()) {
    throw new DomainError('incident.close_reason_invalid', 'The "blocked until" date must be in the future.', {
      field: 'blockedUntil',
    });
  }
  return {
    state: {
      ...incident,
      status: 'closed',
      closeReason: input.reason,
      blockedUntil,
      endedAt: ctx.at,
      updatedAt: ctx.at,
    },
    events: [
      {
        type: 'incident.closed',
        reason: input.reason,
        blockedUntil: blockedUntil?.toISOString() ?? null,
        note: optionalText(input.note ?? null, 'note', LONG_TEXT_MAX, 'incident.field_invalid'),
      },
    ],
  };
}

/** Records the incident's comms channel (created, or renamed). Same channel and name: no-op. */
export function linkChannel(incident: Incident, channel: SlackChannelRef, ctx: TransitionContext): Transition<Incident> {
  const previous = incident.channel;
  if (previous && previous.id === channel.id && previous.name === channel.name) return { state: incident, events: [] };
  return {
    state: { ...incident, channel, updatedAt: ctx.at },
    events: [{ type: 'incident.channel_linked', channel, previous }],
  };
}

/** Opens a closed incident again (the problem came back, or the block lifted). */
export function reopenIncident(incident: Incident, ctx: TransitionContext): Transition<Incident> {
  if (incident.status === 'open') {
    throw new DomainError('incident.already_open', `${incident.reference} is already open.`);
  }
  return {
    state: { ...incident, status: 'open', closeReason: null, blockedUntil: null, endedAt: null, updatedAt: ctx.at },
    events: [{ type: 'incident.reopened' }],
  };
}

/** Turns a report of something past into a live incident that people now work on. */
export function promoteToLive(incident: Incident, ctx: TransitionContext): Transition<Incident> {
  if (!incident.reportOnly) {
    throw new DomainError('incident.not_report_only', `${incident.reference} is already a live incident.`);
  }
  return {
    state: { ...incident, reportOnly: false, updatedAt: ctx.at },
    events: [{ type: 'incident.promoted' }],
  };
}

/**
 * Gives `role` to `user`, handing over from the current holder (whose assignment is ended, not
 * removed, so the hand-over stays visible). `null` leaves the role unfilled.
 */
export function assignRole(
  incident: Incident,
  role: RoleName,
  user: User | null,
  ctx: TransitionContext,
): Transition<Incident> {
  const current = incident.roleAssignments.find((a) => a.endedAt === null && sameRole(a.role, role));
  if ((current?.holder.id ?? null) === (user?.id ?? null)) return { state: incident, events: [] };

  const assignments: RoleAssignment[] = incident.roleAssignments.map((a) =>
    a === current ? { ...a, endedAt: ctx.at, endedBy: ctx.actor } : a,
  );
  const previous = current ? person(current.holder) : null;
  // Keep the spelling the role was first given, so "sme" does not rename "SME".
  const roleName = current?.role ?? role;
  if (user === null) {
    // A current holder exists here: an empty role asked to stay empty returned above.
    return {
      state: { ...incident, roleAssignments: assignments, updatedAt: ctx.at },
      events: [{ type: 'incident.role_unassigned', role: roleName, previous: previous! }],
    };
  }
  assignments.push({
    id: ctx.newId() as RoleAssignmentId,
    role: roleName,
    holder: user,
    assignedAt: ctx.at,
    assignedBy: ctx.actor,
    endedAt: null,
    endedBy: null,
  });
  return {
    state: { ...incident, roleAssignments: assignments, updatedAt: ctx.at },
    events: [{ type: 'incident.role_assigned', role: roleName, holder: person(user), previous }],
  };
}

/**
 * Lets `user` in to the incident: `added` by someone, or `channel` for a member of its Slack
 * channel. Already there that way, or involved for good (reporter, a role holder ever): no-op.
 */
export function addPerson(incident: Incident, user: User, how: PersonKind, ctx: TransitionContext): Transition<Incident> {
  const present = incident.people.some((p) => p.user.id === user.id && p.how === how);
  if (present || isPermanentlyInvolved(incident, user.id)) return { state: incident, events: [] };
  return {
    state: { ...incident, people: [...incident.people, { user, how, addedBy: ctx.actor, addedAt: ctx.at }] },
    events: [{ type: 'incident.person_added', person: person(user), how }],
  };
}

/**
 * Takes back one way `userId` was let in (`added`, or `channel` when they leave it). Other ways
 * stay, and so do the reporter and role holders, who are involved for good. Not there: no-op.
 */
export function removePerson(incident: Incident, userId: UserId, how: PersonKind): Transition<Incident> {
  const found = incident.people.find((p) => p.user.id === userId && p.how === how);
  if (!found) return { state: incident, events: [] };
  return {
    state: { ...incident, people: incident.people.filter((p) => p !== found) },
    events: [{ type: 'incident.person_removed', person: person(found.user), how }],
  };
}

/** The lead, for the common question "who is running this?". */
export function leadOf(incident: Incident): User | null {
  return holderOf(incident, 'lead');
}

export function person(user: User): PersonRef {
  return { id: user.id, name: user.name };
}

/** Runs transitions one after another, collecting their events. */
export function chain<T>(state: T, steps: readonly ((s: T) => Transition<T>)[]): Transition<T> {
  const events: DomainEvent[] = [];
  let current = state;
  for (const step of steps) {
    const result = step(current);
    current = result.state;
    events.push(...result.events);
  }
  return { state: current, events };
}
