import type { AnyMiddlewareArgs, App, Context } from '@slack/bolt';
import type { SlackContext } from './context.js';
import { incidentLog } from './request-log.js';

// Channels and incidents never change references: a bounded map spares the database a read per
// Slack request once a channel has been seen.
const CACHE_LIMIT = 1000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The channel a Slack request happened in: a button's message, an event's (or its item's), a slash command's. */
function channelOf(body: Record<string, unknown>): string | null {
  if (isObject(body.channel)) return text(body.channel.id);
  const event = isObject(body.event) ? body.event : null;
  if (event) return text(event.channel) ?? (isObject(event.item) ? text(event.item.channel) : null) ?? text(event.channel_id);
  return text(body.channel_id);
}

/** The incident a modal is about, which its private metadata names (`incidentId`). */
function incidentIdOfView(body: Record<string, unknown>): string | null {
  const metadata = isObject(body.view) ? text(body.view.private_metadata) : null;
  if (!metadata?.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return isObject(parsed) ? text(parsed.incidentId) : null;
  } catch {
    return null;
  }
}

/**
 * Names the incident a Slack request is about on the request's logger before any listener runs, so
 * every line of it (fastify's `request completed` included) carries `incident: 'INC-42'`: from the
 * channel for messages, pins, buttons and members, from the modal's metadata for submissions. A
 * request about no incident logs as before; a failed lookup never stops the request.
 */
export function registerIncidentLogMiddleware(app: App, ctx: SlackContext): void {
  const byChannel = new Map<string, string>();
  const byId = new Map<string, string>();
  const remember = (cache: Map<string, string>, key: string, reference: string) => {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, reference);
  };

  async function referenceOf(body: Record<string, unknown>): Promise<string | null> {
    const id = incidentIdOfView(body);
    if (id) {
      const known = byId.get(id);
      if (known) return known;
      const incident = await ctx.incidents.get(id);
      remember(byId, id, incident.reference);
      return incident.reference;
    }
    const channel = channelOf(body);
    if (!channel) return null;
    const known = byChannel.get(channel);
    if (known) return known;
    const incident = await ctx.incidents.findByChannel(channel);
    if (!incident) return null;
    remember(byChannel, channel, incident.reference);
    return incident.reference;
  }

  app.use(async ({ body, context, next }: AnyMiddlewareArgs & { context: Context; next: () => Promise<void> }) => {
    const reference = isObject(body) ? await referenceOf(body).catch(() => null) : null;
    if (reference) incidentLog(ctx, context, reference);
    await next();
  });
}
