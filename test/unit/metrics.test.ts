import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import {
  bucketSizeFor,
  bucketsOf,
  bucketStart,
  computeMetrics,
  nearestRankPercentile,
  parseMetricsRange,
  rangeDays,
  summariseDurations,
  type MetricsIncident,
} from '../../src/domain/metrics.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';

const MINUTE = 60_000;
const day = (text: string) => new Date(`${text}T00:00:00.000Z`);
const noFollowUps = { open: 0, overdue: 0 };

function incident(startedAt: string, fields: Partial<MetricsIncident> = {}): MetricsIncident {
  return { startedAt: new Date(startedAt), endedAt: null, firstLeadAt: null, firstUpdateAt: null, severity: null, ...fields };
}

function refusal(field: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, 'request.invalid');
    assert.equal(error.details.field, field);
    assert.match(error.message, message);
    return true;
  };
}

describe('nearestRankPercentile', () => {
  it('is null for no values, and the value itself for one', () => {
    assert.equal(nearestRankPercentile([], 50), null);
    assert.equal(nearestRankPercentile([7], 50), 7);
    assert.equal(nearestRankPercentile([7], 90), 7);
  });

  it('takes the value at rank ceil(p/100 · n): the lower middle for an even count, never interpolated', () => {
    assert.equal(nearestRankPercentile([1, 2, 3, 4], 50), 2);
    assert.equal(nearestRankPercentile([1, 2, 3, 4, 5], 50), 3);
    const ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    assert.equal(nearestRankPercentile(ten, 90), 90);
    assert.equal(nearestRankPercentile([...ten, 110], 90), 100);
    assert.equal(nearestRankPercentile(ten, 100), 100);
  });

  it('summarises only the values that exist, whatever their order', () => {
    assert.deepEqual(summariseDurations([30, null, 10, 20, null]), { count: 3, medianMs: 20, p90Ms: 30 });
    assert.deepEqual(summariseDurations([null]), { count: 0, medianMs: null, p90Ms: null });
  });
});

describe('parseMetricsRange', () => {
  const now = new Date('2026-11-27T15:30:00.000Z');

  it('defaults to the last 90 days, today included', () => {
    const range = parseMetricsRange({}, now);
    assert.deepEqual(range, { from: day('2026-08-30'), to: day('2026-11-28') });
    assert.equal((range.to.getTime() - range.from.getTime()) / 86_400_000, 90);
    assert.deepEqual(rangeDays(range), { from: '2026-08-30', to: '2026-11-27' });
  });

  it('reads a date as a whole day (to included) and a date-time as an instant', () => {
    assert.deepEqual(parseMetricsRange({ from: '2026-11-01', to: '2026-11-01' }, now), { from: day('2026-11-01'), to: day('2026-11-02') });
    assert.deepEqual(parseMetricsRange({ from: '2026-11-01T12:00:00+01:00', to: '2026-11-02T00:00:00Z' }, now), {
      from: new Date('2026-11-01T11:00:00Z'),
      to: day('2026-11-02'),
    });
    // Only `from` given: the default end, today included.
    assert.deepEqual(parseMetricsRange({ from: '2026-11-20', to: ' ' }, now).to, day('2026-11-28'));
    // Only `to` given: the 90 days up to it.
    assert.deepEqual(parseMetricsRange({ to: '2026-01-31' }, now).from, day('2025-11-03'));
  });

  it('refuses dates that do not exist, other formats, an end before the start and too long a range', () => {
    assert.throws(() => parseMetricsRange({ from: '2026-02-30' }, now), refusal('from', /start date must be a real date/));
    assert.throws(() => parseMetricsRange({ to: '27/11/2026' }, now), refusal('to', /end date must be a real date/));
    assert.throws(() => parseMetricsRange({ from: '2026-11-01T25:00:00Z' }, now), refusal('from', /real date/));
    assert.throws(() => parseMetricsRange({ from: '2026-11-01T10:00:00' }, now), refusal('from', /real date/));
    assert.throws(() => parseMetricsRange({ from: '2026-11-10', to: '2026-11-09' }, now), refusal('to', /after the start/));
    assert.throws(() => parseMetricsRange({ from: '2000-01-01', to: '2026-01-01' }, now), refusal('from', /at most 3660 days/));
  });
});

describe('buckets', () => {
  it('are days up to 31 days, weeks up to 26 weeks, months beyond', () => {
    assert.equal(bucketSizeFor({ from: day('2026-11-01'), to: day('2026-12-02') }), 'day');
    assert.equal(bucketSizeFor({ from: day('2026-11-01'), to: day('2026-12-03') }), 'week');
    assert.equal(bucketSizeFor({ from: day('2026-01-01'), to: day('2026-07-02') }), 'week');
    assert.equal(bucketSizeFor({ from: day('2026-01-01'), to: day('2026-07-03') }), 'month');
  });

  it('start on the day, the Monday, or the first of the month (UTC)', () => {
    const at = new Date('2026-11-29T23:59:00Z'); // a Sunday
    assert.deepEqual(bucketStart(at, 'day'), day('2026-11-29'));
    assert.deepEqual(bucketStart(at, 'week'), day('2026-11-23'));
    assert.deepEqual(bucketStart(day('2026-11-23'), 'week'), day('2026-11-23'));
    assert.deepEqual(bucketStart(at, 'month'), day('2026-11-01'));
  });

  it('cover the range exactly, the first and last cut to it', () => {
    const weeks = bucketsOf({ from: day('2026-11-04'), to: day('2026-11-20') }, 'week');
    assert.deepEqual(
      weeks.map((b) => [b.start.toISOString().slice(0, 10), b.end.toISOString().slice(0, 10)]),
      [
        ['2026-11-04', '2026-11-09'],
        ['2026-11-09', '2026-11-16'],
        ['2026-11-16', '2026-11-20'],
      ],
    );
    const months = bucketsOf({ from: day('2026-01-31'), to: day('2026-04-01') }, 'month');
    assert.deepEqual(months.map((b) => b.start.toISOString().slice(0, 10)), ['2026-01-31', '2026-02-01', '2026-03-01']);
  });
});

