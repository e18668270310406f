import { z } from 'zod';

// PAGERDUTY_*: their parsers and the pager settings they make. config.ts holds the schema.

/** A specialist team `escalate` offers, with the routing key of its PagerDuty service. */
export interface PagerTeamConfig {
  readonly name: string;
  readonly routingKey: string;
  readonly description: string;
}

/** PagerDuty, when PAGERDUTY_ROUTING_KEY is set. */
export interface PagerConfig {
  /** Events API v2 integration key of the service whose escalation policy reaches the on-call incident lead. */
  readonly routingKey: string;
  /** REST API token (read access is enough): shows who is on call. Null: not shown. */
  readonly apiToken: string | null;
  /** The escalation policy whose on-call people are shown for the lead. */
  readonly escalationPolicy: string | null;
  readonly eventsUrl: string;
  readonly apiUrl: string;
  readonly teams: readonly PagerTeamConfig[];
  /** Verifies the V3 webhooks at `POST /webhooks/pagerduty`; null: no webhook route. */
  readonly webhookSecret: string | null;
}

/** The parsed PAGERDUTY_* variables, as config.ts's schema yields them. */
export interface PagerVariables {
  readonly PAGERDUTY_ROUTING_KEY?: string;
  readonly PAGERDUTY_API_TOKEN?: string;
  readonly PAGERDUTY_ESCALATION_POLICY?: string;
  readonly PAGERDUTY_EVENTS_URL: string;
  readonly PAGERDUTY_API_URL: string;
  readonly PAGERDUTY_TEAMS?: readonly PagerTeamConfig[];
  readonly PAGERDUTY_WEBHOOK_SECRET?: string;
}

const ROUTING_KEY = /^[A-Za-z0-9]{20,64}$/;
const withoutSlash = (u: string) => u.replace(/\/+$/, '');

export const pagerRoutingKey = z.string().trim().regex(ROUTING_KEY, 'an Events API v2 integration key (32 letters and digits)');
export const pagerUrl = z.url({ protocol: /^https?$/ }).transform(withoutSlash);

/** `database:R0UT1NGKEY…:Databases and replication,network:…` — name, routing key, what they cover. */
export const pagerTeamList = z.string().transform((value, ctx): readonly PagerTeamConfig[] => {
  const teams: PagerTeamConfig[] = [];
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    // Only the first two colons separate: the description may hold more.
    const [name = '', routingKey = ''] = item.split(':', 2).map((s) => s.trim());
    const description = item.split(':').slice(2).join(':').trim();
    if (!/^[a-z][a-z0-9_-]{0,39}$/i.test(name) || name.toLowerCase() === 'lead') {
      ctx.addIssue({ code: 'custom', message: `"${item}" needs a team name first (letters, digits, dashes; not "lead"), like "database:<routing key>:Databases"` });
      return z.NEVER;
    }
    if (!ROUTING_KEY.test(routingKey)) {
      ctx.addIssue({ code: 'custom', message: `the team ${name} needs an Events API v2 routing key after its name` });
      return z.NEVER;
    }
    if (teams.some((t) => t.name.toLowerCase() === name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', message: `the team ${name} appears twice` });
      return z.NEVER;
    }
    teams.push(Object.freeze({ name, routingKey, description }));
  }
  return Object.freeze(teams);
});

/** The pager settings, or null when PagerDuty is not configured (a PAGERDUTY_* variable alone is a problem). */
export function pagerConfig(c: PagerVariables, problems: string[]): PagerConfig | null {
  if (!c.PAGERDUTY_ROUTING_KEY) {
    for (const name of ['PAGERDUTY_API_TOKEN', 'PAGERDUTY_ESCALATION_POLICY', 'PAGERDUTY_TEAMS', 'PAGERDUTY_WEBHOOK_SECRET'] as const) {
      if (c[name]) problems.push(`${name}: set PAGERDUTY_ROUTING_KEY too`);
    }
    return null;
  }
  if (c.PAGERDUTY_ESCALATION_POLICY && !c.PAGERDUTY_API_TOKEN) {
    problems.push('PAGERDUTY_ESCALATION_POLICY: set PAGERDUTY_API_TOKEN too (the on-call lookup needs it)');
  }
  return Object.freeze({
    routingKey: c.PAGERDUTY_ROUTING_KEY,
    apiToken: c.PAGERDUTY_API_TOKEN ?? null,
    escalationPolicy: c.PAGERDUTY_ESCALATION_POLICY ?? null,
    eventsUrl: c.PAGERDUTY_EVENTS_URL,
    apiUrl: c.PAGERDUTY_API_URL,
    teams: c.PAGERDUTY_TEAMS ?? [],
    webhookSecret: c.PAGERDUTY_WEBHOOK_SECRET ?? null,
  });
}
