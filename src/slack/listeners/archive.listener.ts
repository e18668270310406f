import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { actionIds } from '../blocks/index.js';
import { archivedAlreadyText } from '../blocks/channel-archived.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { failureText, slackActor } from './replies.js';

/**
 * "Archive channel" on the close message: acks at once, then the same service call as the
 * `archive` command. A press is keyed by its `action_ts`, so Slack delivering it twice archives
 * once; a second press finds the channel archived and changes nothing.
 */
export function registerArchiveButton(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>({ action_id: actionIds.archiveChannel }, async ({ ack, body, action }) => {
    await ack();
    const tell = async (text: string) => {
      if (!body.response_url) return;
      await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text });
    };
    try {
      const actor = await slackActor(ctx, body.user.id, `slack:action:${body.user.id}:${action.action_ts}`);
      const outcome = await ctx.incidents.archiveChannel(actor, action.value ?? '');
      if (!outcome.archived) await tell(archivedAlreadyText(outcome.incident));
    } catch (error) {
      const message = failureText(ctx, error, actionIds.archiveChannel);
      if (message) await tell(message).catch(() => undefined);
    }
  });
}
