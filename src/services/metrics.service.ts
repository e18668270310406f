import type { Viewer } from '../domain/incident.js';
import { computeMetrics, isoDay, parseMetricsRange, type MetricsRange, type MetricsReport } from '../domain/metrics.js';
import type { ServiceDeps } from './context.js';

/** What a surface asks for: either end of the range, as typed (absent: the default last 90 days). */
export interface MetricsQuery {
  readonly from?: string;
  readonly to?: string;
}

/**
 * The metrics the dashboard, its CSV and the API show: incidents over time by severity, the times
 * to lead, first update and close, and open follow-ups, over the incidents the viewer may see
 * (admins: all), drills left out. The database does the per-incident work; the domain the statistics.
 */
export function createMetricsService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'severities'>) {
  const { store, clock } = deps;
  return {
    /** The range a query names, or a `request.invalid` error naming the bad field (`from` or `to`). */
    range(query: MetricsQuery): MetricsRange {
      return parseMetricsRange(query, clock.now());
    },

    /** The metrics over `range` as `viewer` may see them. */
    async report(viewer: Viewer, range: MetricsRange): Promise<MetricsReport> {
      const scope = { from: range.from, to: range.to, visibleTo: viewer.admin ? undefined : viewer.userId };
      const [incidents, followUps] = await Promise.all([
        store.metrics.incidentMoments(scope),
        store.metrics.followUpCounts(scope, isoDay(clock.now())),
      ]);
      return computeMetrics(range, incidents, followUps, deps.severities);
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
