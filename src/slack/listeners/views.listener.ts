import type { App } from '@slack/bolt';
import { DomainError } from '../../domain/errors.js';
import { renderReporterConfirmation, viewCallbackIds, blockIds } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { readCloseForm, readDeclareForm, readEditForm, readMetadata, viewPayload } from '../parse/views.js';
import { failureText, slackActor } from './replies.js';

/** Which modal input shows a domain error about `field` (so the person sees it next to the input). */
const blockForField: Record<string, string> = {
  title: blockIds.title,
  summary: blockIds.summary,
  impact: blockIds.impact,
  severity: blockIds.severity,
  blockedUntil: blockIds.blockedUntil,
  note: blockIds.note,
};

/**
 * Modal submissions. Input errors go back into the modal (`response_action: errors`), so nothing
 * typed is lost; the submission's view id keys the change, so a repeat declares nothing twice.
 */
export function registerViews(app: App, ctx: SlackContext): void {
  function view(callbackId: string, submit: (payload: ReturnType<typeof viewPayload.parse>) => Promise<void>): void {
    app.view(callbackId, async ({ ack, body }) => {
      const parsed = viewPayload.safeParse(body);
      if (!parsed.success) {
        await ack({ response_action: 'errors', errors: { [blockIds.title]: 'This form is out of date; close it and start again.' } });
        return;
      }
      try {
        await submit(parsed.data);
        await ack();
      } catch (error) {
        if (error instanceof DomainError && error.code !== 'request.duplicate') {
          const block = blockForField[error.details.field ?? ''];
          if (block) {
            await ack({ response_action: 'errors', errors: { [block]: error.message } });
            return;
          }
        }
        const message = failureText(ctx, error, callbackId);
        if (!message) {
          await ack();
          return;
        }
        // No input to attach it to: show it on the first one rather than lose the form.
        await ack({ response_action: 'errors', errors: { [blockIds.title]: message } });
      }
    });
  }

  view(viewCallbackIds.declare, async (payload) => {
    const form = readDeclareForm(payload.view.state.values);
    const metadata = readMetadata(payload.view.private_metadata);
    const actor = await slackActor(ctx, payload.user.id, `slack:view:${payload.view.id}`);
    await ctx.incidents.declare(
      actor,
      {
        title: form.title,
        reportOnly: form.reportOnly,
        summary: form.summary,
        impact: form.impact,
        severity: form.severity,
        private: form.private,
        drill: form.drill,
        ...(form.leadSlackId ? { roles: { lead: { slackUserId: form.leadSlackId } } } : {}),
      },
      // The confirmation commits with the incident: both happen, or neither.
      async (repos, incident) => {
        const message = renderReporterConfirmation(incident, { publicUrl: ctx.publicUrl });
        const blocks = message.blocks as unknown as Record<string, unknown>[];
        if (metadata.channelId) {
          // Where they typed the command, seen by them alone.
          await enqueueSlackJob(repos.jobs, 'slack.ephemeral', {
            channelId: metadata.channelId,
            userId: payload.user.id,
            ...(metadata.responseUrl ? { responseUrl: metadata.responseUrl } : {}),
            text: message.text,
            blocks,
          });
        } else if (metadata.responseUrl) {
          await enqueueSlackJob(repos.jobs, 'slack.respond', { responseUrl: metadata.responseUrl, ephemeral: true, text: message.text, blocks });
        }
      },
    );
  });

  view(viewCallbackIds.edit, async (payload) => {
    const form = readEditForm(payload.view.state.values);
    const { incidentId } = readMetadata(payload.view.private_metadata);
    if (!incidentId) throw new DomainError('request.invalid', 'This form is out of date; close it and start again.');
    const actor = await slackActor(ctx, payload.user.id, `slack:view:${payload.view.id}`);
    await ctx.incidents.update(actor, incidentId, form);
  });

  view(viewCallbackIds.close, async (payload) => {
    const form = readCloseForm(payload.view.state.values);
    const { incidentId } = readMetadata(payload.view.private_metadata);
    if (!incidentId) throw new DomainError('request.invalid', 'This form is out of date; close it and start again.');
    const actor = await slackActor(ctx, payload.user.id, `slack:view:${payload.view.id}`);
    await ctx.incidents.update(actor, incidentId, {
      status: 'closed',
      closeReason: form.reason,
      blockedUntil: form.reason === 'blocked' && form.blockedUntil ? new Date(`${form.blockedUntil}T00:00:00Z`) : undefined,
      closeNote: form.note,
    });
  });
}
