import { holderOf, type Incident } from './incident.js';
import type { RoleName } from './role.js';

/**
 * The reminders the process implies, each stopping the moment its condition is answered or the
 * incident closes (or, for the after-close ones, reopens).
 */
export const nudgeKinds = [
  'no_lead',
  'no_scribe',
  'lead_is_scribe',
  'missing_details',
  'comms_update',
  'checkin',
  'take_break',
  'can_close',
  'schedule_rca',
  'archive_warning',
  'archive',
] as const;
export type NudgeKind = (typeof nudgeKinds)[number];

/** What each reminder is about, as the timeline and the audit trail tell it. */
export const nudgeLabels: Readonly<Record<NudgeKind, string>> = {
  no_lead: 'nobody is incident lead yet',
  no_scribe: 'nobody is scribe yet',
  lead_is_scribe: 'the incident lead is also the scribe',
  missing_details: 'the summary, severity or impact is missing',
  comms_update: 'a stakeholder update is due',
  checkin: 'team check-in',
  take_break: 'take a break',
  can_close: 'can the incident be closed?',
  schedule_rca: 'schedule the root cause analysis',
  archive_warning: 'the channel will be archived soon',
  archive: 'the channel is archived',
};

/** When a nudge first fires once its condition holds, and how often it repeats while unanswered (null: once). */
export interface NudgeTiming {
  readonly afterMs: number;
  readonly everyMs: number | null;
}

/** Working hours: nudges that can wait for people to be at work ("can it be closed?", the RCA) wait for them. */
export interface WorkingHours {
  /** IANA time zone, e.g. Europe/London. */
  readonly timeZone: string;
  /** Local hours, 0–24: from startHour:00 until endHour:00. */
  readonly startHour: number;
  readonly endHour: number;
  /** Days of the week, 0 = Sunday … 6 = Saturday. */
  readonly days: readonly number[];
}

