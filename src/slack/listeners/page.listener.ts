import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { LEAD_TARGET } from '../../domain/page.js';
import { actionIds } from '../blocks/index.js';
import { pagerNotConfiguredText, pageIds, renderPageModal } from '../blocks/page.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { viewPayload } from '../parse/views.js';
import { fromSlackText } from '../parse/slack-text.js';
import { failureText, slackActor } from './replies.js';

const pageMetadata = z.object({ incidentId: z.string(), target: z.string() });
const pageTeamValue = z.object({ incidentId: z.string(), team: z.string() });

/** JSON we wrote ourselves (a button value, a modal's metadata), parsed; null when tampered or old. */
function readJson<T>(schema: z.ZodType<T>, raw: string | undefined): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Opens the page modal for `target` on the incident (a button press or a slash command: both
 * bring a trigger id, valid for 3 seconds, so it is opened here rather than by a job).
 */
export async function openPageModal(ctx: SlackContext, triggerId: string, incidentId: string, target: string): Promise<string | null> {
  if (!ctx.pages) return pagerNotConfiguredText;
  const incident = await ctx.incidents.get(incidentId);
  if (incident.status !== 'open') return `${incident.reference} is closed: reopen it before paging anyone.`;
  const privateMetadata = JSON.stringify({ incidentId: incident.id, target });
  await ctx.api.openView(triggerId, renderPageModal(incident, { target, privateMetadata }));
  return null;
}

/**
 * "Page on-call lead" (headline, kickoff, reminder, `page lead`) and a team's "Page" (`escalate`):
 * the modal for the message, then its submission asks the page service, keyed by the view id so
 * a repeated submission pages once. The page itself goes out as a job.
 */
export function registerPaging(app: App, ctx: SlackContext): void {
  function onButton(actionId: string, target: (action: ButtonAction) => { incidentId: string; target: string }): void {
    app.action<BlockAction<ButtonAction>>({ action_id: actionId }, async ({ ack, body, action }) => {
      await ack();
      try {
        const chosen = target(action);
        const refusal = await openPageModal(ctx, body.trigger_id, chosen.incidentId, chosen.target);
        if (refusal) throw new DomainError('page.not_configured', refusal);
      } catch (error) {
        const message = failureText(ctx, error, actionId);
        if (message && body.response_url) {
          await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text: message }).catch(() => undefined);
        }
      }
    });
  }

  onButton(actionIds.pageLead, (action) => ({ incidentId: action.value ?? '', target: LEAD_TARGET }));
  onButton(pageIds.pageTeam, (action) => {
    const value = readJson(pageTeamValue, action.value);
    if (!value) throw new DomainError('request.invalid', 'That button is out of date.');
    return { incidentId: value.incidentId, target: value.team };
  });

  app.view(pageIds.view, async ({ ack, body }) => {
    const error = (text: string) => ack({ response_action: 'errors', errors: { [pageIds.message]: text } });
    const payload = viewPayload.safeParse(body);
    const metadata = payload.success ? readJson(pageMetadata, payload.data.view.private_metadata) : null;
    if (!payload.success || !metadata) {
      await error('This form is out of date; close it and start again.');
      return;
    }
    if (!ctx.pages) {
      await error(pagerNotConfiguredText);
      return;
    }
    try {
      const raw = payload.data.view.state.values[pageIds.message]?.[pageIds.message]?.value ?? '';
      const actor = await slackActor(ctx, payload.data.user.id, `slack:view:${payload.data.view.id}`);
      await ctx.pages.request(actor, metadata.incidentId, { target: metadata.target, message: fromSlackText(raw) });
      await ack();
    } catch (caught) {
      const message = failureText(ctx, caught, pageIds.view);
      if (message) await error(message);
      else await ack();
    }
  });
}
