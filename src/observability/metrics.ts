import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GaugeReader } from '../ports/gauges.port.js';
import type { JobStats } from '../ports/jobs.port.js';

/** How a Slack Web API call ended, in a few classes (a label value, so never the raw error text). */
export type SlackCallOutcome = 'ok' | 'ratelimited' | 'server_error' | 'network' | 'refused' | 'unexpected';

/** How a job run ended. */
export type JobOutcome = 'done' | 'retry' | 'failed';

/** What the scrape reads from the database, each time Prometheus asks. */
export interface MetricsReaders {
  readonly gauges: GaugeReader;
  readonly jobStats: () => Promise<JobStats>;
}

/** The app's instruments; every label value is bounded (route patterns, method names, classes). */
export interface AppMetrics {
  readonly registry: Registry;
  /** One HTTP request, by its route pattern (never the raw URL). */
  observeRequest(route: string, method: string, statusCode: number, seconds: number): void;
  /** One Slack Web API call (or response_url post), by method and outcome. */
  observeSlackCall(method: string, outcome: SlackCallOutcome, seconds: number): void;
  /** One job run, by type and outcome. */
  observeJob(type: string, outcome: JobOutcome, seconds: number): void;
  /** The Prometheus text exposition, with the database gauges read now. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

const PREFIX = 'incident_response_';
const OLDEST_DUE = `${PREFIX}jobs_oldest_due_age_seconds`;
const INBOX = `${PREFIX}slack_inbox`;

/**
 * Builds a registry of its own per app (tests build many apps in one process). Process metrics
 * start at the first scrape, so an app nobody scrapes pays nothing for them.
 */
export function createMetrics(readers: MetricsReaders, onReadError: (error: unknown) => void): AppMetrics {
  const registry = new Registry();
  let processMetrics = false;

  const requests = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP request latency by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    // Acks must leave well inside Slack's 3 s; pages and lists are aimed at 150 ms.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const slackCalls = new Counter({
    name: `${PREFIX}slack_api_calls_total`,
    help: 'Slack Web API calls by method and outcome (ok, ratelimited, server_error, network, refused, unexpected).',
    labelNames: ['method', 'outcome'] as const,
    registers: [registry],
  });
  const slackDuration = new Histogram({
    name: `${PREFIX}slack_api_call_duration_seconds`,
    help: 'Slack Web API call latency by method.',
    labelNames: ['method'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobRuns = new Histogram({
    name: `${PREFIX}job_run_duration_seconds`,
    help: 'Job runs by type and outcome (done, retry, failed) and how long each took.',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const jobDepth = new Gauge({
    name: `${PREFIX}jobs`,
    help: 'Unfinished jobs by type and status (pending, running, failed), read at scrape time.',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  const oldestDue = new Gauge({
    name: OLDEST_DUE,
    help: 'How long the oldest job a worker could take now has been due (0 when none); /healthz fails past JOBS_STUCK_AFTER_MS.',
    registers: [],
  });
  const openIncidents = new Gauge({
    name: `${PREFIX}open_incidents`,
    help: 'Open incidents by severity ("none" while unset), read at scrape time.',
    labelNames: ['severity'] as const,
    registers: [registry],
  });
  const inboxDepth = new Gauge({
    name: INBOX,
    help: 'Slack requests (events, slash commands) answered and written but not yet handled, read at scrape time; it grows under a flood and should drain.',
    registers: [],
  });
  const databaseUp = new Gauge({
    name: `${PREFIX}database_up`,
    help: '1 when the scrape could read the database, 0 when it could not (the job and incident gauges are then absent).',
    registers: [registry],
  });

  // A gauge without labels always prints a value, and after reset() that value is 0: in an outage
  // "no job waiting, nothing in the inbox", the opposite of what is known. These two are in the
  // registry only while the database answers, so they are absent then, like the labelled ones.
  const unlabelled = [
    [OLDEST_DUE, oldestDue],
    [INBOX, inboxDepth],
  ] as const;
  function showUnlabelled(shown: boolean): void {
    for (const [name, gauge] of unlabelled) {
      const registered = registry.getSingleMetric(name) !== undefined;
      if (shown && !registered) registry.registerMetric(gauge);
      if (!shown && registered) registry.removeSingleMetric(name);
    }
  }

  async function readDatabase(): Promise<void> {
    jobDepth.reset();
    openIncidents.reset();
    try {
      const [depth, open, stats, inbox] = await Promise.all([
        readers.gauges.jobDepth(),
        readers.gauges.openIncidents(),
        readers.jobStats(),
        readers.gauges.slackInboxDepth(),
      ]);
      inboxDepth.set(inbox);
      for (const d of depth) jobDepth.set({ type: d.type, status: d.status }, d.count);
      for (const o of open) openIncidents.set({ severity: o.severity ?? 'none' }, o.count);
      oldestDue.set(stats.oldestDueAgeMs / 1000);
      showUnlabelled(true);
      databaseUp.set(1);
    } catch (error) {
      // The scrape still answers (process and request metrics), so the outage is visible, not a gap.
      showUnlabelled(false);
      databaseUp.set(0);
      onReadError(error);
    }
  }

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(route, method, statusCode, seconds) {
      requests.observe({ route, method, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    observeSlackCall(method, outcome, seconds) {
      slackCalls.inc({ method, outcome });
      slackDuration.observe({ method }, seconds);
    },
    observeJob(type, outcome, seconds) {
      jobRuns.observe({ type, outcome }, seconds);
    },
    async scrape() {
      if (!processMetrics) {
        processMetrics = true;
        collectDefaultMetrics({ register: registry });
      }
      await readDatabase();
      return registry.metrics();
    },
  };
}
