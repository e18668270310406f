import { renderRcaSummary } from '../blocks/rca-summary.js';
import type { SlackContext } from '../context.js';
import type { SlackJobHandler } from './catalogue.js';

/** The RCA's Slack work: the summary shared to one configured channel, masked and rendered when sent. */
export function createRcaHandlers(ctx: SlackContext): {
  'slack.rca.share': SlackJobHandler<'slack.rca.share'>;
} {
  return {
    async 'slack.rca.share'({ incidentId, channel }, _job, log) {
      if (!ctx.rcaPublishing) {
        log.warn({ incidentId }, 'RCA sharing is no longer set up; summary not posted');
        return;
      }
      // Read at send time: the summary says what the RCA says now, masked like every copy that leaves the site.
      const { report } = await ctx.rcaPublishing.redacted(incidentId);
      const rcaUrl = `${ctx.publicUrl}/incidents/${encodeURIComponent(report.incident.reference)}/rca`;
      await ctx.api.postMessage(channel, renderRcaSummary(report, { severities: ctx.severities, rcaUrl }));
    },
  };
}
