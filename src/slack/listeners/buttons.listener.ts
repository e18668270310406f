import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { parseRoleName } from '../../domain/role.js';
import { actionIds, renderCloseModal, renderEditModal } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import { startCall } from '../commands/start-call.js';
import { channelStaysArchivedText } from '../blocks/channel-archived.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { failureText, slackActor } from './replies.js';

const takeRoleValue = z.object({ incidentId: z.string(), role: z.string() });

/**
 * The buttons on the headline and kickoff messages. Each acks at once; repeated presses (a
 * double click, two people) are harmless: the work is keyed by incident, not by press.
 */
export function registerButtons(app: App, ctx: SlackContext): void {
  /** Tells only the presser, through the button's response_url. */
  async function tell(body: BlockAction, text: string): Promise<void> {
    if (!body.response_url) return;
    await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text });
  }

  function on(actionId: string, handle: (body: BlockAction, action: ButtonAction) => Promise<void>): void {
    app.action<BlockAction<ButtonAction>>({ action_id: actionId }, async ({ ack, body, action }) => {
      await ack();
      try {
        await handle(body, action);
      } catch (error) {
        const message = failureText(ctx, error, actionId);
        if (message) await tell(body, message).catch(() => undefined);
      }
    });
  }

  on(actionIds.createChannel, async (body, action) => {
    const incident = await ctx.incidents.get(action.value ?? '');
    if (incident.channel) return tell(body, `${incident.reference} already has a channel: <#${incident.channel.id}>.`);
    if (incident.reportOnly || incident.status !== 'open') {
      return tell(body, 'Comms channels are for live, open incidents.');
    }
    await slackActor(ctx, body.user.id);
    // Keyed by incident: a second press while the first is waiting adds nothing.
    await enqueueSlackJob(
      ctx.store.jobs,
      'slack.channel.create',
      { incidentId: incident.id, requestedBy: body.user.id },
      { incidentId: incident.id, dedupeKey: `channel.create:${incident.id}` },
    );
  });

  on(actionIds.edit, async (body, action) => {
    const incident = await ctx.incidents.get(action.value ?? '');
    const metadata = JSON.stringify({ incidentId: incident.id, responseUrl: body.response_url });
    await ctx.api.openView(body.trigger_id, renderEditModal(incident, { severities: ctx.severities, privateMetadata: metadata }));
  });

  on(actionIds.close, async (body, action) => {
    const incident = await ctx.incidents.get(action.value ?? '');
    if (incident.status === 'closed') return tell(body, `${incident.reference} is already closed.`);
    const metadata = JSON.stringify({ incidentId: incident.id, responseUrl: body.response_url });
    await ctx.api.openView(body.trigger_id, renderCloseModal(incident, { privateMetadata: metadata }));
  });

  on(actionIds.reopen, async (body, action) => {
    const reopened = await ctx.incidents.update(await slackActor(ctx, body.user.id), action.value ?? '', { status: 'open' });
    if (reopened.channelArchivedAt) await tell(body, channelStaysArchivedText(reopened));
  });

  on(actionIds.takeRole, async (body, action) => {
    let json: unknown;
    try {
      json = JSON.parse(action.value ?? '{}');
    } catch {
      // Not JSON (a tampered or foreign button): out of date like any other bad value, not a crash.
      json = undefined;
    }
    const value = takeRoleValue.safeParse(json);
    if (!value.success) throw new DomainError('request.invalid', 'That button is out of date.');
    const role = parseRoleName(value.data.role);
    await ctx.incidents.update(await slackActor(ctx, body.user.id), value.data.incidentId, {
      roles: { [role]: { slackUserId: body.user.id } },
    });
  });

  // Several presses share one call: the service returns the first one's link.
  on(actionIds.startCall, async (body, action) => {
    const text = await startCall(ctx, await slackActor(ctx, body.user.id), action.value ?? '');
    if (text) await tell(body, text);
  });
  // "Page on-call lead" is page.listener.ts's.
}
