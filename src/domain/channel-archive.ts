import type { TransitionContext } from './context.js';
import { DomainError } from './errors.js';
import type { Transition } from './events.js';
import type { Incident } from './incident.js';

/** How the channel came to be archived: someone asked (`archive`, the button) or the reminder engine after close. */
export type ArchiveTrigger = 'person' | 'automatic';

/**
 * Archives the incident's comms channel in the record: it is closed, it has a channel, and the
 * channel is not archived yet. Already archived is no change (a repeated command or press); the
 * Slack archive itself is a job the change implies. The record stays, whatever Slack does.
 */
export function archiveChannel(incident: Incident, trigger: ArchiveTrigger, ctx: TransitionContext): Transition<Incident> {
  if (!incident.channel) {
    throw new DomainError('incident.field_invalid', `${incident.reference} has no Slack channel to archive.`, { field: 'channel' });
  }
  if (incident.channelArchivedAt) return { state: incident, events: [] };
  if (incident.status === 'open') {
    throw new DomainError('incident.already_open', `${incident.reference} is still open: close it first, then archive its channel.`);
  }
  return {
    state: { ...incident, channelArchivedAt: ctx.at, updatedAt: ctx.at },
    events: [
      {
        type: 'incident.channel_archived',
        channel: incident.channel,
        automatic: trigger === 'automatic',
        by: trigger === 'automatic' ? null : { id: ctx.actor.id, name: ctx.actor.name },
      },
    ],
  };
}
