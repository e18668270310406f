import type { IncidentCommand } from '../../domain/command.js';
import { DomainError } from '../../domain/errors.js';
import { formatDuration, incidentDuration } from '../../domain/duration.js';
import type { Incident } from '../../domain/incident.js';
import type { Actor } from '../../domain/user.js';
import { renderHelp, renderStatusPagePrompt } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { slugify } from '../blocks/channel-name.js';
import { startCall } from './start-call.js';
import { archivedAlreadyText, channelStaysArchivedText } from '../blocks/channel-archived.js';
import { pagerNotConfiguredText, renderEscalate, renderPagePrompt } from '../blocks/page.js';
import { rcaWhileOpenText, renderRcaPrompt } from '../blocks/rca-modal.js';

/** What a command answers the person who typed it (only they see it); null when the channel's confirmation is enough. */
export interface CommandReply {
  readonly text: string;
  readonly blocks?: readonly Record<string, unknown>[];
}

/**
 * Runs one parsed command on the incident whose channel it was typed in, through the same
 * services as the API and the site. Confirmations in the channel come from the change itself.
 */
export async function runCommand(
  ctx: SlackContext,
  command: IncidentCommand,
  incident: Incident,
  actor: Actor,
): Promise<CommandReply | null> {
  const id = incident.id;
  switch (command.kind) {
    case 'summary':
      await ctx.incidents.update(actor, id, { summary: command.text });
      return null;
    case 'impact':
      await ctx.incidents.update(actor, id, { impact: command.text });
      return null;
    case 'severity':
      await ctx.incidents.update(actor, id, { severity: command.severity });
      return null;
    case 'assignRole': {
      const slackUserId = 'self' in command.person ? actor.user.slackUserId : command.person.slackUserId;
      if (!slackUserId) throw new DomainError('command.invalid', 'Mention the person: lead @name.');
      await ctx.incidents.update(actor, id, { roles: { [command.role]: { slackUserId } } });
      return null;
    }
    case 'action':
      await ctx.actions.add(actor, id, { text: command.text });
      return null;
    case 'note':
      await ctx.timeline.add(actor, id, { kind: 'note', text: command.text });
      return null;
    case 'close':
      await ctx.incidents.update(actor, id, {
        status: 'closed',
        closeReason: command.reason,
        blockedUntil: command.blockedUntil ? new Date(`${command.blockedUntil}T00:00:00Z`) : undefined,
        closeNote: command.note,
      });
      return null;
    case 'reopen': {
      const reopened = await ctx.incidents.update(actor, id, { status: 'open' });
      // Slack lets no bot token unarchive: say so rather than pretend the channel is back.
      return reopened.channelArchivedAt ? { text: channelStaysArchivedText(reopened) } : null;
    }
    case 'rename': {
      const name = slugify(command.name);
      if (!name) throw new DomainError('command.invalid', 'Usage: rename <new-channel-name> (letters, digits and dashes).');
      if (!actor.user.slackUserId) throw new DomainError('command.invalid', 'Only people in Slack can rename the channel.');
      await enqueueSlackJob(ctx.store.jobs, 'slack.channel.rename', { incidentId: id, name, requestedBy: actor.user.slackUserId }, { incidentId: id });
      return { text: `Renaming this channel to #${name}…` };
    }
    case 'duration': {
      const ms = incidentDuration(incident, ctx.clock.now());
      const state = incident.status === 'open' ? 'has been open for' : 'lasted';
      return { text: `${incident.reference} ${state} ${formatDuration(ms)}.` };
    }
    case 'statuspage': {
      // A mention brings no trigger_id, so no modal can open from it: a button does.
      const published = (await ctx.statusPage.forIncident(id)) !== null;
      const prompt = renderStatusPagePrompt(incident, { published, publicUrl: ctx.publicUrl });
      return { text: prompt.text, blocks: prompt.blocks as unknown as Record<string, unknown>[] };
    }
    case 'update':
      await ctx.nudges.postUpdate(actor, id, command.text);
      return null;
    case 'checkins':
      await ctx.nudges.setCheckins(actor, id, command.everyMs);
      return null;
    case 'keepChannel':
      if (incident.channelArchivedAt) return { text: archivedAlreadyText(incident) };
      await ctx.nudges.stop(actor, id, 'archive');
      return null;
    case 'archiveChannel': {
      // The channel hears the last word from the change itself; a repeat is told it was done.
      const outcome = await ctx.incidents.archiveChannel(actor, id);
      return outcome.archived ? null : { text: archivedAlreadyText(outcome.incident) };
    }
    case 'rcaBooked':
      await ctx.nudges.stop(actor, id, 'schedule_rca');
      return null;
    case 'rcaSession': {
      if (incident.status === 'open') return { text: rcaWhileOpenText(incident) };
      // A mention brings no trigger_id, so no modal can open from it: a button does.
      const prompt = renderRcaPrompt(incident, ctx.publicUrl);
      return { text: prompt.text, blocks: prompt.blocks as unknown as Record<string, unknown>[] };
    }
    case 'call': {
      const text = await startCall(ctx, actor, id);
      return text ? { text } : null;
    }
    case 'pageLead':
    case 'escalate': {
      if (!ctx.pages) return { text: pagerNotConfiguredText };
      if (incident.status !== 'open') return { text: `${incident.reference} is closed: reopen it before paging anyone.` };
      // A mention brings no trigger_id, so no modal can open from it: a button does.
      const prompt = command.kind === 'pageLead' ? renderPagePrompt(incident) : renderEscalate(incident, await ctx.pages.teams());
      return { text: prompt.text, blocks: prompt.blocks as unknown as Record<string, unknown>[] };
    }
    case 'help': {
      const bot = ctx.bot.known();
      const help = renderHelp({ commandName: ctx.config.command, severities: ctx.severities, botMention: bot ? `<@${bot}>` : '@incident', helpChannels: ctx.config.helpChannels });
      return { text: help.text, blocks: help.blocks as unknown as Record<string, unknown>[] };
    }
  }
}
