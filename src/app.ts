import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { connect } from './db/connect.js';
import { buildServer } from './http/server.js';
import { createNudgeJobHandlers } from './jobs/nudge-jobs.js';
import { createPagerJobHandlers } from './jobs/pager-jobs.js';
import { createStatusPageJobHandlers } from './jobs/statuspage-jobs.js';
import { createRcaJobHandlers } from './jobs/rca-jobs.js';
import { createBackgroundGate } from './jobs/background-gate.js';
import { createWorker, type JobHandler, type Worker } from './jobs/worker.js';
import { audienceOf, createInProcessLiveUpdates, createLiveUpdatesListener } from './http/web/live-updates.js';
import { createPagerDutyPager } from './integrations/pagerduty/pagerduty-pager.js';
import { registerPagerDutyWebhook } from './integrations/pagerduty/pagerduty-webhook.js';
import { createAtlassianStatusPagePublisher } from './integrations/statuspage/atlassian-statuspage-publisher.js';
import { createConfluenceRcaPublisher } from './integrations/confluence/confluence-rca-publisher.js';
import { createLogger } from './logger.js';
import { createJobIncidentNamer } from './observability/job-log-fields.js';
import { createMetrics, type AppMetrics } from './observability/metrics.js';
import type { IdentityProvider } from './ports/identity-provider.port.js';
import type { LiveUpdatesHub } from './ports/live-updates.port.js';
import type { ChangeListener } from './ports/change-listener.port.js';
import type { Clock, IdGenerator } from './ports/clock.port.js';
import type { Store } from './ports/store.port.js';
import { createPostgresLiveUpdates } from './repositories/postgres-live-updates.js';
import { createStore } from './repositories/store.js';
import { createActionService } from './services/action.service.js';
import { createApiTokenService } from './services/api-token.service.js';
import { createCallService } from './services/call.service.js';
import type { ServiceDeps } from './services/context.js';
import { createIncidentExportService } from './services/incident-export.service.js';
import { createIncidentService } from './services/incident.service.js';
import { createMetricsService } from './services/metrics.service.js';
import { createNudgeService } from './services/nudge.service.js';
import { createPageAcknowledgementService } from './services/page-acknowledgement.service.js';
import { createPageService } from './services/page.service.js';
import { createPagingTeamService } from './services/paging-team.service.js';
import { createRetentionService } from './services/retention.service.js';
import { createRcaService } from './services/rca.service.js';
import { createFollowUpService } from './services/follow-up.service.js';
import { createStatusPageService } from './services/status-page.service.js';
import { createRcaPublishingService } from './services/rca-publishing.service.js';
import { createStatusPageSyncService } from './services/statuspage-sync.service.js';
import { createTimelineService } from './services/timeline.service.js';
import { createUserService } from './services/user.service.js';
import type { SlackModule } from './slack/slack-module.js';
import { createSlackReactor } from './slack/reactor.js';

/** Replaceable parts, for tests and tools: a manual clock, a quiet logger, an existing store. */
export interface AppOverrides {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly store?: Store;
  /** How often the job worker looks for due work when not woken (ms). */
  readonly workerPollMs?: number;
}

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { newId: () => randomUUID() };

