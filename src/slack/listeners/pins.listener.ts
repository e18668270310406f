import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { copiedText, fromSlackText, slackTsToDate } from '../parse/slack-text.js';
import { eventKey, logDropped, slackActor } from './replies.js';
import { systemUser } from '../../domain/user.js';
import { LONG_TEXT_MAX } from '../../domain/text.js';
import { incidentLog } from '../request-log.js';

const pinnedMessage = z
  .object({
    ts: z.string(),
    text: z.string().optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    username: z.string().optional(),
    permalink: z.string().optional(),
    files: z.array(z.object({ name: z.string().optional(), title: z.string().optional() }).loose()).optional(),
  })
  .loose();

const pinEvent = z
  .object({
    user: z.string(),
    channel_id: z.string().optional(),
    item: z
      .object({ type: z.string(), channel: z.string().optional(), message: pinnedMessage.optional(), created_by: z.string().optional() })
      .loose(),
  })
  .loose();

const reactionEvent = z
  .object({ user: z.string(), reaction: z.string(), item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }).loose() })
  .loose();

const envelope = z.object({ event_id: z.string().optional() }).loose();

/** What a pinned message says, files and bot posts included, as the timeline keeps it. */
function pinnedText(message: z.output<typeof pinnedMessage>): string {
  const files = (message.files ?? []).map((f) => f.title ?? f.name ?? 'file');
  const parts = [fromSlackText(message.text ?? '').trim(), files.length > 0 ? `(files: ${files.join(', ')})` : ''].filter(Boolean);
  return copiedText(parts.join('\n') || '(a message without text)', LONG_TEXT_MAX);
}

/**
 * The scribe's pins become the timeline (copied, so the record outlives the channel); unpinning
 * removes the entry as a revision. A 📌 reaction does the same for people who cannot pin.
 */
export function registerPins(app: App, ctx: SlackContext): void {
  app.event('pin_added', async ({ event, body, context }) => {
    const parsed = pinEvent.safeParse(event);
    if (!parsed.success || parsed.data.item.type !== 'message' || !parsed.data.item.message) return;
    const channel = parsed.data.item.channel ?? parsed.data.channel_id;
    if (!channel) return;
    const message = parsed.data.item.message;
    try {
      const incident = await ctx.incidents.findByChannel(channel);
      if (!incident) return;
      incidentLog(ctx, context, incident.reference);
      const actor = await slackActor(ctx, parsed.data.user, eventKey(envelope.parse(body).event_id));
      // A bot's or integration's message is the app's to credit, never the pinner's.
      const author = message.user ? (await slackActor(ctx, message.user)).user : systemUser;
      await ctx.timeline.addCopy(actor, incident.id, {
        kind: 'pinnedMessage',
        text: pinnedText(message),
        occurredAt: slackTsToDate(message.ts),
        link: message.permalink ?? null,
        author,
        sourceRef: `slack:${channel}:${message.ts}`,
      });
    } catch (error) {
      logDropped(ctx, error, 'pin_added');
    }
  });

  app.event('pin_removed', async ({ event, body, context }) => {
    const parsed = pinEvent.safeParse(event);
    if (!parsed.success || !parsed.data.item.message) return;
    const channel = parsed.data.item.channel ?? parsed.data.channel_id;
    if (!channel) return;
    try {
      const incident = await ctx.incidents.findByChannel(channel);
      if (!incident) return;
      incidentLog(ctx, context, incident.reference);
      const actor = await slackActor(ctx, parsed.data.user, eventKey(envelope.parse(body).event_id));
      await ctx.timeline.removeCopy(actor, incident.id, `slack:${channel}:${parsed.data.item.message.ts}`);
    } catch (error) {
      logDropped(ctx, error, 'pin_removed');
    }
  });

  app.event('reaction_added', async ({ event, body, context }) => {
    const parsed = reactionEvent.safeParse(event);
    if (!parsed.success || parsed.data.reaction !== ctx.config.pinReaction) return;
    const { channel, ts } = parsed.data.item;
    if (parsed.data.item.type !== 'message' || !channel || !ts) return;
    try {
      const incident = await ctx.incidents.findByChannel(channel);
      if (!incident) return;
      incidentLog(ctx, context, incident.reference);
      const key = eventKey(envelope.parse(body).event_id);
      if (key && !(await ctx.store.idempotency.claim(key, ctx.clock.now()))) return;
      // The reaction carries no text: fetching the message is a Slack call, so it is a job.
      await enqueueSlackJob(
        ctx.store.jobs,
        'slack.pin.reaction',
        { incidentId: incident.id, channelId: channel, ts, reactedBy: parsed.data.user },
        { incidentId: incident.id },
      );
    } catch (error) {
      logDropped(ctx, error, 'reaction_added');
    }
  });
}
