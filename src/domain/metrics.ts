import { DomainError } from './errors.js';
import { durationsFromMoments, type IncidentMoments } from './incident-durations.js';
import type { SeverityScale } from './severity.js';

const DAY_MS = 86_400_000;

/** How many days the metrics cover when no range is given: the last 90, today included. */
export const DEFAULT_RANGE_DAYS = 90;

/** The longest range asked for at once (ten years of months is still a readable chart). */
export const MAX_RANGE_DAYS = 3660;

/** Incidents whose official start (declared) is in [from, to). */
export interface MetricsRange {
  readonly from: Date;
  readonly to: Date;
}

/** A range as the date fields show it: the first and the last day it covers (UTC, inclusive). */
export interface RangeDays {
  readonly from: string;
  readonly to: string;
}

/** What the metrics read of one incident (drills already left out). */
export interface MetricsIncident extends IncidentMoments {
  readonly severity: string | null;
}

export interface FollowUpCounts {
  /** RCA follow-ups not done yet, on incidents in the range. */
  readonly open: number;
  /** Of those, the ones whose due date is before today (UTC). */
  readonly overdue: number;
}

export type BucketSize = 'day' | 'week' | 'month';

/** One line of the chart's legend: a level of the scale, one no longer on it, or "no severity" (key null). */
export interface SeveritySeries {
  readonly key: string | null;
  readonly label: string;
}

/** Incidents started in [start, end), the part of one day, week or month inside the range. */
export interface MetricsBucket {
  readonly start: Date;
  readonly end: Date;
  /** Per series, in the order of `MetricsReport.series`. */
  readonly counts: readonly number[];
  readonly total: number;
}

/** One duration over the incidents that have it: how many, the median and the 90th percentile (ms). */
export interface DurationSummary {
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface MetricsReport {
  readonly range: MetricsRange;
  readonly bucketSize: BucketSize;
  readonly series: readonly SeveritySeries[];
  readonly buckets: readonly MetricsBucket[];
  /** Per series, over the whole range. */
  readonly totals: readonly number[];
  readonly incidentCount: number;
  readonly durations: {
    readonly toLead: DurationSummary;
    readonly toFirstUpdate: DurationSummary;
    readonly toClose: DurationSummary;
  };
  readonly followUps: FollowUpCounts;
}

const startOfDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);
const pad = (n: number) => String(n).padStart(2, '0');

/** A moment's UTC calendar date, `2026-11-27`. */
export function isoDay(at: Date): string {
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
// An ISO date-time with its offset (Z or ±hh:mm), as the API documents everywhere else.
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A calendar date that exists (no 31 February), as midnight UTC; null otherwise. */
function readDay(text: string): Date | null {
  const m = dayPattern.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(year, month - 1, day));
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day && year >= 1000 ? at : null;
}

/**
 * One end of the range: a date (`2026-11-27`) is a whole day, so as `to` it means the end of that
 * day (a person picking "to 27 November" means the 27th included); a date-time is that instant.
 */
function readBound(text: string, field: 'from' | 'to', label: string): Date {
  const day = readDay(text);
  if (day) return field === 'to' ? addDays(day, 1) : day;
  if (dateTimePattern.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new DomainError('request.invalid', `${label} must be a real date, like 2026-11-27`, { field });
}

/**
 * The range asked for: either end may be absent (the default is the last DEFAULT_RANGE_DAYS days,
 * today included). Refuses a date that does not exist, an end not after the start, and more than
 * MAX_RANGE_DAYS days.
 */
export function parseMetricsRange(input: { readonly from?: string; readonly to?: string }, now: Date): MetricsRange {
  const fromText = input.from?.trim() ?? '';
  const toText = input.to?.trim() ?? '';
  const to = toText === '' ? addDays(startOfDay(now), 1) : readBound(toText, 'to', 'The end date');
  // The default start: DEFAULT_RANGE_DAYS whole days ending with the range's last day.
  const from = fromText === '' ? addDays(startOfDay(new Date(to.getTime() - 1)), 1 - DEFAULT_RANGE_DAYS) : readBound(fromText, 'from', 'The start date');
  if (from.getTime() >= to.getTime()) throw new DomainError('request.invalid', 'The end date must be the same as or after the start date', { field: 'to' });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new DomainError('request.invalid', `The range can be at most ${MAX_RANGE_DAYS} days (about ten years)`, { field: 'from' });
  }
  return { from, to };
}