/** Every reminder's timing; null turns one off. */
export interface NudgeSettings {
  readonly noLead: NudgeTiming | null;
  readonly noScribe: NudgeTiming | null;
  readonly leadIsScribe: NudgeTiming | null;
  readonly missingDetails: NudgeTiming | null;
  readonly takeBreak: NudgeTiming | null;
  readonly canClose: NudgeTiming | null;
  readonly scheduleRca: NudgeTiming | null;
  /** The comms lead's stakeholder-update cadence by severity key (absent: no cadence for that severity). */
  readonly commsCadenceMs: Readonly<Record<string, number>>;
  /** After close, the channel is archived this long after; null: never automatically. */
  readonly archiveAfterMs: number | null;
  /** How long before the archive the channel is warned (and can say `keep`). */
  readonly archiveWarningMs: number;
  readonly workingHours: WorkingHours;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Defaults an experienced incident lead would pick; each is configurable. */
export const defaultNudgeSettings: NudgeSettings = Object.freeze({
  noLead: { afterMs: 5 * MINUTE, everyMs: 10 * MINUTE },
  noScribe: { afterMs: 10 * MINUTE, everyMs: 20 * MINUTE },
  leadIsScribe: { afterMs: 0, everyMs: null },
  missingDetails: { afterMs: 15 * MINUTE, everyMs: 30 * MINUTE },
  takeBreak: { afterMs: 2 * HOUR, everyMs: 2 * HOUR },
  canClose: { afterMs: DAY, everyMs: DAY },
  scheduleRca: { afterMs: 2 * HOUR, everyMs: DAY },
  commsCadenceMs: { critical: 30 * MINUTE, major: HOUR },
  archiveAfterMs: 7 * DAY,
  archiveWarningMs: DAY,
  workingHours: { timeZone: 'Europe/London', startHour: 9, endHour: 17, days: [1, 2, 3, 4, 5] },
});

/** What has happened with one nudge on one incident. */
export interface NudgeState {
  readonly sentCount: number;
  readonly lastSentAt: Date | null;
  readonly snoozedUntil: Date | null;
  /** Answered for good on this incident (`keep`, the RCA booked): it never fires again. */
  readonly stoppedAt: Date | null;
}

export const neverSent: NudgeState = Object.freeze({ sentCount: 0, lastSentAt: null, snoozedUntil: null, stoppedAt: null });

/** What the rules need besides the incident: facts recorded elsewhere. */
export interface NudgeFacts {
  readonly incident: Incident;
  /** The last stakeholder update (an `update` posted, a status page update). */
  readonly lastUpdateAt: Date | null;
  /** Team check-ins as the lead set them (`checkins every 30m`), from `since`. */
  readonly checkins: { readonly everyMs: number; readonly since: Date } | null;
  readonly rcaRecorded: boolean;
  /** Someone said `keep`: the channel is not archived automatically. */
  readonly keepChannel: boolean;
  readonly channelArchived: boolean;
}

/** A condition that holds since `since`, with the timing that applies; null when it does not hold. */
interface Condition {
  readonly since: Date;
  readonly timing: NudgeTiming;
  readonly workingHoursOnly?: boolean;
}

/**
 * When `kind` should next fire for this incident, or null when it should not (its condition is
 * answered, it is off, or it has fired as often as it may). Pure: the scheduler calls it after
 * every change and again when a check comes due, so a nudge can never outlive its reason.
 */
export function nextNudgeAt(kind: NudgeKind, facts: NudgeFacts, settings: NudgeSettings, state: NudgeState): Date | null {
  if (state.stoppedAt) return null;
  const condition = conditionOf(kind, facts, settings);
  if (!condition) return null;
  // Sent since the condition began: repeat (or stop, for a once-only nudge). Sent before it: the
  // condition is new (a lead who left, a schedule changed) and it starts over.
  const sentThisTime = state.lastSentAt !== null && state.lastSentAt.getTime() >= condition.since.getTime();
  let at: number;
  if (sentThisTime) {
    if (condition.timing.everyMs === null) return null;
    at = state.lastSentAt!.getTime() + condition.timing.everyMs;
  } else {
    at = condition.since.getTime() + condition.timing.afterMs;
  }
  if (state.snoozedUntil && state.snoozedUntil.getTime() > at) at = state.snoozedUntil.getTime();
  const due = new Date(at);
  return condition.workingHoursOnly ? nextWorkingTime(due, settings.workingHours) : due;
}

function conditionOf(kind: NudgeKind, facts: NudgeFacts, settings: NudgeSettings): Condition | null {
  const { incident } = facts;
  // A report of something already over needs no one chased; reminders are said in the channel,
  // so once it is archived there is nobody left to remind (the RCA one would otherwise go on daily).
  if (incident.reportOnly || facts.channelArchived) return null;
  const open = incident.status === 'open';
  const when = (timing: NudgeTiming | null, holds: boolean, since: Date, workingHoursOnly = false): Condition | null =>
    timing && holds ? { since, timing, workingHoursOnly } : null;

  switch (kind) {
    case 'no_lead':
      return when(settings.noLead, open && !holderOf(incident, 'lead'), vacantSince(incident, 'lead'));
    case 'no_scribe':
      return when(settings.noScribe, open && !holderOf(incident, 'scribe'), vacantSince(incident, 'scribe'));
    case 'lead_is_scribe': {
      const lead = current(incident, 'lead');
      const scribe = current(incident, 'scribe');
      const same = open && !!lead && !!scribe && lead.holder.id === scribe.holder.id;
      return when(settings.leadIsScribe, same, later(lead?.assignedAt, scribe?.assignedAt) ?? incident.startedAt);
    }
    case 'missing_details':
      return when(settings.missingDetails, open && (!incident.summary || !incident.severity || !incident.impact), incident.startedAt);
    case 'comms_update': {
      const cadence = incident.severity ? settings.commsCadenceMs[incident.severity] : undefined;
      const timing = cadence ? { afterMs: cadence, everyMs: cadence } : null;
      return when(timing, open, later(facts.lastUpdateAt, incident.startedAt)!);
    }
    case 'checkin': {
      const { checkins } = facts;
      return checkins && open ? { since: checkins.since, timing: { afterMs: checkins.everyMs, everyMs: checkins.everyMs } } : null;
    }
    case 'take_break':
      return when(settings.takeBreak, open, incident.startedAt);
    case 'can_close':
      return when(settings.canClose, open, incident.startedAt, true);
    case 'schedule_rca':
      return when(settings.scheduleRca, !open && incident.closeReason === 'resolved' && !facts.rcaRecorded, incident.endedAt ?? incident.updatedAt, true);
    case 'archive_warning':
    case 'archive': {
      if (settings.archiveAfterMs === null || open || !incident.channel || facts.channelArchived || facts.keepChannel) return null;
      const afterMs = kind === 'archive' ? settings.archiveAfterMs : Math.max(0, settings.archiveAfterMs - settings.archiveWarningMs);
      return { since: incident.endedAt ?? incident.updatedAt, timing: { afterMs, everyMs: null } };
    }
  }
}

function current(incident: Incident, role: RoleName) {
  return incident.roleAssignments.find((a) => a.role === role && a.endedAt === null) ?? null;
}

/** Since when a role has been empty: the last holder's end, or the start when nobody ever held it. */
function vacantSince(incident: Incident, role: RoleName): Date {
  const ends = incident.roleAssignments.filter((a) => a.role === role && a.endedAt).map((a) => a.endedAt!.getTime());
  return new Date(Math.max(incident.startedAt.getTime(), ...ends));
}

function later(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

const STEP_MS = 15 * MINUTE;

/**
 * `at` if it falls in working hours, else the next start of working hours (in quarter-hour steps,
 * so zones offset by 30 or 45 minutes land on their own hour). Never skips: a nudge due at night
 * comes in the morning.
 */
export function nextWorkingTime(at: Date, hours: WorkingHours): Date {
  if (hours.days.length === 0 || hours.startHour >= hours.endHour) return at;
  const format = formatterFor(hours.timeZone);
  const local = (t: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    return { day: WEEKDAYS.indexOf(parts.weekday ?? ''), hour: Number(parts.hour), minute: Number(parts.minute) };
  };
  const working = ({ day, hour, minute }: ReturnType<typeof local>) => {
    const h = hour + minute / 60;
    return hours.days.includes(day) && h >= hours.startHour && h < hours.endHour;
  };
  if (working(local(at.getTime()))) return at;
  // Round up to the next quarter hour, then step until inside working hours (at most 8 days).
  // Working hours start and end on whole local hours (and days and DST shifts change on them too),
  // so within a local hour the answer cannot change: after a quarter outside, jump straight to the
  // next local hour, which lands on the same quarter the one-quarter-at-a-time walk would. This
  // walk ran on every Slack request and was 8 % of the CPU at night and at weekends.
  let t = Math.ceil(at.getTime() / STEP_MS) * STEP_MS;
  const limit = t + 8 * DAY;
  while (t <= limit) {
    const now = local(t);
    if (working(now)) return new Date(t);
    t += now.minute % 15 === 0 ? (60 - now.minute) * MINUTE : STEP_MS;
  }
  return at;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// One formatter per zone for the process: building an Intl.DateTimeFormat costs far more than using it.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  return format;
}
