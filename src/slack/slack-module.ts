import { App, SocketModeReceiver } from './bolt.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SlackConfig } from '../config/config.js';
import type { SeverityScale } from '../domain/severity.js';
import type { BackgroundGate } from '../jobs/background-gate.js';
import type { JobHandler } from '../jobs/worker.js';
import type { Clock } from '../ports/clock.port.js';
import type { Store } from '../ports/store.port.js';
import type { ActionService } from '../services/action.service.js';
import type { CallService } from '../services/call.service.js';
import type { IncidentService } from '../services/incident.service.js';
import type { NudgeService } from '../services/nudge.service.js';
import type { PageService } from '../services/page.service.js';
import type { RcaService } from '../services/rca.service.js';
import type { RcaPublishingService } from '../services/rca-publishing.service.js';
import type { StatusPageService } from '../services/status-page.service.js';
import type { TimelineService } from '../services/timeline.service.js';
import type { UserService } from '../services/user.service.js';
import { boltLogger } from './bolt-logger.js';
import type { BotIdentity, SlackContext } from './context.js';
import { createSlackJobHandlers } from './jobs/handlers.js';
import { registerAppMention } from './listeners/app-mention.listener.js';
import { registerArchiveButton } from './listeners/archive.listener.js';
import { registerButtons } from './listeners/buttons.listener.js';
import { registerMembers } from './listeners/members.listener.js';
import { registerNudgeButtons } from './listeners/nudge-buttons.listener.js';
import { registerPaging } from './listeners/page.listener.js';
import { registerPins } from './listeners/pins.listener.js';
import { registerRca } from './listeners/rca.listener.js';
import { registerSlashCommand } from './listeners/slash-command.listener.js';
import { registerStatusPage } from './listeners/status-page.listener.js';
import { registerViews } from './listeners/views.listener.js';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { registerIncidentLogMiddleware } from './incident-log.middleware.js';
import { createSlackInbox } from './inbox.js';
import { failureText } from './listeners/replies.js';
import { FastifyReceiver, registerSlackRoute } from './receiver.js';
import { createSlackApi, type SlackApi, type SlackApiOptions } from './slack-api.js';

export interface SlackModuleDeps {
  readonly config: SlackConfig;
  readonly publicUrl: string;
  readonly severities: SeverityScale;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: Store;
  readonly incidents: IncidentService;
  readonly timeline: TimelineService;
  readonly actions: ActionService;
  readonly users: UserService;
  readonly nudges: NudgeService;
  /** Null when PAGERDUTY_ROUTING_KEY is unset. */
  readonly pages: PageService | null;
  readonly statusPage: StatusPageService;
  readonly rca: RcaService;
  /** Null when CALL_URL_TEMPLATE is unset. */
  readonly calls: CallService | null;
  /** Masked RCA summaries for RCA_SHARE_CHANNELS. */
  readonly rcaPublishing?: RcaPublishingService | null;
  /** When background work may start (shared with the job worker): Slack's answers go first. */
  readonly gate?: BackgroundGate;
  /** Told of every Web API call's outcome (the Prometheus counters). */
  readonly observeSlackCall?: SlackApiOptions['observe'];
}

/** auth.test once it answers; until then null, and asked again next time (Slack may be down at start). */
function botIdentity(api: SlackApi, logger: Logger): BotIdentity {
  let known: string | null = null;
  let pending: Promise<string | null> | null = null;
  return {
    async userId() {
      if (known) return known;
      pending ??= api
        .authTest()
        .then((r) => (known = r.userId))
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'Slack auth.test failed; will ask again');
          return null;
        })
        .finally(() => {
          pending = null;
        });
      return pending;
    },
    known: () => known,
  };
}

