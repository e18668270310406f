import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { actionIds, blockIds, rcaWhileOpenText, renderRcaModal, viewCallbackIds } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { readMetadata, viewPayload } from '../parse/views.js';
import { fromSlackText } from '../parse/slack-text.js';
import { failureText, slackActor } from './replies.js';

/** Which modal input shows a refusal about `field`; anything else goes on the date. */
const blockForField: Record<string, string> = {
  'session date': blockIds.rcaHeldOn,
  attendees: blockIds.rcaAttendees,
  'root cause': blockIds.rcaRootCause,
};

// The three inputs as Slack sends them: a date picker, a multi-users select, a text input.
const rcaValues = z
  .object({
    [blockIds.rcaHeldOn]: z.object({ [actionIds.rcaHeldOn]: z.object({ selected_date: z.string().nullable().optional() }).loose() }).partial().optional(),
    [blockIds.rcaAttendees]: z.object({ [actionIds.rcaAttendees]: z.object({ selected_users: z.array(z.string()).optional() }).loose() }).partial().optional(),
    [blockIds.rcaRootCause]: z.object({ [actionIds.rcaRootCause]: z.object({ value: z.string().nullable().optional() }).loose() }).partial().optional(),
  })
  .loose();

/** The RCA modal's answers: the date, the attendees' Slack ids, the root cause (null: left empty). */
export function readRcaForm(values: unknown): { heldOn: string; attendees: string[]; rootCause: string | null } {
  const parsed = rcaValues.safeParse(values);
  if (!parsed.success) throw new DomainError('request.invalid', 'This form is out of date; close it and start again.');
  const v = parsed.data;
  const rootCause = v[blockIds.rcaRootCause]?.[actionIds.rcaRootCause]?.value;
  return {
    heldOn: v[blockIds.rcaHeldOn]?.[actionIds.rcaHeldOn]?.selected_date ?? '',
    attendees: v[blockIds.rcaAttendees]?.[actionIds.rcaAttendees]?.selected_users ?? [],
    rootCause: rootCause ? fromSlackText(rootCause) : null,
  };
}

/**
 * Opens the RCA session form (a button or a slash command: both bring a trigger id); an open
 * incident gets the reason instead (returned, for the caller to say).
 */
export async function openRcaModal(ctx: SlackContext, triggerId: string, incidentId: string): Promise<string | null> {
  const report = await ctx.rca.report(incidentId);
  if (report.incident.status === 'open') return rcaWhileOpenText(report.incident);
  const metadata = JSON.stringify({ incidentId: report.incident.id });
  const today = ctx.clock.now().toISOString().slice(0, 10);
  await ctx.api.openView(triggerId, renderRcaModal(report.incident, { rca: report.rca, today, privateMetadata: metadata }));
  return null;
}

/**
 * The RCA from Slack: the "Record the RCA" button (on the close message, and the answer to `rca`
 * in a mention) opens the modal; its submission records the session, keyed by the view id so a
 * retried or double submission records once. The channel hears of it from the change (the reactor).
 */
export function registerRca(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>({ action_id: actionIds.openRca }, async ({ ack, body, action }) => {
    await ack();
    try {
      const refusal = await openRcaModal(ctx, body.trigger_id, action.value ?? '');
      if (refusal && body.response_url) {
        await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text: refusal });
      }
    } catch (error) {
      const message = failureText(ctx, error, actionIds.openRca);
      if (message && body.response_url) {
        await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text: message }).catch(() => undefined);
      }
    }
  });

  app.view(viewCallbackIds.rcaSession, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { [blockIds.rcaHeldOn]: 'This form is out of date; close it and start again.' } });
      return;
    }
    const { view, user } = parsed.data;
    try {
      const { incidentId } = readMetadata(view.private_metadata);
      if (!incidentId) throw new DomainError('request.invalid', 'This form is out of date; close it and start again.');
      const form = readRcaForm(view.state.values);
      const actor = await slackActor(ctx, user.id, `slack:view:${view.id}`);
      // Each attendee is stored (and their profile fetched) the way any Slack user first seen is.
      const attendees = [];
      for (const slackUserId of form.attendees) attendees.push({ id: (await slackActor(ctx, slackUserId)).user.id });
      await ctx.rca.recordSession(actor, incidentId, { heldOn: form.heldOn, attendees, rootCause: form.rootCause ?? undefined });
      await ack();
    } catch (error) {
      if (error instanceof DomainError && error.code !== 'request.duplicate') {
        const block = blockForField[error.details.field ?? ''] ?? blockIds.rcaHeldOn;
        await ack({ response_action: 'errors', errors: { [block]: error.message } });
        return;
      }
      const message = failureText(ctx, error, viewCallbackIds.rcaSession);
      await ack(message ? { response_action: 'errors', errors: { [blockIds.rcaHeldOn]: message } } : undefined);
    }
  });
}
