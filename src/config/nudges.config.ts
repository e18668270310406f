import { z } from 'zod';
import { formatDuration } from '../domain/duration.js';
import { defaultNudgeSettings, type NudgeSettings, type NudgeTiming, type WorkingHours } from '../domain/nudges.js';
import type { SeverityScale } from '../domain/severity.js';

// The reminders' variables (NUDGE_*, COMMS_UPDATE_EVERY, ARCHIVE_*, WORKING_HOURS, TZ): their
// parsers, and the settings they make once SEVERITIES is known. config.ts holds the schema.

/** The parsed reminder variables, as config.ts's schema yields them. */
export interface NudgeVariables {
  readonly NUDGE_NO_LEAD?: NudgeTiming | null;
  readonly NUDGE_NO_SCRIBE?: NudgeTiming | null;
  readonly NUDGE_LEAD_IS_SCRIBE: 'on' | 'off';
  readonly NUDGE_DETAILS?: NudgeTiming | null;
  readonly NUDGE_BREAK?: NudgeTiming | null;
  readonly NUDGE_CAN_CLOSE?: NudgeTiming | null;
  readonly NUDGE_RCA?: NudgeTiming | null;
  readonly COMMS_UPDATE_EVERY?: Readonly<Record<string, number>>;
  readonly ARCHIVE_CHANNEL_AFTER?: number | null;
  readonly ARCHIVE_WARNING_BEFORE?: number;
  readonly WORKING_HOURS?: Omit<WorkingHours, 'timeZone'>;
  readonly TZ?: string;
}

const MINUTE_MS = 60_000;
const durationForms = 'a duration like 0m, 90m, 2h, 1d or 1h30m';

/** A configured duration (days, hours, minutes, in that order: `90m`, `2h`, `1d`, `1h30m`, `0m`) in ms; null when it is not one. */
export function parseDuration(text: string): number | null {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim().toLowerCase());
  if (!match || !(match[1] ?? match[2] ?? match[3])) return null;
  const ms = ((Number(match[1] ?? 0) * 24 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * MINUTE_MS;
  return Number.isSafeInteger(ms) ? ms : null;
}

export const duration = z.string().transform((value, ctx): number => {
  const ms = parseDuration(value);
  if (ms !== null) return ms;
  ctx.addIssue({ code: 'custom', message: `expected ${durationForms}, got "${value}"` });
  return z.NEVER;
});

export const durationOrOff = z.string().transform((value, ctx): number | null => {
  const ms = value.trim().toLowerCase() === 'off' ? null : parseDuration(value);
  if (ms !== null || value.trim().toLowerCase() === 'off') return ms;
  ctx.addIssue({ code: 'custom', message: `expected off or ${durationForms}, got "${value}"` });
  return z.NEVER;
});

// A repeat under a minute would flood the channel; a first reminder at once (`0m`) is fine.
export const nudgeTiming = z.string().transform((value, ctx): NudgeTiming | null => {
  const text = value.trim().toLowerCase();
  if (text === 'off') return null;
  const [afterText = '', everyText, ...rest] = text.split(/\s+every\s+/);
  const afterMs = parseDuration(afterText);
  const everyMs = everyText === undefined ? null : parseDuration(everyText);
  if (afterMs === null || rest.length > 0 || (everyText !== undefined && everyMs === null)) {
    ctx.addIssue({ code: 'custom', message: `expected off, <after> or <after> every <repeat>, each ${durationForms}; got "${value}"` });
    return z.NEVER;
  }
  if (everyMs !== null && everyMs < MINUTE_MS) {
    ctx.addIssue({ code: 'custom', message: `the repeat must be at least 1m, got "${value}"` });
    return z.NEVER;
  }
  return Object.freeze({ afterMs, everyMs });
});

/** Severity keys are checked against SEVERITIES once both are parsed. */
export const commsCadence = z.string().transform((value, ctx): Readonly<Record<string, number>> => {
  if (value.trim().toLowerCase() === 'off') return Object.freeze({});
  const cadence = new Map<string, number>();
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key = '', every = '', ...rest] = pair.split(':').map((s) => s.trim());
    const ms = parseDuration(every);
    if (!key || rest.length > 0 || ms === null || ms < MINUTE_MS) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" needs a severity key and a duration of at least 1m, like "critical:30m,major:1h" (or off)` });
      return z.NEVER;
    }
    if (cadence.has(key)) {
      ctx.addIssue({ code: 'custom', message: `the key "${key}" appears twice` });
      return z.NEVER;
    }
    cadence.set(key, ms);
  }
  if (cadence.size === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected severity:duration pairs like "critical:30m,major:1h", or off' });
    return z.NEVER;
  }
  return Object.freeze(Object.fromEntries(cadence));
});

