import type { Incident } from '../../domain/incident.js';
import { renderNudge, type SlackMessage } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import type { SlackJobHandler } from './catalogue.js';

/** The reminders' Slack work: the reminder itself, the stakeholder update's announcement (the archive is archive-handlers.ts's). */
export function createNudgeHandlers(ctx: SlackContext): {
  'slack.nudge.post': SlackJobHandler<'slack.nudge.post'>;
  'slack.announce.post': SlackJobHandler<'slack.announce.post'>;
} {
  const { api, config } = ctx;
  // Blocks stored in a job were rendered by our own renderers when it was enqueued.
  const storedBlocks = (blocks: readonly Record<string, unknown>[] | undefined) => (blocks ?? []) as unknown as SlackMessage['blocks'];

  return {
    async 'slack.nudge.post'({ incidentId, kind }) {
      const incident: Incident = await ctx.incidents.get(incidentId);
      if (!incident.channel) return;
      // Loaded when sent, like the kickoff: a check-in shows the summary and actions as they are now.
      const openActions = kind === 'checkin' ? (await ctx.actions.list(incident.id)).filter((a) => !a.done) : [];
      const archiveAt = kind === 'archive_warning' ? await ctx.nudges.dueAt(incident.id, 'archive') : null;
      // Kept (or reopened) since the warning was queued: nothing will be archived.
      if (kind === 'archive_warning' && !archiveAt) return;
      const message = renderNudge(kind, incident, {
        publicUrl: ctx.publicUrl,
        invocation: config.command,
        severities: ctx.severities,
        now: ctx.clock.now(),
        openActions,
        archiveAt,
        pager: ctx.features.pager,
      });
      if (!message) return;
      await api.postMessage(incident.channel.id, message);
      await ctx.nudges.recordDelivered(incident.id, kind);
    },

    async 'slack.announce.post'({ incidentId, text, blocks }, _job, log) {
      const incident = await ctx.incidents.get(incidentId);
      // Made private since the update was posted: the announcement channel hears nothing of it.
      if (incident.private) {
        log.info({ incident: incident.reference }, 'not announcing an update of a private incident');
        return;
      }
      await api.postMessage(config.announceChannel, { text, blocks: storedBlocks(blocks) });
    },
  };
}
