import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDuration } from '../../domain/duration.js';
import { DomainError } from '../../domain/errors.js';
import { rangeDays, type BucketSize, type DurationSummary, type MetricsReport } from '../../domain/metrics.js';
import { requireSignIn } from './auth.routes.js';
import { renderPairedBarChart, renderStackedBarChart } from './charts.js';
import { formErrors } from './forms.js';
import type { WebContext } from './web.plugin.js';

// Only single text values: a repeated parameter is read as absent, then refused as any bad date is not.
const rangeQuery = z.object({ from: z.string().max(40).optional().catch(undefined), to: z.string().max(40).optional().catch(undefined) });

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

const bucketNoun: Record<BucketSize, string> = { day: 'day', week: 'week', month: 'month' };

/**
 * A bucket as the table names it and as the chart's axis does: a day ("27 Nov 2026", "27 Nov"), the
 * days of a week ("3 Nov to 9 Nov 2026", "3 Nov"), a month ("November 2026", "Nov 2026"). A week or
 * month cut short by the range says which days it holds, so no row claims days it did not count.
 */
function bucketLabels(bucket: { start: Date; end: Date }, size: BucketSize): { long: string; short: string } {
  const lastDay = new Date(bucket.end.getTime() - 1);
  const oneDay = bucket.end.getTime() - bucket.start.getTime() <= 86_400_000;
  const days = oneDay ? dayFormat.format(bucket.start) : `${shortDayFormat.format(bucket.start)} to ${dayFormat.format(lastDay)}`;
  if (size === 'day') return { long: dayFormat.format(bucket.start), short: shortDayFormat.format(bucket.start) };
  if (size === 'week') return { long: days, short: shortDayFormat.format(bucket.start) };
  const whole = bucket.start.getUTCDate() === 1 && bucket.end.getUTCDate() === 1;
  return { long: whole ? monthFormat.format(bucket.start) : days, short: shortMonthFormat.format(bucket.start) };
}

const durationText = (ms: number | null) => (ms === null ? 'No data' : formatDuration(ms));

const measures = [
  { key: 'toLead', label: 'Time to lead', csv: 'time_to_lead', hint: 'From declared to the first incident lead named' },
  { key: 'toFirstUpdate', label: 'Time to first update', csv: 'time_to_first_update', hint: 'From declared to the first stakeholder update or status page publication' },
  { key: 'toClose', label: 'Time to close', csv: 'time_to_close', hint: 'From declared to closed; open incidents are not counted' },
] as const;

/** The dashboard's view model: the charts as SVG markup, and every figure again as tables. */
export function presentMetricsPage(report: MetricsReport, admin: boolean) {
  const days = rangeDays(report.range);
  const rangeText = `${dayFormat.format(report.range.from)} to ${dayFormat.format(new Date(report.range.to.getTime() - 1))}`;
  const labels = report.buckets.map((b) => bucketLabels(b, report.bucketSize));
  const noun = bucketNoun[report.bucketSize];
  const incidentChart = renderStackedBarChart({
    id: 'incidents-chart',
    title: `Incidents started per ${noun}, by severity`,
    description:
      `Bar chart: ${report.incidentCount} incidents declared from ${rangeText}, one bar per ${noun}, each bar split by severity ` +
      `(${report.series.map((s, i) => `${s.label} ${report.totals[i]}`).join(', ')}). The table after the chart gives every figure.`,
    categories: labels.map((l) => l.short),
    series: report.series.map((s) => s.label),
    values: report.buckets.map((b) => b.counts),
  });
  const durations = measures.map((m) => ({ ...m, summary: report.durations[m.key] as DurationSummary }));
  const durationChart = renderPairedBarChart({
    id: 'durations-chart',
    title: 'Response times: median and 90th percentile',
    description: `Bar chart of response times for incidents declared from ${rangeText}: ${durations
      .map((d) => `${d.label}, median ${durationText(d.summary.medianMs)}, 90th percentile ${durationText(d.summary.p90Ms)}`)
      .join('; ')}. The table after the chart gives every figure.`,
    pair: ['Median', '90th percentile'],
    rows: durations.map((d) => ({
      label: d.label,
      values: [d.summary.medianMs, d.summary.p90Ms],
      texts: [durationText(d.summary.medianMs), durationText(d.summary.p90Ms)],
    })),
  });
  return {
    form: days,
    rangeText,
    admin,
    incidentCount: report.incidentCount,
    bucketNoun: noun,
    series: report.series.map((s, i) => ({ label: s.label, total: report.totals[i] })),
    buckets: report.buckets.map((b, i) => ({ label: labels[i]!.long, counts: b.counts, total: b.total })),
    incidentChart,
    durationChart,
    durations: durations.map((d) => ({
      label: d.label,
      hint: d.hint,
      count: d.summary.count,
      median: durationText(d.summary.medianMs),
      p90: durationText(d.summary.p90Ms),
    })),
    followUps: report.followUps,
    csvHref: `/dashboard.csv?${new URLSearchParams({ from: days.from, to: days.to }).toString()}`,
  };
}