/** The range as the date fields show it: its first day and its last day included. */
export function rangeDays(range: MetricsRange): RangeDays {
  return { from: isoDay(range.from), to: isoDay(new Date(range.to.getTime() - 1)) };
}

/**
 * Days for up to a month, weeks (Monday to Sunday, UTC) for up to 26 weeks, months beyond: a
 * chart of between a handful and a few dozen bars whatever the range.
 */
export function bucketSizeFor(range: MetricsRange): BucketSize {
  const days = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  if (days <= 31) return 'day';
  if (days <= 26 * 7) return 'week';
  return 'month';
}

/** The start of the day, week (Monday) or month that holds `at`, UTC. */
export function bucketStart(at: Date, size: BucketSize): Date {
  const day = startOfDay(at);
  if (size === 'day') return day;
  if (size === 'week') return addDays(day, -((day.getUTCDay() + 6) % 7));
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

function nextBucket(start: Date, size: BucketSize): Date {
  if (size === 'day') return addDays(start, 1);
  if (size === 'week') return addDays(start, 7);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** The buckets covering the range, the first and last cut to it (so a count is never from outside it). */
export function bucketsOf(range: MetricsRange, size: BucketSize): { start: Date; end: Date }[] {
  const buckets: { start: Date; end: Date }[] = [];
  for (let start = bucketStart(range.from, size); start < range.to; start = nextBucket(start, size)) {
    const end = nextBucket(start, size);
    buckets.push({ start: start < range.from ? range.from : start, end: end > range.to ? range.to : end });
  }
  return buckets;
}

/**
 * The p-th percentile (0 < p ≤ 100) of values sorted ascending, by the nearest-rank method: the
 * smallest value with at least p% of the values at or below it, i.e. `sorted[ceil(p/100 · n) − 1]`.
 * Always one of the values (no interpolation), so a median of an even count is the lower middle
 * one. Null for no values.
 */
export function nearestRankPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Count, median and 90th percentile (both nearest-rank) of the values that exist. */
export function summariseDurations(values: readonly (number | null)[]): DurationSummary {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return { count: sorted.length, medianMs: nearestRankPercentile(sorted, 50), p90Ms: nearestRankPercentile(sorted, 90) };
}

/** The scale's levels in order, then keys no longer on it (an old scale's), then "No severity". */
function seriesOf(scale: SeverityScale, incidents: readonly MetricsIncident[]): SeveritySeries[] {
  const known = new Set(scale.map((l) => l.key));
  const retired = [...new Set(incidents.map((i) => i.severity).filter((s): s is string => s !== null && !known.has(s)))].sort();
  return [...scale.map((l) => ({ key: l.key, label: l.label })), ...retired.map((key) => ({ key, label: key })), { key: null, label: 'No severity' }];
}

/**
 * The metrics of the incidents started in the range (the caller leaves drills out): how many
 * started in each bucket by severity, and the times to lead, first update and close. An incident
 * still without a lead, an update or an end has no such time and is left out of that figure only.
 */
export function computeMetrics(range: MetricsRange, incidents: readonly MetricsIncident[], followUps: FollowUpCounts, scale: SeverityScale): MetricsReport {
  const inRange = incidents.filter((i) => i.startedAt >= range.from && i.startedAt < range.to);
  const series = seriesOf(scale, inRange);
  const column = new Map(series.map((s, index) => [s.key, index]));
  const bucketSize = bucketSizeFor(range);
  const shapes = bucketsOf(range, bucketSize);
  const counts = shapes.map(() => series.map(() => 0));
  for (const incident of inRange) {
    // Buckets are few and in order: the last one starting at or before the incident holds it.
    let b = shapes.length - 1;
    while (b > 0 && shapes[b]!.start > incident.startedAt) b--;
    counts[b]![column.get(incident.severity)!]!++;
  }
  const durations = inRange.map((i) => durationsFromMoments(i));
  return {
    range,
    bucketSize,
    series,
    buckets: shapes.map((shape, b) => ({ ...shape, counts: counts[b]!, total: counts[b]!.reduce((sum, n) => sum + n, 0) })),
    totals: series.map((_, s) => counts.reduce((sum, row) => sum + row[s]!, 0)),
    incidentCount: inRange.length,
    durations: {
      toLead: summariseDurations(durations.map((d) => d.toLeadMs)),
      toFirstUpdate: summariseDurations(durations.map((d) => d.toFirstUpdateMs)),
      toClose: summariseDurations(durations.map((d) => d.toCloseMs)),
    },
    followUps,
  };
}