/** The composition root: the one place that builds adapters and wires them into services. */
export function buildServices(config: Config, overrides: AppOverrides = {}) {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const store = overrides.store ?? createStore(connect(config.database), clock, { ids });
  // SQLite has one process per file; on PostgreSQL several instances may share the database, and
  // LISTEN/NOTIFY brings each one's changes to every instance's pages.
  const database = config.database;
  const live: LiveUpdatesHub =
    database.engine === 'postgres'
      ? createPostgresLiveUpdates({
          connectionString: database.connectionString,
          local: createInProcessLiveUpdates(),
          async lookUpAudience(id) {
            const incident = await store.incidents.findById(id);
            return incident ? audienceOf(incident) : [];
          },
          logger: logger.child({ component: 'live-updates' }),
        })
      : createInProcessLiveUpdates();
  // Surfaces that must hear of every change, from any surface, in its transaction.
  const listeners: ChangeListener[] = [createLiveUpdatesListener(live)];
  if (config.slack) listeners.push(createSlackReactor({ publicUrl: config.publicUrl, severities: config.severities }));
  const deps: ServiceDeps = {
    store,
    clock,
    ids,
    severities: config.severities,
    referencePrefix: config.referencePrefix,
    listeners,
  };
  const nudges = createNudgeService(deps, config.nudges);
  // After every change, the checks of the reminders it makes due (or not: the check decides).
  listeners.push(nudges.scheduler);
  // Registered only when configured: without it there is no page button, and closing resolves nothing.
  // Teams from configuration and from the site's admin page: the one lookup of a team's routing key.
  const pagingTeams = createPagingTeamService(deps, { configTeams: config.pager?.teams ?? [] });
  const pager = config.pager ? createPagerDutyPager(config.pager, { routingKeyOf: (name, use) => pagingTeams.routingKeyOf(name, use) }) : null;
  const pages = pager ? createPageService(deps, pager, pagingTeams, { publicUrl: config.publicUrl }) : null;
  if (pages) listeners.push(pages.closer);
  // Only with a webhook secret: PagerDuty's acknowledgements reach the channel (and may name the lead).
  const pageAcknowledgements = pager && config.pager?.webhookSecret ? createPageAcknowledgementService(deps, pager) : null;
  // Registered only when configured: publications then reach Atlassian Statuspage too, through jobs.
  const statusPageSync = config.atlassianStatusPage
    ? createStatusPageSyncService(deps, createAtlassianStatusPagePublisher(config.atlassianStatusPage))
    : null;
  if (statusPageSync) listeners.push(statusPageSync.syncer);
  // An RCA leaves the site only through here, masked: to Confluence when configured, to RCA_SHARE_CHANNELS, as downloads.
  const exports = createIncidentExportService(deps, { redactPatterns: config.redactPatterns });
  const rcaPublishing = createRcaPublishingService(deps, createRcaService(deps), config.confluence ? createConfluenceRcaPublisher(config.confluence) : null, exports, {
    publicUrl: config.publicUrl,
    severities: config.severities,
    redactPatterns: config.redactPatterns,
    shareChannels: config.rcaShareChannels,
  });
  return {
    config,
    clock,
    logger,
    store,
    live,
    incidents: createIncidentService(deps),
    timeline: createTimelineService(deps),
    actions: createActionService(deps),
    exports,
    rcaPublishing,
    metrics: createMetricsService(deps),
    rca: createRcaService(deps),
    followUps: createFollowUpService(deps),
    tokens: createApiTokenService(deps),
    users: createUserService(deps),
    retention: createRetentionService(deps, { policy: config.retention, adminEmails: config.adminEmails }),
    nudges,
    pages,
    pageAcknowledgements,
    statusPageSync,
    pagingTeams,
    statusPage: createStatusPageService(deps, { components: config.statusComponents, redactPatterns: config.redactPatterns }),
    // Registered only when configured: without it there is no call button.
    calls: config.callUrlTemplate ? createCallService(deps, config.callUrlTemplate) : null,
  };
}

export type Services = ReturnType<typeof buildServices>;

export interface App extends Services {
  readonly server: FastifyInstance;
  readonly slack: SlackModule | null;
  readonly worker: Worker;
  /** The Prometheus instruments behind `/metrics` (not `metrics`: that is the dashboard's service). */
  readonly prometheus: AppMetrics;
  /** Starts the background parts: the live-updates listener, the job worker, and Slack's socket when in Socket Mode. */
  start(): Promise<void>;
  /** Stops taking requests, lets in-flight ones and running jobs finish, then closes the database. */
  close(): Promise<void>;
}

/** The sign-in providers that are configured, OpenID Connect first. */
async function identityProviders(config: Config): Promise<IdentityProvider[]> {
  const { oidc, github } = config.signIn;
  // Imported only when configured, like Slack: their OAuth clients are not needed otherwise.
  return [
    ...(oidc ? [(await import('./integrations/oidc/oidc-provider.js')).createOidcProvider(oidc)] : []),
    ...(github ? [(await import('./integrations/github/github-provider.js')).createGitHubProvider(github)] : []),
  ];
}

