import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MetricsReport } from '../../../domain/metrics.js';
import type { MetricsService } from '../../../services/metrics.service.js';
import { viewerOf } from './auth.js';
import { metricsQuery, metricsResponse, type MetricsJson } from './metrics.schemas.js';
import { errorResponse } from './schemas.js';

/** The metrics as the API shows them: the same figures as the dashboard, durations in milliseconds. */
export function presentMetrics(report: MetricsReport): MetricsJson {
  return {
    from: report.range.from.toISOString(),
    to: report.range.to.toISOString(),
    bucketSize: report.bucketSize,
    incidentCount: report.incidentCount,
    severities: report.series.map((s, i) => ({ key: s.key, label: s.label, count: report.totals[i]! })),
    buckets: report.buckets.map((b) => ({
      start: b.start.toISOString(),
      end: b.end.toISOString(),
      counts: report.series.map((s, i) => ({ severity: s.key, count: b.counts[i]! })),
      total: b.total,
    })),
    durations: report.durations,
    followUps: report.followUps,
  };
}

/** `GET /metrics`: incidents over time by severity, response times and follow-ups over a date range. */
export function metricsRoutes(metrics: MetricsService) {
  return async (app: FastifyInstance) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get(
      '/metrics',
      {
        schema: {
          tags: ['metrics'],
          summary: 'Incident metrics over a date range',
          description:
            'Incidents declared in [from, to), drills and tests left out, private incidents only for tokens that may see them (as the list): counts per day, week or month by severity; time to lead, to first stakeholder update and to close (count, median and 90th percentile, in milliseconds); open and overdue follow-ups. The same figures as the site’s /metrics page.',
          querystring: metricsQuery,
          response: { 200: metricsResponse, 400: errorResponse, 401: errorResponse },
        },
      },
      async (request) => {
        const range = metrics.range(request.query);
        return presentMetrics(await metrics.report(viewerOf(request), range));
      },
    );
  };
}
