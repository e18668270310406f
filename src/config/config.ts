import { z } from 'zod';
import { parseDatabaseUrl, type DatabaseTarget } from '../db/database-url.js';
import type { NudgeSettings } from '../domain/nudges.js';
import { callUrlTemplate, helpChannelList, type HelpChannel } from './calls.config.js';
import { pagerConfig, pagerRoutingKey, pagerTeamList, pagerUrl, type PagerConfig } from './pager.config.js';
import { atlassianStatusPageConfig, statusPageApiUrl, statusPageComponentList, statusPageId, type AtlassianStatusPageConfig } from './statuspage.config.js';
import { commsCadence, duration, durationOrOff, nudgeSettings, nudgeTiming, timeZone, workingHours } from './nudges.config.js';
import { retentionPeriod } from './retention.config.js';
import type { RetentionPolicy } from '../domain/retention.js';
import { defaultSeverityScale, type SeverityScale } from '../domain/severity.js';
import type { RedactionPattern } from '../domain/redaction.js';
import { confluenceConfig, confluencePageId, confluenceSecret, confluenceSpaceKey, confluenceUrl, type ConfluenceConfig } from './confluence.config.js';
import { rcaShareChannelList, redactPatternList } from './redaction.config.js';

/** Every environment variable the app reads: name, what it does, and its default. The README table mirrors this. */
export const configVariables = [
  { name: 'PORT', description: 'HTTP port to listen on.', default: '3000' },
  { name: 'HOST', description: 'Interface to bind; `0.0.0.0` in a container.', default: '127.0.0.1' },
  {
    name: 'DATABASE_URL',
    description: 'Unset: embedded SQLite at `./data/incident-response.sqlite`. `sqlite:/path/file.db`: another SQLite file. `postgres://user:pass@host/db`: PostgreSQL.',
    default: '(SQLite file)',
  },
  { name: 'PUBLIC_URL', description: 'The address people use to reach the site; links in messages point here.', default: 'http://localhost:$PORT' },
  {
    name: 'SEVERITIES',
    description: 'The ordered severity scale, most severe first, as `key:Label` pairs.',
    default: 'critical:Critical,major:Major,trivial:Trivial',
  },
  { name: 'INCIDENT_REFERENCE_PREFIX', description: 'Prefix of incident references (`INC` gives `INC-42`).', default: 'INC' },
  { name: 'LOG_LEVEL', description: 'pino log level: fatal, error, warn, info, debug, trace or silent.', default: 'info' },
  { name: 'NODE_ENV', description: '`production` turns on production safeguards.', default: 'development' },
  { name: 'SLACK_BOT_TOKEN', description: 'Bot token (`xoxb-…`) of the Slack app. With a signing secret or an app token, turns Slack on.', default: '(Slack off)' },
  { name: 'SLACK_SIGNING_SECRET', description: 'Verifies requests to `POST /slack/events` (HTTP mode).', default: '' },
  { name: 'SLACK_APP_TOKEN', description: 'App-level token (`xapp-…`): Socket Mode, no public URL needed.', default: '' },
  { name: 'SLACK_API_URL', description: 'Base URL of the Slack Web API (tests point it at a fake).', default: 'https://slack.com/api/' },
  { name: 'SLACK_COMMAND', description: 'The slash command as registered in the app (the OPG team uses `/opg-incident`).', default: '/incident' },
  { name: 'INCIDENT_CHANNEL', description: 'Channel (name or id) where new incidents are announced.', default: 'incidents' },
  { name: 'INCIDENT_REPORT_CHANNEL', description: 'Channel for report-only incidents; unset: the announcement channel.', default: '' },
  { name: 'SLACK_PIN_REACTION', description: 'Reacting with this emoji adds the message to the timeline, like a pin.', default: 'pushpin' },
  {
    name: 'CALL_URL_TEMPLATE',
    description: 'Conference call link for "Start a call": a fixed Zoom, Meet or Teams link, or a template with `{reference}` and `{channel}` (e.g. `https://meet.jit.si/acme-{reference}`). Unset: no call button.',
    default: '(no calls)',
  },
  {
    name: 'HELP_CHANNELS',
    description: 'Channels to ask for outside help, shown in `help` and the channel kickoff, as `#channel:What to ask there` pairs, comma-separated.',
    default: '(none)',
  },
  { name: 'PAGERDUTY_ROUTING_KEY', description: 'PagerDuty Events API v2 integration key of the service that pages the on-call incident lead. Turns paging on.', default: '(paging off)' },
  { name: 'PAGERDUTY_API_TOKEN', description: 'PagerDuty REST API token (read-only is enough): shows who is on call when paging, and finds the email of who acknowledged a page.', default: '' },
  { name: 'PAGERDUTY_ESCALATION_POLICY', description: 'Id of the escalation policy whose on-call people are shown for the lead (needs PAGERDUTY_API_TOKEN).', default: '' },
  { name: 'PAGERDUTY_TEAMS', description: 'Specialist teams `escalate` offers, as `name:routing_key:What they cover` entries, comma-separated (admins add more at /admin/teams).', default: '(none)' },
  { name: 'PAGERDUTY_EVENTS_URL', description: 'Base URL of the PagerDuty Events API (tests point it at a fake).', default: 'https://events.pagerduty.com' },
  { name: 'PAGERDUTY_API_URL', description: 'Base URL of the PagerDuty REST API (EU accounts: `https://api.eu.pagerduty.com`).', default: 'https://api.pagerduty.com' },
  { name: 'ATLASSIAN_STATUSPAGE_API_KEY', description: 'Atlassian Statuspage API key (sent as `Authorization: OAuth …`). With the page id, publications also go to Statuspage.', default: '(Statuspage off)' },
  { name: 'ATLASSIAN_STATUSPAGE_PAGE_ID', description: 'Id of the Statuspage page to publish to.', default: '' },
  { name: 'ATLASSIAN_STATUSPAGE_COMPONENTS', description: 'Statuspage component ids of our STATUS_COMPONENTS, as `Name:component_id` pairs, comma-separated; unlisted components are not sent.', default: '(none)' },
  { name: 'ATLASSIAN_STATUSPAGE_API_URL', description: 'Base URL of the Statuspage REST API (tests point it at a fake).', default: 'https://api.statuspage.io' },
  {
    name: 'PAGERDUTY_WEBHOOK_SECRET',
    description: 'Secret of a PagerDuty V3 webhook subscription sending to `$PUBLIC_URL/webhooks/pagerduty`: acknowledgements reach the channel. Unset: no webhook route.',
    default: '(webhooks off)',
  },
  { name: 'SESSION_SECRET', description: 'Signs the site\'s session cookies (32+ characters). Unset outside production: a random one per start (everyone signs in again after a restart).', default: '(random)' },
  { name: 'ADMIN_EMAILS', description: 'Comma-separated emails of people who see every incident on the site, private ones included, and manage the teams that can be paged (/admin/teams).', default: '' },
  { name: 'STATUS_COMPONENTS', description: 'Components shown on the public status page (`/status`), comma-separated, e.g. `Use an LPA,Make an LPA,Payments`.', default: '(none)' },
  { name: 'OIDC_ISSUER', description: 'Sign-in with OpenID Connect: the issuer URL (`https://slack.com`, `https://login.microsoftonline.com/{tenant}/v2.0`, `https://accounts.google.com`, your Okta domain...).', default: '' },
  { name: 'OIDC_CLIENT_ID', description: 'Client id of the app registered at the OpenID Connect issuer.', default: '' },
  { name: 'OIDC_CLIENT_SECRET', description: 'Client secret of that app. Register `$PUBLIC_URL/sign-in/oidc/callback` as its redirect URL.', default: '' },
  { name: 'OIDC_LABEL', description: 'The provider\'s name on the sign-in button ("Sign in with …").', default: 'single sign-on' },
  { name: 'OIDC_SCOPES', description: 'Scopes asked of the issuer; `email` is needed to know who people are.', default: 'openid email profile' },
  { name: 'GITHUB_CLIENT_ID', description: 'Sign-in with GitHub: client id of a GitHub OAuth App whose callback URL is `$PUBLIC_URL/sign-in/github/callback`.', default: '' },
  { name: 'GITHUB_CLIENT_SECRET', description: 'Client secret of that OAuth App.', default: '' },
  { name: 'GITHUB_ORG', description: 'Only members of this GitHub organisation may sign in.', default: '(any GitHub user)' },
  { name: 'GITHUB_URL', description: 'GitHub\'s web address (GitHub Enterprise Server: your server).', default: 'https://github.com' },
  { name: 'GITHUB_API_URL', description: 'GitHub\'s REST API (Enterprise Server: `https://HOST/api/v3`).', default: 'https://api.github.com' },
  { name: 'SHUTDOWN_TIMEOUT_MS', description: 'On SIGTERM, how long in-flight requests may take to finish.', default: '10000' },
  {
    name: 'JOBS_STUCK_AFTER_MS',
    description: '`/healthz` answers 503 once a job that could run has waited this long for a worker (its worker has died).',
    default: '300000',
  },
  {
    name: 'METRICS_TOKEN',
    description: '`GET /metrics` (Prometheus) asks for `Authorization: Bearer <token>` (16+ characters). Unset: only clients on this machine (loopback) may scrape.',
    default: '(loopback only)',
  },
  { name: 'NUDGE_NO_LEAD', description: 'Reminder that nobody is incident lead: `off`, `<after>` (once) or `<after> every <repeat>`.', default: '5m every 10m' },
  { name: 'NUDGE_NO_SCRIBE', description: 'Reminder that nobody is scribe (same forms as NUDGE_NO_LEAD).', default: '10m every 20m' },
  { name: 'NUDGE_LEAD_IS_SCRIBE', description: '`on`: say once, at once, that the incident lead is also the scribe; `off`: never.', default: 'on' },
  { name: 'NUDGE_DETAILS', description: 'Reminder that the summary, severity or impact is missing.', default: '15m every 30m' },
  { name: 'NUDGE_BREAK', description: 'Reminder to take a break, counted from the start of the incident.', default: '2h every 2h' },
  { name: 'NUDGE_CAN_CLOSE', description: 'Asks whether the incident can be closed; sent in working hours only.', default: '1d every 1d' },
  { name: 'NUDGE_RCA', description: 'After a resolved close, reminder to schedule the root cause analysis; sent in working hours only.', default: '2h every 1d' },
  { name: 'COMMS_UPDATE_EVERY', description: 'The comms lead\'s stakeholder-update cadence by SEVERITIES key, or `off`.', default: 'critical:30m,major:1h' },
  { name: 'ARCHIVE_CHANNEL_AFTER', description: 'After close, the incident channel is archived this long after, or `off`.', default: '7d' },
  { name: 'ARCHIVE_WARNING_BEFORE', description: 'The channel is warned this long before it is archived; less than ARCHIVE_CHANNEL_AFTER.', default: '1d' },
  { name: 'WORKING_HOURS', description: 'When "can it be closed?" and the RCA reminder may be sent: whole hours and days.', default: '09:00-17:00 Mon-Fri' },
  { name: 'TZ', description: 'IANA time zone of WORKING_HOURS.', default: 'Europe/London' },
  {
    name: 'RETENTION_ANONYMISE_AFTER',
    description: 'Retention policy: people whose every incident ended this long ago (`3y` calendar years, `1095d` days; at least 30 days) are anonymised by `npm run cli -- retention --apply`. `off`: never.',
    default: 'off',
  },
  {
    name: 'REDACT_PATTERNS',
    description: 'Extra regular expressions masked before anything leaves the site (Confluence, exports, status page, shared summaries), separated by spaces (write a space inside one as `\\s`); `/body/i` for flags. Tokens, keys and passwords in links are masked anyway.',
    default: '(built-in rules only)',
  },
  { name: 'CONFLUENCE_URL', description: 'Base URL of Confluence (Cloud: `https://acme.atlassian.net/wiki`). With the space key and credentials, RCAs can be published there.', default: '(Confluence off)' },
  { name: 'CONFLUENCE_SPACE_KEY', description: 'Key of the Confluence space RCA pages are created in.', default: '' },
  { name: 'CONFLUENCE_PARENT_PAGE_ID', description: 'Id of the page RCA pages are created under.', default: '(top of the space)' },
  { name: 'CONFLUENCE_EMAIL', description: 'Confluence Cloud: the account email, with CONFLUENCE_API_TOKEN (Basic auth).', default: '' },
  { name: 'CONFLUENCE_API_TOKEN', description: 'Confluence Cloud: an API token of that account.', default: '' },
  { name: 'CONFLUENCE_TOKEN', description: 'Confluence Data Center: a personal access token (Bearer), instead of CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN.', default: '' },
  { name: 'RCA_SHARE_CHANNELS', description: 'Slack channels (ids or `#names`, comma-separated) the RCA publish page can share a summary to. Needs Slack.', default: '(no sharing)' },
] as const;

