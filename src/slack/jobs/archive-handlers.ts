import type { SlackContext } from '../context.js';
import { SlackRefusal } from '../slack-api.js';
import type { SlackJobHandler } from './catalogue.js';

// Slack's answers that mean the bot can no longer archive this channel: someone removed the bot,
// or deleted the channel. Retrying cannot help; a person can archive it.
const OUT_OF_REACH = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/** Archiving the incident's channel in Slack, once the record says it is archived. */
export function createArchiveHandlers(ctx: SlackContext): { 'slack.channel.archive': SlackJobHandler<'slack.channel.archive'> } {
  return {
    async 'slack.channel.archive'({ incidentId }, _job, log) {
      const incident = await ctx.incidents.get(incidentId);
      // Only what the record says is archived (see archive.service): the one way in.
      if (!incident.channel || !incident.channelArchivedAt) return;
      try {
        // `already_archived` (archived by hand first) is what we wanted: the adapter says done.
        await ctx.api.archiveChannel(incident.channel.id);
      } catch (error) {
        if (!(error instanceof SlackRefusal) || !OUT_OF_REACH.has(error.error)) throw error;
        log.warn({ incident: incident.reference, channel: incident.channel.id, error: error.error }, 'cannot archive the incident channel: a person must');
      }
    },
  };
}