const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** `Mon-Fri`, `Mon,Wed,Fri`, `Sun-Sat` as 0 = Sunday … 6 = Saturday, sorted; null when not days. A range may wrap (`Fri-Mon`). */
function parseDays(text: string): number[] | null {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const ends = part.split('-').map((d) => dayNames.indexOf(d.trim().toLowerCase()));
    const [from, to = from, ...rest] = ends;
    if (from === undefined || to === undefined || rest.length > 0 || from < 0 || to < 0) return null;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

// WorkingHours counts whole hours (and nextWorkingTime steps in quarter hours), so minutes are refused rather than rounded.
export const workingHours = z.string().transform((value, ctx): Omit<WorkingHours, 'timeZone'> => {
  const fail = (why: string) => {
    ctx.addIssue({ code: 'custom', message: `${why}; expected whole hours and days like "09:00-17:00 Mon-Fri" or "08:00-20:00 Mon,Wed,Fri"` });
    return z.NEVER;
  };
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s+(\S.*)$/.exec(value.trim());
  if (!match) return fail(`"${value}" is not hours and days`);
  const [, start = '', startMinutes, end = '', endMinutes, dayText = ''] = match;
  if (startMinutes !== '00' || endMinutes !== '00') return fail(`"${value}" has minutes: only whole hours are supported`);
  const startHour = Number(start);
  const endHour = Number(end);
  if (endHour > 24 || startHour >= endHour) return fail(`"${value}": the start must come before the end, within 00:00-24:00 (overnight hours are not supported)`);
  const days = parseDays(dayText);
  if (!days) return fail(`"${dayText}" is not days like Mon-Fri, Mon,Wed,Fri or Sun-Sat`);
  return { startHour, endHour, days };
});

// TZ is also the process's own zone setting: its POSIX form `:/etc/localtime` (some hosts set it)
// means "the system's zone", which Intl can name, rather than an error at start.
export const timeZone = z.string().transform((value, ctx): string => {
  const name = value.trim();
  try {
    return new Intl.DateTimeFormat(undefined, name.startsWith(':') ? {} : { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    ctx.addIssue({ code: 'custom', message: `unknown time zone "${value}"; expected an IANA name like Europe/London or UTC` });
    return z.NEVER;
  }
});

/** The reminders' settings: defaults for what is unset, cross-checks against SEVERITIES and each other. */
export function nudgeSettings(c: NudgeVariables, severities: SeverityScale, problems: string[]): NudgeSettings {
  const d = defaultNudgeSettings;
  const timing = (value: NudgeTiming | null | undefined, fallback: NudgeTiming | null) =>
    value !== undefined ? value : fallback && Object.freeze({ ...fallback });
  const keys = severities.map((s) => s.key);
  let commsCadenceMs = c.COMMS_UPDATE_EVERY;
  if (commsCadenceMs === undefined) {
    // The default names the default scale's keys; a custom scale keeps the ones it shares.
    commsCadenceMs = Object.freeze(Object.fromEntries(Object.entries(d.commsCadenceMs).filter(([key]) => keys.includes(key))));
  } else {
    for (const key of Object.keys(commsCadenceMs)) {
      if (!keys.includes(key)) problems.push(`COMMS_UPDATE_EVERY: unknown severity key "${key}"; expected keys of SEVERITIES: ${keys.join(', ')}`);
    }
  }
  const archiveAfterMs = c.ARCHIVE_CHANNEL_AFTER === undefined ? d.archiveAfterMs : c.ARCHIVE_CHANNEL_AFTER;
  const archiveWarningMs = c.ARCHIVE_WARNING_BEFORE ?? d.archiveWarningMs;
  if (archiveAfterMs !== null && archiveWarningMs >= archiveAfterMs) {
    problems.push(
      `ARCHIVE_WARNING_BEFORE: must be less than ARCHIVE_CHANNEL_AFTER (${formatDuration(archiveWarningMs)} is not less than ${formatDuration(archiveAfterMs)})`,
    );
  }
  const hours = c.WORKING_HOURS ?? d.workingHours;
  return Object.freeze({
    noLead: timing(c.NUDGE_NO_LEAD, d.noLead),
    noScribe: timing(c.NUDGE_NO_SCRIBE, d.noScribe),
    leadIsScribe: c.NUDGE_LEAD_IS_SCRIBE === 'on' ? Object.freeze({ afterMs: 0, everyMs: null }) : null,
    missingDetails: timing(c.NUDGE_DETAILS, d.missingDetails),
    takeBreak: timing(c.NUDGE_BREAK, d.takeBreak),
    canClose: timing(c.NUDGE_CAN_CLOSE, d.canClose),
    scheduleRca: timing(c.NUDGE_RCA, d.scheduleRca),
    commsCadenceMs,
    archiveAfterMs,
    archiveWarningMs,
    workingHours: Object.freeze({
      timeZone: c.TZ ?? d.workingHours.timeZone,
      startHour: hours.startHour,
      endHour: hours.endHour,
      days: Object.freeze([...hours.days]),
    }),
  });
}