export type ConfigVariable = (typeof configVariables)[number]['name'];

export interface SlackConfig {
  readonly botToken: string;
  /** HTTP mode: requests to /slack/events are verified with it. */
  readonly signingSecret: string | null;
  /** Socket Mode when set. */
  readonly appToken: string | null;
  readonly apiUrl: string;
  readonly command: string;
  readonly announceChannel: string;
  readonly reportChannel: string | null;
  readonly pinReaction: string;
  /** Where to ask for outside help; empty: none shown. */
  readonly helpChannels: readonly HelpChannel[];
}

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly label: string;
  readonly scopes: string;
}

export interface GitHubConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly org: string | null;
  readonly webUrl: string;
  readonly apiUrl: string;
}

/** Where people sign in to the site; both null outside production means the development sign-in. */
export interface SignInConfig {
  readonly oidc: OidcConfig | null;
  readonly github: GitHubConfig | null;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  readonly publicUrl: string;
  readonly severities: SeverityScale;
  readonly referencePrefix: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly shutdownTimeoutMs: number;
  /** A runnable job waiting longer than this means no worker is taking jobs: /healthz fails. */
  readonly jobsStuckAfterMs: number;
  /** The bearer token `/metrics` asks for; null: loopback clients only. */
  readonly metricsToken: string | null;
  /** People (by email, lower case) who see every incident on the site. */
  readonly adminEmails: readonly string[];
  /** Signs session and CSRF cookies; null outside production means "generate one at start". */
  readonly sessionSecret: string | null;
  /** Null: the app runs without Slack (site and API only). */
  readonly slack: SlackConfig | null;
  readonly signIn: SignInConfig;
  /** When the process reminders fire; every one can be turned off. */
  readonly nudges: NudgeSettings;
  /** PagerDuty; null: paging is off. */
  readonly pager: PagerConfig | null;
  /** Atlassian Statuspage; null: publications stay on the built-in page only. */
  readonly atlassianStatusPage: AtlassianStatusPageConfig | null;
  /** The built-in status page's components, in order; empty: it shows incidents only. */
  readonly statusComponents: readonly string[];
  /** Makes conference call links (see domain/call.ts); null: calls are off. */
  readonly callUrlTemplate: string | null;
  /** How long people are kept after their last incident (the `retention` CLI command). */
  readonly retention: RetentionPolicy;
  /** Configured patterns masked, besides the built-in rules, before anything leaves the site. */
  readonly redactPatterns: readonly RedactionPattern[];
  /** Confluence; null: RCAs are not published there. */
  readonly confluence: ConfluenceConfig | null;
  /** Where an RCA summary can be shared in Slack; empty: no sharing. */
  readonly rcaShareChannels: readonly string[];
}

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const severityList = z.string().transform((value, ctx): SeverityScale => {
  const levels = value.split(',').map((pair) => pair.trim()).filter(Boolean);
  const scale: { key: string; label: string }[] = [];
  for (const pair of levels) {
    const [key, label] = pair.split(':').map((s) => s.trim());
    if (!key || !/^[a-z][a-z0-9_-]*$/.test(key)) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" needs a lower-case key like "critical:Critical"` });
      return z.NEVER;
    }
    if (scale.some((l) => l.key === key)) {
      ctx.addIssue({ code: 'custom', message: `the key "${key}" appears twice` });
      return z.NEVER;
    }
    scale.push({ key, label: label || key });
  }
  if (scale.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one level' });
    return z.NEVER;
  }
  return Object.freeze(scale.map((l) => Object.freeze(l)));
});

