import { z } from 'zod';
import type { PagerConfig } from '../../config/pager.config.js';
import { PagerRefused, PagerUnavailable, type Pager, type PageRequest } from '../../ports/pager.port.js';

const TIMEOUT_MS = 10_000;

// Events API v2: 202 {status:"success", dedup_key} when taken; 400 {status:"invalid event", errors} for a bad body.
const enqueueAccepted = z.object({ status: z.literal('success'), dedup_key: z.string() });
const enqueueRefused = z.object({ message: z.string().optional(), errors: z.array(z.string()).optional() }).loose();

// REST API v2 GET /oncalls: one entry per person per escalation level (and per schedule).
const oncallsResponse = z.object({
  oncalls: z.array(
    z.object({
      escalation_level: z.number(),
      user: z.object({ id: z.string(), summary: z.string().optional(), name: z.string().optional() }).loose().nullable(),
    }).loose(),
  ),
});

// REST API v2 GET /users/{id}: the agent of a webhook carries no email, the user record does.
const userResponse = z.object({ user: z.object({ email: z.string().nullable().optional() }).loose() });

function retryAfterMs(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new PagerUnavailable(`PagerDuty unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Fails like the vendor says: a 429 or 5xx is an outage to wait out, another 4xx a refusal. */
async function failure(response: Response, what: string): Promise<never> {
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 429 || response.status >= 500) {
    throw new PagerUnavailable(`PagerDuty ${what}: HTTP ${response.status}`, retryAfterMs(response));
  }
  const refused = enqueueRefused.safeParse(body);
  const why = refused.success ? [refused.data.message, ...(refused.data.errors ?? [])].filter(Boolean).join('; ') : '';
  throw new PagerRefused(`PagerDuty refused the ${what}: HTTP ${response.status}${why ? ` (${why})` : ''}`);
}

/**
 * A team's routing key by its name (configuration's and the site's teams, one lookup); null when
 * there is none. `resolve` finds inactive teams too: their open pages must still be closed.
 */
export type TeamRoutingKeyLookup = (name: string, use: 'page' | 'resolve') => Promise<string | null>;

/**
 * The Pager port over PagerDuty: pages and resolves through the Events API v2 (one integration
 * key per service; the lead's, or a team's), and asks the REST API v2 who is on call when a token
 * and an escalation policy are configured.
 */
export function createPagerDutyPager(config: PagerConfig, teams: { readonly routingKeyOf: TeamRoutingKeyLookup }): Pager {
  async function routingKeyOf(target: string, use: 'page' | 'resolve'): Promise<string> {
    if (target === 'lead') return config.routingKey;
    const key = await teams.routingKeyOf(target, use);
    if (!key) throw new PagerRefused(`no PagerDuty team called ${target} is configured`);
    return key;
  }

  async function enqueue(body: Record<string, unknown>, what: string): Promise<void> {
    const response = await call(`${config.eventsUrl}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 202) return failure(response, what);
    const parsed = enqueueAccepted.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new PagerUnavailable(`PagerDuty ${what}: unexpected answer`);
  }

  const restHeaders = (token: string) => ({ authorization: `Token token=${token}`, accept: 'application/vnd.pagerduty+json;version=2' });

  return {
    async page(request: PageRequest) {
      const { incident } = request;
      await enqueue(
        {
          routing_key: await routingKeyOf(request.target, 'page'),
          event_action: 'trigger',
          dedup_key: request.pageKey,
          payload: {
            // What the phone shows first: the reference, then the words of the person asking.
            summary: `${incident.reference}: ${request.message}`.slice(0, 1024),
            source: incident.url,
            // A page wakes someone: always urgent at PagerDuty, whatever our severity scale says.
            severity: 'critical',
            custom_details: {
              incident: incident.reference,
              title: incident.title,
              severity: incident.severity ?? 'not set',
              requested_by: request.requestedBy,
              message: request.message,
            },
          },
          client: 'Incident response',
          client_url: incident.url,
          links: [{ href: incident.url, text: `${incident.reference} on the incident site` }],
        },
        'page',
      );
    },

    async resolve(target, pageKey) {
      await enqueue({ routing_key: await routingKeyOf(target, 'resolve'), event_action: 'resolve', dedup_key: pageKey }, 'resolve');
    },

    async whoIsOnCall(target) {
      if (target !== 'lead' || !config.apiToken || !config.escalationPolicy) return null;
      const query = new URLSearchParams([['escalation_policy_ids[]', config.escalationPolicy], ['earliest', 'true']]);
      const response = await call(`${config.apiUrl}/oncalls?${query.toString()}`, { headers: restHeaders(config.apiToken) });
      if (!response.ok) return failure(response, 'on-call lookup');
      const parsed = oncallsResponse.safeParse(await response.json().catch(() => null));
      if (!parsed.success) throw new PagerUnavailable('PagerDuty on-call lookup: unexpected answer');
      const names: string[] = [];
      for (const entry of [...parsed.data.oncalls].sort((a, b) => a.escalation_level - b.escalation_level)) {
        const name = entry.user?.summary ?? entry.user?.name;
        if (name && !names.includes(name)) names.push(name);
      }
      return names;
    },

    async emailOf(pagerUserId) {
      if (!config.apiToken) return null;
      const response = await call(`${config.apiUrl}/users/${encodeURIComponent(pagerUserId)}`, { headers: restHeaders(config.apiToken) });
      // A user deleted since acknowledging has no email to match.
      if (response.status === 404) return null;
      if (!response.ok) return failure(response, 'user lookup');
      const parsed = userResponse.safeParse(await response.json().catch(() => null));
      if (!parsed.success) throw new PagerUnavailable('PagerDuty user lookup: unexpected answer');
      return parsed.data.user.email?.trim().toLowerCase() || null;
    },
  };
}
