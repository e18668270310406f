import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { eventKey, logDropped } from './replies.js';

const memberEvent = z.object({ user: z.string(), channel: z.string(), inviter: z.string().optional() }).loose();

const envelope = z
  .object({
    event_id: z.string().optional(),
    authorizations: z.array(z.object({ user_id: z.string().optional(), is_bot: z.boolean().optional() }).loose()).optional(),
  })
  .loose();

/**
 * Records a join to (or a leave from) an incident channel. The work is a job in the incident's
 * queue: a newcomer's profile is fetched first (so their email links them to the account they
 * sign in to the site with), and a leave cannot overtake the join before it.
 */
async function recordMembership(ctx: SlackContext, event: unknown, body: unknown, joined: boolean, where: string): Promise<void> {
  const parsed = memberEvent.safeParse(event);
  if (!parsed.success) return;
  const { user, channel, inviter } = parsed.data;
  const meta = envelope.safeParse(body);
  const bots = new Set([ctx.bot.known(), ...(meta.data?.authorizations ?? []).filter((a) => a.is_bot).map((a) => a.user_id)]);
  // The app itself is in every incident channel; it is nobody's person.
  if (bots.has(user)) return;
  try {
    const incident = await ctx.incidents.findByChannel(channel);
    if (!incident) return;
    const key = eventKey(meta.data?.event_id);
    await ctx.store.transaction(async (repos) => {
      // A Slack retry of an event already recorded (even one since undone by a leave) does nothing.
      if (key && !(await repos.idempotency.claim(key, ctx.clock.now()))) return;
      // Who let them in (or left): the inviter, else themselves; the app's own invites (when it
      // creates the channel) were nobody's in person.
      const by = inviter ? (bots.has(inviter) ? null : inviter) : user;
      await enqueueSlackJob(repos.jobs, 'slack.channel.member', { incidentId: incident.id, slackUserId: user, joined, by }, { incidentId: incident.id });
    });
  } catch (error) {
    logDropped(ctx, error, where);
  }
}

/**
 * Members of an incident's Slack channel are among its people (a private incident is visible to
 * them on the site) for as long as Slack tells us they are in it.
 */
export function registerMembers(app: App, ctx: SlackContext): void {
  app.event('member_joined_channel', async ({ event, body }) => {
    await recordMembership(ctx, event, body, true, 'member_joined_channel');
  });

  app.event('member_left_channel', async ({ event, body }) => {
    await recordMembership(ctx, event, body, false, 'member_left_channel');
  });
}
