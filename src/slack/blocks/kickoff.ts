import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import type { BuiltInRole } from '../../domain/role.js';
import { button, context, section } from './elements.js';
import { renderHelpChannels, type HelpChannelLike } from './help-channels.js';
import { actionIds, encodeTakeRoleValue } from './ids.js';
import { commandExample, DEFAULT_INVOCATION, holderText, type SlackFeatures } from './incident-parts.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, slackLink } from './mrkdwn.js';

export interface KickoffOptions {
  readonly publicUrl: string;
  readonly features: SlackFeatures;
  /** How to reach the bot in this channel: `<@U0BOT>` or `/opg-incident`. Defaults to `/incident`. */
  readonly invocation?: string;
  /** Where to ask for outside help (HELP_CHANNELS); none: not shown. */
  readonly helpChannels?: readonly HelpChannelLike[];
}

const roleOffers: readonly { role: BuiltInRole; label: string; duty: string; take: string }[] = [
  { role: 'lead', label: 'Incident lead', duty: 'coordinates the response and makes the final calls.', take: "I'll lead" },
  { role: 'scribe', label: 'Scribe', duty: 'keeps the log: events, decisions, actions, results.', take: "I'll scribe" },
];

/** The first message in a new incident channel: what it is for and what to do right now. */
export function renderKickoff(incident: Incident, options: KickoffOptions): SlackMessage {
  const url = incidentUrl(options.publicUrl, incident);
  const ref = escapeMrkdwn(incident.reference);
  const run = (args: string) => commandExample(options.invocation ?? DEFAULT_INVOCATION, args);
  const steps = [
    'Page the on-call incident lead',
    'Fill the *incident lead* and *scribe* roles (buttons below)',
    'Start a call if talking will be quicker than typing',
    `Lead: set the summary, severity and impact — ${run('summary <what is happening>')}, ${run('sev <level>')}, ${run('impact <who is affected>')}`,
  ];

  const blocks: KnownBlock[] = [
    section(
      `:rotating_light: This channel is for responding to *${ref}: ${escapeMrkdwn(incident.title)}*.\n` +
        `Keep the discussion here so the scribe can log it. Living document: ${slackLink(url, `${incident.reference} on the incident site`)}`,
      url,
    ),
    ...(incident.drill ? [context(':test_tube: *This is a drill or test*, not a real incident: work it as you would a real one. It is left out of the metrics.')] : []),
    section(`*Do these now:*\n${steps.map((s) => `:white_large_square: ${s}`).join('\n')}`, url),
  ];
  for (const offer of roleOffers) {
    // One section per role: the same action_id may not appear twice in one block.
    blocks.push({
      ...section(`*${offer.label}* (now: ${holderText(incident, offer.role)}) — ${offer.duty}`),
      accessory: button({
        actionId: actionIds.takeRole,
        text: offer.take,
        value: encodeTakeRoleValue({ incidentId: incident.id, role: offer.role }),
      }),
    });
  }
  const extra: Button[] = [];
  if (options.features.pager) extra.push(button({ actionId: actionIds.pageLead, text: 'Page on-call lead', value: incident.id }));
  if (options.features.call) extra.push(button({ actionId: actionIds.startCall, text: 'Start a call', value: incident.id }));
  if (extra.length > 0) blocks.push({ type: 'actions', elements: extra } satisfies ActionsBlock);
  const outside = renderHelpChannels(options.helpChannels ?? []);
  if (outside) blocks.push(section(outside));
  blocks.push(context(`Type ${run('help')} for every command.`));

  const text = `${incident.drill ? 'Drill: ' : ''}${ref}: ${escapeMrkdwn(incident.title)}. Next: page the on-call lead, then fill the lead and scribe roles.`;
  return { text: fallbackText(text), blocks: fitBlocks(blocks, url) };
}
