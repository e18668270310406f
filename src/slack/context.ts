import type { Logger } from 'pino';
import type { SlackConfig } from '../config/config.js';
import type { SeverityScale } from '../domain/severity.js';
import type { Clock } from '../ports/clock.port.js';
import type { Store } from '../ports/store.port.js';
import type { ActionService } from '../services/action.service.js';
import type { CallService } from '../services/call.service.js';
import type { IncidentService } from '../services/incident.service.js';
import type { NudgeService } from '../services/nudge.service.js';
import type { PageService } from '../services/page.service.js';
import type { RcaPublishingService } from '../services/rca-publishing.service.js';
import type { RcaService } from '../services/rca.service.js';
import type { StatusPageService } from '../services/status-page.service.js';
import type { TimelineService } from '../services/timeline.service.js';
import type { UserService } from '../services/user.service.js';
import type { SlackFeatures } from './blocks/index.js';
import type { SlackApi } from './slack-api.js';

/** Who the bot is in Slack, learnt from auth.test once it answers. */
export interface BotIdentity {
  /** The bot's user id, asking Slack if we do not know it yet; null while Slack does not answer. */
  userId(): Promise<string | null>;
  /** The bot's user id if already known, without waiting on Slack (for the request path). */
  known(): string | null;
}

/** Everything the Slack listeners and job handlers share. */
export interface SlackContext {
  readonly config: SlackConfig;
  readonly publicUrl: string;
  readonly severities: SeverityScale;
  readonly features: SlackFeatures;
  readonly api: SlackApi;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bot: BotIdentity;
  readonly incidents: IncidentService;
  readonly timeline: TimelineService;
  readonly actions: ActionService;
  readonly users: UserService;
  readonly nudges: NudgeService;
  /** Paging (PagerDuty); null when PAGERDUTY_ROUTING_KEY is unset. */
  readonly pages: PageService | null;
  readonly statusPage: StatusPageService;
  /** The root cause analysis after close: the `rca` command, its modal and the close message's button. */
  readonly rca: RcaService;
  /** Conference calls; null when CALL_URL_TEMPLATE is unset. */
  readonly calls: CallService | null;
  /** The RCA's copies that leave the site (the shared summary); null in tools built without it. */
  readonly rcaPublishing?: RcaPublishingService | null;
}
