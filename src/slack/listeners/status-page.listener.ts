import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { DomainError } from '../../domain/errors.js';
import { actionIds, blockIds, componentBlockId, renderStatusPageModal, viewCallbackIds } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { readMetadata, readStatusPageForm, viewPayload } from '../parse/views.js';
import { failureText, slackActor } from './replies.js';

/** Which modal input shows a refusal about `field`; anything else goes on the title. */
const blockForField: Record<string, string> = {
  title: blockIds.title,
  status: blockIds.publicStatus,
  message: blockIds.message,
  publishPrivate: blockIds.publishPrivate,
};

/** Opens the status page form for the incident (a button press or a slash command: both bring a trigger id). */
export async function openStatusPageModal(ctx: SlackContext, triggerId: string, incidentId: string): Promise<void> {
  const incident = await ctx.incidents.get(incidentId);
  const current = await ctx.statusPage.forIncident(incident.id);
  const metadata = JSON.stringify({ incidentId: incident.id });
  await ctx.api.openView(triggerId, renderStatusPageModal(incident, { current, components: ctx.statusPage.components, privateMetadata: metadata }));
}

/**
 * The status page flow: the "Publish to the status page" button (the answer to `statuspage`)
 * opens the modal; its submission publishes, keyed by the view id so a double submit publishes once.
 * The channel hears of it from the change itself (the reactor), like any other change.
 */
export function registerStatusPage(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>({ action_id: actionIds.openStatusPage }, async ({ ack, body, action }) => {
    await ack();
    try {
      await openStatusPageModal(ctx, body.trigger_id, action.value ?? '');
    } catch (error) {
      const message = failureText(ctx, error, actionIds.openStatusPage);
      if (message && body.response_url) {
        await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text: message }).catch(() => undefined);
      }
    }
  });

  // On the close message. Keyed by the press: a double click resolves once (the second is told "already").
  app.action<BlockAction<ButtonAction>>({ action_id: actionIds.resolveStatusPage }, async ({ ack, body, action }) => {
    await ack();
    try {
      const actor = await slackActor(ctx, body.user.id, `slack:action:${body.user.id}:${action.action_ts}`);
      await ctx.statusPage.resolve(actor, action.value ?? '');
    } catch (error) {
      const message = failureText(ctx, error, actionIds.resolveStatusPage);
      if (message && body.response_url) {
        await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text: message }).catch(() => undefined);
      }
    }
  });

  app.view(viewCallbackIds.statusPage, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { [blockIds.title]: 'This form is out of date; close it and start again.' } });
      return;
    }
    const { view, user } = parsed.data;
    try {
      const { incidentId } = readMetadata(view.private_metadata);
      if (!incidentId) throw new DomainError('request.invalid', 'This form is out of date; close it and start again.');
      const form = readStatusPageForm(view.state.values);
      const actor = await slackActor(ctx, user.id, `slack:view:${view.id}`);
      await ctx.statusPage.publish(actor, incidentId, form);
      await ack();
    } catch (error) {
      if (error instanceof DomainError && error.code !== 'request.duplicate') {
        const field = error.details.field ?? '';
        const firstComponent = ctx.statusPage.components[0];
        const block = blockForField[field] ?? (field === 'components' && firstComponent ? componentBlockId(firstComponent) : blockIds.title);
        await ack({ response_action: 'errors', errors: { [block]: error.message } });
        return;
      }
      const message = failureText(ctx, error, viewCallbackIds.statusPage);
      await ack(message ? { response_action: 'errors', errors: { [blockIds.title]: message } } : undefined);
    }
  });
}