describe('computeMetrics', () => {
  const range = { from: day('2026-11-01'), to: day('2026-11-08') };

  it('an empty range: every bucket zero, no durations, every series still listed', () => {
    const report = computeMetrics(range, [], noFollowUps, defaultSeverityScale);
    assert.equal(report.bucketSize, 'day');
    assert.equal(report.buckets.length, 7);
    assert.ok(report.buckets.every((b) => b.total === 0 && b.counts.every((n) => n === 0)));
    assert.deepEqual(report.series.map((s) => s.key), ['critical', 'major', 'trivial', null]);
    assert.deepEqual(report.series.at(-1), { key: null, label: 'No severity' });
    assert.equal(report.incidentCount, 0);
    assert.deepEqual(report.durations.toClose, { count: 0, medianMs: null, p90Ms: null });
  });

  it('one incident: counted in its day and severity, its times measured from the start', () => {
    const start = '2026-11-03T10:00:00.000Z';
    const at = (minutes: number) => new Date(Date.parse(start) + minutes * MINUTE);
    const report = computeMetrics(
      range,
      [incident(start, { severity: 'major', firstLeadAt: at(4), firstUpdateAt: at(15), endedAt: at(90) })],
      { open: 2, overdue: 1 },
      defaultSeverityScale,
    );
    assert.deepEqual(report.buckets[2]!.counts, [0, 1, 0, 0]);
    assert.equal(report.buckets[2]!.total, 1);
    assert.deepEqual(report.totals, [0, 1, 0, 0]);
    assert.deepEqual(report.durations.toLead, { count: 1, medianMs: 4 * MINUTE, p90Ms: 4 * MINUTE });
    assert.deepEqual(report.durations.toFirstUpdate, { count: 1, medianMs: 15 * MINUTE, p90Ms: 15 * MINUTE });
    assert.deepEqual(report.durations.toClose, { count: 1, medianMs: 90 * MINUTE, p90Ms: 90 * MINUTE });
    assert.deepEqual(report.followUps, { open: 2, overdue: 1 });
  });

  it('an open incident has no time to close; one without lead or update is left out of those only', () => {
    const report = computeMetrics(
      range,
      [
        incident('2026-11-02T09:00:00Z', { endedAt: new Date('2026-11-02T10:00:00Z') }),
        incident('2026-11-02T12:00:00Z', { firstLeadAt: new Date('2026-11-02T12:10:00Z') }),
      ],
      noFollowUps,
      defaultSeverityScale,
    );
    assert.equal(report.incidentCount, 2);
    assert.deepEqual(report.durations.toClose, { count: 1, medianMs: 60 * MINUTE, p90Ms: 60 * MINUTE });
    assert.deepEqual(report.durations.toLead, { count: 1, medianMs: 10 * MINUTE, p90Ms: 10 * MINUTE });
    assert.equal(report.durations.toFirstUpdate.count, 0);
    assert.deepEqual(report.buckets[1]!.counts, [0, 0, 0, 2], 'no severity counts as "No severity"');
  });

  it('a back-dated lead counts as zero, a retired severity gets its own series, incidents outside the range are ignored', () => {
    const report = computeMetrics(
      range,
      [
        incident('2026-11-07T23:59:59.999Z', { severity: 'sev0', firstLeadAt: new Date('2026-11-07T20:00:00Z') }),
        incident('2026-11-08T00:00:00.000Z', { severity: 'critical' }),
        incident('2026-10-31T23:59:59.999Z', { severity: 'critical' }),
      ],
      noFollowUps,
      defaultSeverityScale,
    );
    assert.deepEqual(report.series.map((s) => s.key), ['critical', 'major', 'trivial', 'sev0', null]);
    assert.equal(report.incidentCount, 1);
    assert.deepEqual(report.buckets.at(-1)!.counts, [0, 0, 0, 1, 0]);
    assert.deepEqual(report.durations.toLead, { count: 1, medianMs: 0, p90Ms: 0 });
  });

  it('the median and 90th percentile over many incidents are nearest-rank', () => {
    const incidents = Array.from({ length: 20 }, (_, i) =>
      incident(`2026-11-0${1 + (i % 7)}T08:00:00Z`, { firstLeadAt: new Date(Date.parse(`2026-11-0${1 + (i % 7)}T08:00:00Z`) + (i + 1) * MINUTE) }),
    );
    const report = computeMetrics(range, incidents, noFollowUps, defaultSeverityScale);
    // Times 1..20 minutes: rank ceil(0.5 · 20) = 10, rank ceil(0.9 · 20) = 18.
    assert.deepEqual(report.durations.toLead, { count: 20, medianMs: 10 * MINUTE, p90Ms: 18 * MINUTE });
    assert.equal(report.buckets.reduce((sum, b) => sum + b.total, 0), 20);
  });
});
