import { z } from 'zod';
import type { AtlassianStatusPageConfig } from '../../config/statuspage.config.js';
import type { ComponentState } from '../../domain/status-page.js';
import {
  StatusPageRefused,
  StatusPageUnavailable,
  type ExternalStatusIncident,
  type StatusPagePublisher,
} from '../../ports/status-page-publisher.port.js';

const TIMEOUT_MS = 10_000;

// REST API v1: POST/PATCH /v1/pages/{page_id}/incidents[/{id}] answer the incident object.
const incidentResponse = z.object({ id: z.string().min(1), shortlink: z.string().nullish() }).loose();
const errorResponse = z.object({ error: z.union([z.string(), z.array(z.string())]).optional(), message: z.string().optional() }).loose();

function retryAfterMs(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

interface IncidentBody {
  readonly name: string;
  readonly status: string;
  readonly body: string;
  readonly components: readonly { readonly name: string; readonly state: ComponentState }[];
  readonly notifySubscribers: boolean;
}

/**
 * The StatusPagePublisher port over Atlassian Statuspage's REST API v1. Our components are sent
 * by the ids configured for them; one Statuspage does not know is left out rather than refused,
 * so a component missing from ATLASSIAN_STATUSPAGE_COMPONENTS never blocks telling the public.
 */
export function createAtlassianStatusPagePublisher(config: AtlassianStatusPageConfig): StatusPagePublisher {
  const incidentsUrl = `${config.apiUrl}/v1/pages/${encodeURIComponent(config.pageId)}/incidents`;

  function incidentPayload(input: IncidentBody) {
    const components: Record<string, ComponentState> = {};
    for (const { name, state } of input.components) {
      const id = config.components.get(name);
      if (id) components[id] = state;
    }
    return {
      incident: {
        name: input.name,
        status: input.status,
        body: input.body,
        component_ids: Object.keys(components),
        components,
        deliver_notifications: input.notifySubscribers,
      },
    };
  }

  async function send(method: 'POST' | 'PATCH', url: string, input: IncidentBody, what: string): Promise<ExternalStatusIncident> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `OAuth ${config.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(incidentPayload(input)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new StatusPageUnavailable(`Statuspage unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const body: unknown = await response.json().catch(() => null);
    // A 420 is what Statuspage documented for its rate limit before it moved to 429: both wait.
    if (response.status === 429 || response.status === 420 || response.status >= 500) {
      throw new StatusPageUnavailable(`Statuspage ${what}: HTTP ${response.status}`, retryAfterMs(response));
    }
    if (!response.ok) {
      const refused = errorResponse.safeParse(body);
      const why = refused.success ? [refused.data.error, refused.data.message].flat().filter(Boolean).join('; ') : '';
      throw new StatusPageRefused(`Statuspage refused the ${what}: HTTP ${response.status}${why ? ` (${why})` : ''}`);
    }
    const parsed = incidentResponse.safeParse(body);
    if (!parsed.success) throw new StatusPageUnavailable(`Statuspage ${what}: unexpected answer`);
    return { id: parsed.data.id, link: parsed.data.shortlink ?? null };
  }

  return {
    name: 'Atlassian Statuspage',

    async publishLatest(update, existing) {
      const input = { name: update.title, status: update.status, body: update.message, components: update.components, notifySubscribers: update.notifySubscribers };
      if (!existing) return send('POST', incidentsUrl, input, 'new incident');
      const updated = await send('PATCH', `${incidentsUrl}/${encodeURIComponent(existing.id)}`, input, 'incident update');
      return { id: updated.id, link: updated.link ?? existing.link };
    },

    async resolve(resolution, existing) {
      const components = resolution.components.map((name) => ({ name, state: 'operational' as const }));
      const input = { name: resolution.title, status: 'resolved', body: resolution.message, components, notifySubscribers: resolution.notifySubscribers };
      const updated = await send('PATCH', `${incidentsUrl}/${encodeURIComponent(existing.id)}`, input, 'resolution');
      return { id: updated.id, link: updated.link ?? existing.link };
    },
  };
}