/** One CSV field: quoted when it must be, and never read as a formula by a spreadsheet. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

/**
 * The figures as one CSV table (documented in the README): a header row, then a row per bucket and
 * severity (`incidents`), one per duration (`time_to_*`, in whole seconds) and the follow-up counts.
 */
export function presentMetricsCsv(report: MetricsReport): string {
  const day = (d: Date) => d.toISOString();
  const rows: (string | number | null)[][] = [['section', 'period_start', 'period_end', 'severity', 'count', 'median_seconds', 'p90_seconds']];
  for (const bucket of report.buckets) {
    report.series.forEach((s, i) => rows.push(['incidents', day(bucket.start), day(bucket.end), s.key ?? 'none', bucket.counts[i]!, null, null]));
  }
  const from = day(report.range.from);
  const to = day(report.range.to);
  for (const m of measures) {
    const d = report.durations[m.key];
    rows.push([m.csv, from, to, null, d.count, seconds(d.medianMs), seconds(d.p90Ms)]);
  }
  rows.push(['open_follow_ups', from, to, null, report.followUps.open, null, null]);
  rows.push(['overdue_follow_ups', from, to, null, report.followUps.overdue, null, null]);
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** `/dashboard` (the metrics dashboard; `/metrics` is kept for Prometheus) and `/dashboard.csv`, signed in, over the incidents the person may see. */
export function metricsRoutes(ctx: WebContext) {
  async function renderRefused(request: FastifyRequest, reply: FastifyReply, query: z.infer<typeof rangeQuery>, error: DomainError) {
    reply.code(400);
    return ctx.render(request, reply, 'metrics/dashboard.njk', {
      title: 'Error: Metrics',
      section: 'metrics',
      form: { from: query.from ?? '', to: query.to ?? '' },
      errors: formErrors(error, { fields: { from: 'from', to: 'to' }, fallback: 'from' }),
      metrics: null,
    });
  }

  return async (app: FastifyInstance) => {
    app.get('/dashboard', { preHandler: requireSignIn }, async (request, reply) => {
      const query = rangeQuery.parse(request.query ?? {});
      let range;
      try {
        range = ctx.metrics.range(query);
      } catch (error) {
        if (error instanceof DomainError) return renderRefused(request, reply, query, error);
        throw error;
      }
      const viewer = ctx.viewer(request);
      const metrics = presentMetricsPage(await ctx.metrics.report(viewer, range), viewer.admin);
      return ctx.render(request, reply, 'metrics/dashboard.njk', { title: 'Metrics', section: 'metrics', form: metrics.form, metrics });
    });

    app.get('/dashboard.csv', { preHandler: requireSignIn }, async (request, reply) => {
      const query = rangeQuery.parse(request.query ?? {});
      let range;
      try {
        range = ctx.metrics.range(query);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return reply.code(400).type('text/plain; charset=utf-8').send(`${error.message}.\n`);
      }
      const report = await ctx.metrics.report(ctx.viewer(request), range);
      const days = rangeDays(range);
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="incident-metrics-${days.from}-to-${days.to}.csv"`)
        .send(presentMetricsCsv(report));
    });
  };
}
