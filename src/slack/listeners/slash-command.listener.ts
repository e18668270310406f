import type { App, Context, RespondArguments } from '@slack/bolt';
import { isDatabaseUnavailable } from '../../db/database-unavailable.js';
import { parseCommand, type IncidentCommand } from '../../domain/command.js';
import { LEAD_TARGET } from '../../domain/page.js';
import type { SeverityScale } from '../../domain/severity.js';
import { renderDeclareModal } from '../blocks/index.js';
import { runCommand } from '../commands/run-command.js';
import type { SlackContext } from '../context.js';
import { fromSlackText } from '../parse/slack-text.js';
import { openPageModal } from './page.listener.js';
import { openRcaModal } from './rca.listener.js';
import { incidentLog, requestLog } from '../request-log.js';
import { failureText, slackActor } from './replies.js';
import { openStatusPageModal } from './status-page.listener.js';

// A well-formed command that only makes sense inside an incident ("sev major", "lead @amy").
// Free-text ones (summary, action, rename…) and near misses ("Lead times doubled") may well be a
// title, so those declare.
const channelOnly = new Set<IncidentCommand['kind']>([
  'severity',
  'assignRole',
  'duration',
  'reopen',
  'statuspage',
  'checkins',
  'keepChannel',
  'archiveChannel',
  'rcaBooked',
  'rcaSession',
  'pageLead',
  'escalate',
  'call',
]);

/** Told once, when a command kept in the inbox first meets an outage; it runs (and answers) once the database is back. */
export const KEPT_DURING_OUTAGE =
  'The incident database is not answering just now. Your command is kept and will run as soon as the database is back.';

/**
 * A command that failed. When the database did not answer and the command is kept in the Slack
 * inbox (HTTP mode), it is thrown on so the inbox hands it back and runs it again once the database
 * answers: answering "not recorded" would drop it, and Slack never sends a command again. The
 * person is told once, on the first attempt. Otherwise (a refusal, a bug, Socket Mode, which keeps
 * nothing) the person is told why.
 */
async function answerFailure(ctx: SlackContext, context: Context, ack: (response?: RespondArguments) => Promise<void>, error: unknown): Promise<void> {
  if (typeof context.inboxId === 'string' && isDatabaseUnavailable(error)) {
    if (context.inboxAttempts === 0) await ack({ response_type: 'ephemeral', text: KEPT_DURING_OUTAGE });
    throw error;
  }
  const message = failureText(ctx, error, 'slash command');
  await ack(message ? { response_type: 'ephemeral', text: message } : undefined);
}

function looksLikeChannelCommand(text: string, severities: SeverityScale): boolean {
  try {
    return channelOnly.has(parseCommand(text, severities).kind);
  } catch {
    return false;
  }
}

/**
 * `/incident …`: in an incident's channel it runs a command; anywhere else it declares (the text
 * becomes the title in the modal). Acked at once with the answer, or empty while a modal opens.
 */
export function registerSlashCommand(app: App, ctx: SlackContext): void {
  app.command(ctx.config.command, async ({ command, ack, context }) => {
    const text = fromSlackText(command.text ?? '').trim();
    // Handled again after a crash or an outage, the same command is refused by this key.
    const requestKey = typeof context.inboxId === 'string' ? `slack:command:${context.inboxId}` : undefined;
    let incident;
    try {
      incident = await ctx.incidents.findByChannel(command.channel_id);
    } catch (error) {
      await answerFailure(ctx, context, ack, error);
      return;
    }

    if (!incident) {
      if (/^(help|\?)$/i.test(text) || looksLikeChannelCommand(text, ctx.severities)) {
        await ack({
          response_type: 'ephemeral',
          text: `Commands like that work in an incident's channel. To declare an incident, use ${ctx.config.command} <what has happened>.`,
        });
        return;
      }
      await ack();
      const metadata = JSON.stringify({ channelId: command.channel_id, responseUrl: command.response_url });
      try {
        await ctx.api.openView(command.trigger_id, renderDeclareModal({ title: text || undefined, severities: ctx.severities, privateMetadata: metadata }));
      } catch (error) {
        requestLog(ctx, context).warn({ err: error }, 'could not open the declare modal');
        await ctx.api
          .respond(command.response_url, {
            response_type: 'ephemeral',
            text: `Slack did not open the form in time. Run ${ctx.config.command} ${text} again, or declare on the incident site: ${ctx.publicUrl}`,
          })
          .catch(() => undefined);
      }
      return;
    }

    const log = incidentLog(ctx, context, incident.reference);
    try {
      const parsed = parseCommand(text, ctx.severities);
      // A slash command brings a trigger id, so its form opens at once (a mention, which has
      // none, gets a button to open it). Should Slack not open it, the button comes instead.
      if (
        parsed.kind === 'statuspage' ||
        (parsed.kind === 'pageLead' && ctx.pages && incident.status === 'open') ||
        (parsed.kind === 'rcaSession' && incident.status === 'closed')
      ) {
        await ack();
        try {
          const refusal =
            parsed.kind === 'statuspage'
              ? (await openStatusPageModal(ctx, command.trigger_id, incident.id), null)
              : parsed.kind === 'rcaSession'
                ? await openRcaModal(ctx, command.trigger_id, incident.id)
                : await openPageModal(ctx, command.trigger_id, incident.id, LEAD_TARGET);
          if (refusal) await ctx.api.respond(command.response_url, { response_type: 'ephemeral', text: refusal }).catch(() => undefined);
        } catch (error) {
          log.warn({ err: error }, 'could not open the form of a slash command');
          const reply = await runCommand(ctx, parsed, incident, await slackActor(ctx, command.user_id, requestKey));
          if (reply) await ctx.api.respond(command.response_url, { response_type: 'ephemeral', text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) }).catch(() => undefined);
        }
        return;
      }
      const reply = await runCommand(ctx, parsed, incident, await slackActor(ctx, command.user_id, requestKey));
      await ack(reply ? { response_type: 'ephemeral', text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) } : undefined);
    } catch (error) {
      await answerFailure(ctx, context, ack, error);
    }
  });
}