/** Everything Slack: the Bolt app and its listeners, the /slack/events route, the job handlers. */
export function createSlackModule(deps: SlackModuleDeps) {
  const { config, logger } = deps;
  const log = logger.child({ component: 'slack' });
  const api = createSlackApi({ token: config.botToken, apiUrl: config.apiUrl, observe: deps.observeSlackCall });
  const bot = botIdentity(api, log);
  const ctx: SlackContext = {
    config,
    publicUrl: deps.publicUrl,
    severities: deps.severities,
    // Paging and calls arrive with their integrations; until then their buttons stay hidden.
    features: { pager: deps.pages !== null, call: deps.calls !== null },
    api,
    store: deps.store,
    clock: deps.clock,
    logger: log,
    bot,
    incidents: deps.incidents,
    timeline: deps.timeline,
    actions: deps.actions,
    users: deps.users,
    nudges: deps.nudges,
    pages: deps.pages,
    statusPage: deps.statusPage,
    rca: deps.rca,
    calls: deps.calls,
    rcaPublishing: deps.rcaPublishing ?? null,
  };

  const socketMode = config.appToken !== null;
  const receiver = socketMode ? null : new FastifyReceiver();
  // Built here rather than by Bolt, so its connection request also goes to SLACK_API_URL.
  const socket = config.appToken
    ? new SocketModeReceiver({
        appToken: config.appToken,
        logger: boltLogger(log),
        installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } },
      })
    : null;
  const bolt = new App({
    receiver: receiver ?? socket ?? undefined,
    // Never waits on Slack: an ack must not depend on auth.test answering (learnt at start instead).
    authorize: async () => ({ botToken: config.botToken, botUserId: bot.known() ?? undefined }),
    logger: boltLogger(log),
    convoStore: false,
    clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 } },
  });
  bolt.error(async (error) => {
    // Passed on to the receiver, which answers an event 503 so that Slack sends it again.
    if (isDatabaseUnavailable(error)) throw error;
    log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  // First: every listener's lines then name the incident the request is about.
  registerIncidentLogMiddleware(bolt, ctx);
  registerSlashCommand(bolt, ctx);
  registerAppMention(bolt, ctx);
  registerPins(bolt, ctx);
  registerMembers(bolt, ctx);
  registerButtons(bolt, ctx);
  registerNudgeButtons(bolt, ctx);
  registerArchiveButton(bolt, ctx);
  registerPaging(bolt, ctx);
  registerViews(bolt, ctx);
  registerStatusPage(bolt, ctx);
  registerRca(bolt, ctx);

  // HTTP mode: events and slash commands are answered once written, then run through Bolt from here.
  const inbox = receiver
    ? createSlackInbox({
        store: deps.store.slackInbox,
        clock: deps.clock,
        logger: log,
        takeOverAtStart: deps.store.engine === 'sqlite',
        ...(deps.gate ? { gate: deps.gate } : {}),
        // SQLite writes take turns on one connection: more background handlers would only queue there.
        backgroundConcurrency: deps.store.engine === 'sqlite' ? 1 : 4,
        handle: (item, { log: itemLog, answer }) =>
          receiver.track(
            bolt.processEvent({
              body: item.body,
              retryNum: item.retryNum ?? undefined,
              retryReason: item.retryReason ?? undefined,
              // Listeners read these from their `context`: the request's logger, the inbox id a slash
              // command is refused by when it is handled a second time, and how often it was taken
              // over (0: its first run, when a person is told of an outage once).
              customProperties: { requestLog: itemLog, inboxId: item.id, inboxAttempts: item.attempts },
              // Bolt acks an event itself before its listener runs: only a command's ack is an answer.
              ack: async (response?: unknown) => {
                if (item.kind === 'command') answer(response);
              },
            }),
          ),
        respondLater: async (item, response) => {
          const url = item.body.response_url;
          if (typeof url !== 'string') return;
          await api.respond(url, typeof response === 'string' ? { response_type: 'ephemeral', text: response } : (response as Record<string, unknown>));
        },
      })
    : null;

  return {
    mode: socketMode ? ('socket' as const) : ('http' as const),
    handlers: createSlackJobHandlers(ctx) as ReadonlyMap<string, JobHandler>,
    registerRoutes(server: FastifyInstance): void {
      // Both exist in HTTP mode only.
      if (!receiver || !inbox) return;
      if (!config.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
      registerSlackRoute(server, {
        receiver,
        signingSecret: config.signingSecret,
        clock: deps.clock,
        inbox,
        notRecorded: (error) => failureText(ctx, error, 'slash command', { recorded: false }) ?? '',
      });
    },
    async start(): Promise<void> {
      if (socketMode) await bolt.start();
      inbox?.start();
      void bot.userId();
    },
    async stop(): Promise<void> {
      if (socketMode) await bolt.stop();
      await inbox?.stop();
      await receiver?.stop();
    },
  };
}

export type SlackModule = ReturnType<typeof createSlackModule>;