const schema = z.object({
  NODE_ENV: z.preprocess(blankIsUnset, z.enum(['development', 'production', 'test']).default('development')),
  PORT: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(blankIsUnset, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(blankIsUnset, z.string().optional()),
  PUBLIC_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).optional()),
  SEVERITIES: z.preprocess(blankIsUnset, severityList.optional()),
  INCIDENT_REFERENCE_PREFIX: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,9}$/, 'letters and digits, starting with a letter, at most 10')
      .default('INC'),
  ),
  LOG_LEVEL: z.preprocess(
    blankIsUnset,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  SHUTDOWN_TIMEOUT_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(600_000).default(10_000)),
  // Well above the worker's poll interval and a job's lease, or a busy queue would read as stuck.
  JOBS_STUCK_AFTER_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(60_000).max(86_400_000).default(300_000)),
  METRICS_TOKEN: z.preprocess(
    blankIsUnset,
    z.string().regex(/^[\x21-\x7e]{16,}$/, 'at least 16 characters, printable and without spaces').optional(),
  ),
  ADMIN_EMAILS: z.preprocess(
    blankIsUnset,
    z
      .string()
      .transform((v) => v.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.email('each entry must be an email address')))
      .optional(),
  ),
  SESSION_SECRET: z.preprocess(blankIsUnset, z.string().min(32, 'at least 32 characters').optional()),
  STATUS_COMPONENTS: z.preprocess(
    blankIsUnset,
    z
      .string()
      .transform((v) => [...new Set(v.split(',').map((name) => name.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(100, 'each component name at most 100 characters')).max(50, 'at most 50 components'))
      .optional(),
  ),
  // HTTPS only, except for a provider on this machine (a local or test issuer).
  OIDC_ISSUER: z.preprocess(
    blankIsUnset,
    z
      .url({ protocol: /^https?$/ })
      .refine((u) => u.startsWith('https:') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(`${u}/`), 'must be an https:// URL')
      .optional(),
  ),
  OIDC_CLIENT_ID: z.preprocess(blankIsUnset, z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess(blankIsUnset, z.string().optional()),
  OIDC_LABEL: z.preprocess(blankIsUnset, z.string().max(40).default('single sign-on')),
  OIDC_SCOPES: z.preprocess(
    blankIsUnset,
    z.string().refine((s) => s.split(/\s+/).includes('openid'), 'must include openid').default('openid email profile'),
  ),
  GITHUB_CLIENT_ID: z.preprocess(blankIsUnset, z.string().optional()),
  GITHUB_CLIENT_SECRET: z.preprocess(blankIsUnset, z.string().optional()),
  GITHUB_ORG: z.preprocess(blankIsUnset, z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, 'a GitHub organisation name').optional()),
  GITHUB_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).default('https://github.com')),
  GITHUB_API_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).default('https://api.github.com')),
  SLACK_BOT_TOKEN: z.preprocess(blankIsUnset, z.string().regex(/^xox[bp]-/, 'expected a bot token starting xoxb-').optional()),
  SLACK_SIGNING_SECRET: z.preprocess(blankIsUnset, z.string().min(8).optional()),
  SLACK_APP_TOKEN: z.preprocess(blankIsUnset, z.string().regex(/^xapp-/, 'expected an app-level token starting xapp-').optional()),
  SLACK_API_URL: z.preprocess(
    blankIsUnset,
    z
      .url({ protocol: /^https?$/ })
      .transform((u) => (u.endsWith('/') ? u : `${u}/`))
      .default('https://slack.com/api/'),
  ),
  SLACK_COMMAND: z.preprocess(blankIsUnset, z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'a slash command like /incident').default('/incident')),
  INCIDENT_CHANNEL: z.preprocess(blankIsUnset, z.string().regex(/^#?[\w-]{1,80}$/, 'a channel name or id').default('incidents')),
  INCIDENT_REPORT_CHANNEL: z.preprocess(blankIsUnset, z.string().regex(/^#?[\w-]{1,80}$/, 'a channel name or id').optional()),
  SLACK_PIN_REACTION: z.preprocess(blankIsUnset, z.string().regex(/^:?[\w+-]+:?$/, 'an emoji name like pushpin').default('pushpin')),
  CALL_URL_TEMPLATE: z.preprocess(blankIsUnset, callUrlTemplate.optional()),
  HELP_CHANNELS: z.preprocess(blankIsUnset, helpChannelList.optional()),
  PAGERDUTY_ROUTING_KEY: z.preprocess(blankIsUnset, pagerRoutingKey.optional()),
  PAGERDUTY_API_TOKEN: z.preprocess(blankIsUnset, z.string().trim().min(8, 'a PagerDuty REST API token').optional()),
  PAGERDUTY_ESCALATION_POLICY: z.preprocess(blankIsUnset, z.string().trim().regex(/^P[A-Z0-9]{5,13}$/, 'an escalation policy id like PABC123').optional()),
  PAGERDUTY_TEAMS: z.preprocess(blankIsUnset, pagerTeamList.optional()),
  PAGERDUTY_EVENTS_URL: z.preprocess(blankIsUnset, pagerUrl.default('https://events.pagerduty.com')),
  PAGERDUTY_API_URL: z.preprocess(blankIsUnset, pagerUrl.default('https://api.pagerduty.com')),
  ATLASSIAN_STATUSPAGE_API_KEY: z.preprocess(blankIsUnset, z.string().trim().min(8, 'a Statuspage API key').optional()),
  ATLASSIAN_STATUSPAGE_PAGE_ID: z.preprocess(blankIsUnset, statusPageId.optional()),
  ATLASSIAN_STATUSPAGE_COMPONENTS: z.preprocess(blankIsUnset, statusPageComponentList.optional()),
  ATLASSIAN_STATUSPAGE_API_URL: z.preprocess(blankIsUnset, statusPageApiUrl.default('https://api.statuspage.io')),
  PAGERDUTY_WEBHOOK_SECRET: z.preprocess(blankIsUnset, z.string().trim().min(8, 'the webhook subscription\'s secret').optional()),
  // Unset nudge variables take defaultNudgeSettings in nudgeSettings(): `off` parses to null, so `??` cannot tell them apart.
  NUDGE_NO_LEAD: z.preprocess(blankIsUnset, nudgeTiming.optional()),
  NUDGE_NO_SCRIBE: z.preprocess(blankIsUnset, nudgeTiming.optional()),
  NUDGE_LEAD_IS_SCRIBE: z.preprocess(blankIsUnset, z.enum(['on', 'off']).default('on')),
  NUDGE_DETAILS: z.preprocess(blankIsUnset, nudgeTiming.optional()),
  NUDGE_BREAK: z.preprocess(blankIsUnset, nudgeTiming.optional()),
  NUDGE_CAN_CLOSE: z.preprocess(blankIsUnset, nudgeTiming.optional()),
  NUDGE_RCA: z.preprocess(blankIsUnset, nudgeTiming.optional()),
  COMMS_UPDATE_EVERY: z.preprocess(blankIsUnset, commsCadence.optional()),
  ARCHIVE_CHANNEL_AFTER: z.preprocess(blankIsUnset, durationOrOff.optional()),
  ARCHIVE_WARNING_BEFORE: z.preprocess(blankIsUnset, duration.optional()),
  WORKING_HOURS: z.preprocess(blankIsUnset, workingHours.optional()),
  TZ: z.preprocess(blankIsUnset, timeZone.optional()),
  RETENTION_ANONYMISE_AFTER: z.preprocess(blankIsUnset, retentionPeriod.optional()),
  REDACT_PATTERNS: z.preprocess(blankIsUnset, redactPatternList.optional()),
  CONFLUENCE_URL: z.preprocess(blankIsUnset, confluenceUrl.optional()),
  CONFLUENCE_SPACE_KEY: z.preprocess(blankIsUnset, confluenceSpaceKey.optional()),
  CONFLUENCE_PARENT_PAGE_ID: z.preprocess(blankIsUnset, confluencePageId.optional()),
  CONFLUENCE_EMAIL: z.preprocess(blankIsUnset, z.email('an email address').optional()),
  CONFLUENCE_API_TOKEN: z.preprocess(blankIsUnset, confluenceSecret.optional()),
  CONFLUENCE_TOKEN: z.preprocess(blankIsUnset, confluenceSecret.optional()),
  RCA_SHARE_CHANNELS: z.preprocess(blankIsUnset, rcaShareChannelList.optional()),
});

/** Start-up refused: every bad variable is named, so one restart fixes them all. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the environment once into a frozen Config; the only reader of environment variables. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const database = parseDatabaseUrl(env.DATABASE_URL?.trim() || undefined, cwd);
  if (!database) problems.push('DATABASE_URL: expected sqlite:/path/file.db or postgres://user@host/db');
  if (!parsed.success || !database) throw new ConfigError(problems);

  const c = parsed.data;
  const slack = slackConfig(c, problems);
  const signIn = signInConfig(c, problems);
  const severities = c.SEVERITIES ?? defaultSeverityScale;
  const nudges = nudgeSettings(c, severities, problems);
  const pager = pagerConfig(c, problems);
  const atlassianStatusPage = atlassianStatusPageConfig(c, c.STATUS_COMPONENTS ?? [], problems);
  const confluence = confluenceConfig(c, problems);
  if (c.RCA_SHARE_CHANNELS?.length && !slack) problems.push('RCA_SHARE_CHANNELS: sharing to Slack needs Slack (SLACK_BOT_TOKEN)');
  if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) problems.push('SESSION_SECRET: required in production (32+ random characters)');
  // The development sign-in believes whatever name is typed: never in production.
  if (c.NODE_ENV === 'production' && !signIn.oidc && !signIn.github) {
    problems.push('sign-in: production needs a provider: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    database,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    severities,
    referencePrefix: c.INCIDENT_REFERENCE_PREFIX.toUpperCase(),
    logLevel: c.LOG_LEVEL,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    jobsStuckAfterMs: c.JOBS_STUCK_AFTER_MS,
    metricsToken: c.METRICS_TOKEN ?? null,
    sessionSecret: c.SESSION_SECRET ?? null,
    adminEmails: Object.freeze(c.ADMIN_EMAILS ?? []),
    slack,
    signIn,
    nudges,
    pager,
    atlassianStatusPage,
    statusComponents: Object.freeze(c.STATUS_COMPONENTS ?? []),
    callUrlTemplate: c.CALL_URL_TEMPLATE ?? null,
    retention: Object.freeze({ anonymiseAfter: c.RETENTION_ANONYMISE_AFTER ?? null }),
    redactPatterns: c.REDACT_PATTERNS ?? [],
    confluence,
    rcaShareChannels: c.RCA_SHARE_CHANNELS ?? [],
  });
}

function signInConfig(c: z.output<typeof schema>, problems: string[]): SignInConfig {
  let oidc: OidcConfig | null = null;
  if (c.OIDC_ISSUER || c.OIDC_CLIENT_ID || c.OIDC_CLIENT_SECRET) {
    if (!c.OIDC_ISSUER) problems.push('OIDC_ISSUER: required with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
    if (!c.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: required with OIDC_ISSUER');
    if (!c.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET: required with OIDC_ISSUER');
    if (c.OIDC_ISSUER && c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET) {
      oidc = Object.freeze({ issuer: c.OIDC_ISSUER, clientId: c.OIDC_CLIENT_ID, clientSecret: c.OIDC_CLIENT_SECRET, label: c.OIDC_LABEL, scopes: c.OIDC_SCOPES });
    }
  }
  let github: GitHubConfig | null = null;
  if (c.GITHUB_CLIENT_ID || c.GITHUB_CLIENT_SECRET) {
    if (!c.GITHUB_CLIENT_ID) problems.push('GITHUB_CLIENT_ID: required with GITHUB_CLIENT_SECRET');
    if (!c.GITHUB_CLIENT_SECRET) problems.push('GITHUB_CLIENT_SECRET: required with GITHUB_CLIENT_ID');
    if (c.GITHUB_CLIENT_ID && c.GITHUB_CLIENT_SECRET) {
      github = Object.freeze({ clientId: c.GITHUB_CLIENT_ID, clientSecret: c.GITHUB_CLIENT_SECRET, org: c.GITHUB_ORG ?? null, webUrl: c.GITHUB_URL, apiUrl: c.GITHUB_API_URL });
    }
  }
  if (c.GITHUB_ORG && !github) problems.push('GITHUB_ORG: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET too');
  return Object.freeze({ oidc, github });
}

function slackConfig(c: z.output<typeof schema>, problems: string[]): SlackConfig | null {
  const anySlack = c.SLACK_BOT_TOKEN || c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN;
  if (!anySlack) return null;
  if (!c.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  if (!c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!c.SLACK_BOT_TOKEN) return null;
  const channel = (name: string) => name.replace(/^#/, '');
  return Object.freeze({
    botToken: c.SLACK_BOT_TOKEN,
    signingSecret: c.SLACK_SIGNING_SECRET ?? null,
    appToken: c.SLACK_APP_TOKEN ?? null,
    apiUrl: c.SLACK_API_URL,
    command: c.SLACK_COMMAND,
    announceChannel: channel(c.INCIDENT_CHANNEL),
    reportChannel: c.INCIDENT_REPORT_CHANNEL ? channel(c.INCIDENT_REPORT_CHANNEL) : null,
    pinReaction: c.SLACK_PIN_REACTION.replace(/:/g, ''),
    helpChannels: c.HELP_CHANNELS ?? [],
  });
}