/** Builds everything the process runs; nothing listens or works until `server.listen` and `start`. */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const services = buildServices(config, overrides);
  const prometheus = createMetrics(
    { gauges: services.store.gauges, jobStats: () => services.store.jobStore.stats(services.clock.now()) },
    (error) => services.logger.warn({ err: error }, 'metrics: could not read the database'),
  );
  // Slack's answers go first: the inbox's background handlers and the job worker wait while requests arrive.
  const gate = createBackgroundGate();
  // Imported only when configured: Bolt and the listeners take a few hundred ms and 20-30 MB to load.
  const slack = config.slack
    ? (await import('./slack/slack-module.js')).createSlackModule({
        config: config.slack,
        gate,
        publicUrl: config.publicUrl,
        severities: config.severities,
        clock: services.clock,
        logger: services.logger,
        store: services.store,
        incidents: services.incidents,
        timeline: services.timeline,
        actions: services.actions,
        users: services.users,
        nudges: services.nudges,
        pages: services.pages,
        statusPage: services.statusPage,
        rca: services.rca,
        calls: services.calls,
        rcaPublishing: services.rcaPublishing,
        observeSlackCall: (method, outcome, seconds) => prometheus.observeSlackCall(method, outcome, seconds),
      })
    : null;
  const handlers = new Map<string, JobHandler>([
    ...(slack ? slack.handlers : []),
    ...createNudgeJobHandlers(services.nudges),
    ...(services.pages ? createPagerJobHandlers(services.pages, services.pageAcknowledgements) : []),
    ...(services.statusPageSync ? createStatusPageJobHandlers(services.statusPageSync) : []),
    ...createRcaJobHandlers(services.rcaPublishing),
  ]);
  const worker = createWorker({
    store: services.store.jobStore,
    handlers,
    clock: services.clock,
    logger: services.logger.child({ component: 'jobs' }),
    workerId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    pollMs: overrides.workerPollMs,
    observe: (type, outcome, seconds) => prometheus.observeJob(type, outcome, seconds),
    incidentOf: createJobIncidentNamer(services.store),
    gate,
  });
  services.store.onJobsEnqueued(() => worker.wake());

  const acknowledgements = services.pageAcknowledgements;
  const webhookSecret = config.pager?.webhookSecret ?? null;
  const server = await buildServer({
    logger: services.logger,
    severities: config.severities,
    publicUrl: config.publicUrl,
    incidents: services.incidents,
    timeline: services.timeline,
    actions: services.actions,
    exports: services.exports,
    metrics: services.metrics,
    tokens: services.tokens,
    health: {
      ping: () => services.store.ping(),
      jobStats: () => services.store.jobStore.stats(services.clock.now()),
      jobsStuckAfterMs: config.jobsStuckAfterMs,
    },
    prometheus: { metrics: prometheus, token: config.metricsToken },
    routes: [
      ...(slack ? [(s: FastifyInstance) => slack.registerRoutes(s)] : []),
      ...(acknowledgements && webhookSecret ? [(s: FastifyInstance) => registerPagerDutyWebhook(s, { secret: webhookSecret, receive: (n) => acknowledgements.receive(n) })] : []),
    ],
    web: {
      publicUrl: config.publicUrl,
      production: config.env === 'production',
      sessionSecret: config.sessionSecret,
      adminEmails: config.adminEmails,
      severities: config.severities,
      clock: services.clock,
      incidents: services.incidents,
      timeline: services.timeline,
      actions: services.actions,
      users: services.users,
      live: services.live,
      statusPage: services.statusPage,
      pagingTeams: services.pagingTeams,
      rcaPublishing: services.rcaPublishing,
      metrics: services.metrics,
      rca: services.rca,
      followUps: services.followUps,
      pagerConfigured: config.pager !== null,
      identityProviders: await identityProviders(config),
    },
  });
  return {
    ...services,
    server,
    slack,
    worker,
    prometheus,
    async start() {
      await services.live.start();
      worker.start();
      await slack?.start();
    },
    async close() {
      await server.close();
      await slack?.stop();
      await worker.stop();
      // After the worker: a job's last change still reaches the other instances' pages.
      await services.live.close();
      await services.store.close();
    },
  };
}
