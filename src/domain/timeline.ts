import type { TransitionContext } from './context.js';
import { DomainError } from './errors.js';
import type { DomainEvent, Transition } from './events.js';
import type { IncidentId, TimelineEntryId } from './ids.js';
import { LONG_TEXT_MAX, optionalLink, optionalText } from './text.js';
import type { Source, User } from './user.js';

export const timelineKinds = [
  'declared',
  'role',
  'fieldChange',
  'pinnedMessage',
  'note',
  'action',
  'page',
  'statusPage',
  'call',
  'closed',
  'reopened',
  'custom',
  'reminder',
  'update',
] as const;
export type TimelineKind = (typeof timelineKinds)[number];

/** Kinds a person or client may add directly; the others are written by the app as things happen. */
export const addableTimelineKinds = ['note', 'pinnedMessage', 'page', 'statusPage', 'call', 'custom'] as const satisfies readonly TimelineKind[];
export type AddableTimelineKind = (typeof addableTimelineKinds)[number];

/** The editable content of an entry; every revision holds a full copy of it. */
export interface TimelineContent {
  readonly occurredAt: Date;
  readonly kind: TimelineKind;
  readonly text: string;
  readonly link: string | null;
  readonly removed: boolean;
}

/** One version of an entry: corrections and removals add a revision, never overwrite one. */
export interface TimelineRevision extends TimelineContent {
  readonly entryId: TimelineEntryId;
  readonly revision: number;
  readonly revisedBy: User;
  readonly source: Source;
  readonly revisedAt: Date;
}

/** The current view of an entry (its latest revision) with who first wrote it. */
export interface TimelineEntry extends TimelineContent {
  readonly id: TimelineEntryId;
  readonly incidentId: IncidentId;
  /** Who said it: the person who wrote it, or whose message was pinned. */
  readonly author: User;
  /** The outside thing it copies (e.g. `slack:C123:1700000000.000100`), to find it again. */
  readonly sourceRef: string | null;
  readonly source: Source;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly updatedBy: User;
}

export interface TimelineChange {
  readonly entry: TimelineEntry;
  readonly revision: TimelineRevision;
}

// Clocks drift; an entry a little ahead is fine, one tomorrow is a typo.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

function checkText(text: string): string {
  const value = optionalText(text, 'text', LONG_TEXT_MAX, 'timeline.entry_invalid');
  if (value === null) throw new DomainError('timeline.entry_invalid', 'The text cannot be empty.', { field: 'text' });
  return value;
}

function checkOccurredAt(occurredAt: Date, ctx: TransitionContext): Date {
  // An Invalid Date would otherwise reach the database and fail the whole write with a TypeError.
  if (Number.isNaN(occurredAt.getTime())) {
    throw new DomainError('timeline.entry_invalid', 'The time of the entry is not a valid date.', { field: 'occurredAt' });
  }
  if (occurredAt.getTime() > ctx.at.getTime() + FUTURE_TOLERANCE_MS) {
    throw new DomainError('timeline.entry_invalid', 'An entry cannot be dated in the future.', { field: 'occurredAt' });
  }
  return occurredAt;
}

export interface NewTimelineEntry {
  readonly kind: TimelineKind;
  readonly text: string;
  readonly occurredAt?: Date | null;
  readonly link?: string | null;
  /** When copying someone else's words (a pinned message); the actor otherwise. */
  readonly author?: User;
  readonly sourceRef?: string | null;
}

/** Writes a new entry (revision 1); it happened now unless told otherwise. */
export function addTimelineEntry(
  incidentId: IncidentId,
  input: NewTimelineEntry,
  source: Source,
  ctx: TransitionContext,
): Transition<TimelineChange> {
  const id = ctx.newId() as TimelineEntryId;
  const content: TimelineContent = {
    occurredAt: checkOccurredAt(input.occurredAt ?? ctx.at, ctx),
    kind: input.kind,
    text: checkText(input.text),
    link: optionalLink(input.link ?? null, 'link', 'timeline.entry_invalid'),
    removed: false,
  };
  const entry: TimelineEntry = {
    ...content,
    id,
    incidentId,
    author: input.author ?? ctx.actor,
    sourceRef: input.sourceRef ?? null,
    source,
    revision: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
  return {
    state: { entry, revision: revisionOf(entry, source) },
    events: [{ type: 'timeline.entry_added', entryId: id, kind: input.kind }],
  };
}

export interface TimelineCorrection {
  readonly occurredAt?: Date;
  readonly text?: string;
  readonly link?: string | null;
}

/** Corrects an entry by adding a revision; the earlier text stays in its history. */
export function reviseTimelineEntry(
  entry: TimelineEntry,
  correction: TimelineCorrection,
  source: Source,
  ctx: TransitionContext,
): Transition<TimelineChange | null> {
  if (entry.removed) {
    throw new DomainError('timeline.entry_removed', 'That entry was removed; add a new one instead.');
  }
  const next = {
    occurredAt: correction.occurredAt !== undefined ? checkOccurredAt(correction.occurredAt, ctx) : entry.occurredAt,
    text: correction.text !== undefined ? checkText(correction.text) : entry.text,
    link: correction.link !== undefined ? optionalLink(correction.link, 'link', 'timeline.entry_invalid') : entry.link,
  };
  const unchanged =
    next.occurredAt.getTime() === entry.occurredAt.getTime() && next.text === entry.text && next.link === entry.link;
  if (unchanged) return { state: null, events: [] };
  return bump(entry, next, source, ctx, 'timeline.entry_revised');
}

/** Removes an entry from the current view; its revisions, and the removal itself, stay in history. */
export function removeTimelineEntry(entry: TimelineEntry, source: Source, ctx: TransitionContext): Transition<TimelineChange> {
  if (entry.removed) {
    throw new DomainError('timeline.entry_removed', 'That entry was already removed.');
  }
  return bump(entry, { removed: true }, source, ctx, 'timeline.entry_removed');
}

function bump(
  entry: TimelineEntry,
  changes: Partial<TimelineContent>,
  source: Source,
  ctx: TransitionContext,
  type: 'timeline.entry_revised' | 'timeline.entry_removed',
): Transition<TimelineChange> {
  const updated: TimelineEntry = {
    ...entry,
    ...changes,
    revision: entry.revision + 1,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
  const event: DomainEvent = { type, entryId: entry.id, revision: updated.revision };
  return { state: { entry: updated, revision: revisionOf(updated, source) }, events: [event] };
}

function revisionOf(entry: TimelineEntry, source: Source): TimelineRevision {
  return {
    entryId: entry.id,
    revision: entry.revision,
    occurredAt: entry.occurredAt,
    kind: entry.kind,
    text: entry.text,
    link: entry.link,
    removed: entry.removed,
    revisedBy: entry.updatedBy,
    source,
    revisedAt: entry.updatedAt,
  };
}
