import type { App } from '@slack/bolt';
import { isDatabaseUnavailable } from '../../db/database-unavailable.js';
import { z } from 'zod';
import { parseCommand } from '../../domain/command.js';
import { runCommand } from '../commands/run-command.js';
import { incidentLog } from '../request-log.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { fromSlackText } from '../parse/slack-text.js';
import { eventKey, failureText, slackActor } from './replies.js';

const mention = z
  .object({ user: z.string().optional(), text: z.string().default(''), channel: z.string(), bot_id: z.string().optional() })
  .loose();

/** `@bot <command>` in an incident's channel: the same grammar and services as `/incident <command>`. */
export function registerAppMention(app: App, ctx: SlackContext): void {
  app.event('app_mention', async ({ event, body, context }) => {
    const parsed = mention.safeParse(event);
    if (!parsed.success || !parsed.data.user || parsed.data.bot_id) return;
    const { user: userId, channel } = parsed.data;
    // The text starts with the bot's own mention (and people sometimes mention it twice).
    const text = fromSlackText(parsed.data.text.replace(/^(\s*<@[UW][A-Z0-9]+(\|[^>]*)?>[\s,:]*)+/, '')).trim();
    const requestKey = eventKey(z.object({ event_id: z.string() }).safeParse(body).data?.event_id);

    // Changes are refused twice by their services; the answer to a retried event is refused here.
    // One transaction: a crash cannot leave the retry refused and the answer unsent.
    const reply = (replyText: string, blocks?: readonly Record<string, unknown>[]) =>
      ctx.store.transaction(async (repos) => {
        if (requestKey && !(await repos.idempotency.claim(`${requestKey}:reply`, ctx.clock.now()))) return;
        await enqueueSlackJob(repos.jobs, 'slack.ephemeral', { channelId: channel, userId, text: replyText, ...(blocks ? { blocks: [...blocks] } : {}) });
      });

    try {
      const incident = await ctx.incidents.findByChannel(channel);
      if (!incident) {
        await reply(`I work in an incident's own channel. To declare one, use ${ctx.config.command} <what has happened>.`);
        return;
      }
      incidentLog(ctx, context, incident.reference);
      const command = parseCommand(text, ctx.severities);
      const answer = await runCommand(ctx, command, incident, await slackActor(ctx, userId, requestKey));
      if (answer) await reply(answer.text, answer.blocks);
    } catch (error) {
      // Nothing was written (one transaction): the receiver answers 503 and Slack sends it again.
      if (isDatabaseUnavailable(error)) throw error;
      const message = failureText(ctx, error, 'app_mention');
      if (message) await reply(message);
    }
  });
}
