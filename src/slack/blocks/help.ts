import type { KnownBlock } from '@slack/types';
import type { SeverityScale } from '../../domain/severity.js';
import { context, header, section } from './elements.js';
import { renderHelpChannels, type HelpChannelLike } from './help-channels.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface HelpOptions {
  /** The slash command, e.g. `/incident` or `/opg-incident`. */
  readonly commandName: string;
  readonly severities: SeverityScale;
  /** How the bot is mentioned: `<@U0BOT>` (rendered as a mention) or `@incident-bot`. */
  readonly botMention: string;
  /** Where to ask for outside help (HELP_CHANNELS); none: not shown. */
  readonly helpChannels?: readonly HelpChannelLike[];
}

type Command = readonly [usage: string, what: string];

function groups(severities: SeverityScale): readonly (readonly [title: string, commands: readonly Command[]])[] {
  const levels = severities.length > 0 ? severities.map((l) => l.key).join('|') : 'level';
  return [
    [
      'Details',
      [
        ['summary <text>', 'set what is happening'],
        ['impact <text>', 'set who or what is affected'],
        [`sev <${levels}>`, 'set the severity'],
        ['rename <new-name>', 'rename the incident channel'],
      ],
    ],
    [
      'Roles',
      [
        ['lead @person', 'make someone incident lead'],
        ['scribe @person', 'make someone scribe'],
        ['comms @person', 'make someone communications lead'],
        ['role <name> @person', 'any other role, e.g. `role SME @person`'],
      ],
    ],
    [
      'Log',
      [
        ['action <what needs doing>', 'add an action'],
        ['note <text>', 'add a note to the timeline'],
        ['statuspage', 'update the status page'],
      ],
    ],
    [
      'Keeping people informed',
      [
        ['update <text>', 'post a stakeholder update (announcement channel and here)'],
        ['checkins every <30m|1h>', 'remind the team to check in on a schedule'],
        ['checkins off', 'stop the check-ins'],
        ['call', 'start a conference call (or show the one running)'],
      ],
    ],
    [
      'Status',
      [
        ['duration', 'how long it has been running'],
        ['close [resolved|blocked] [note]', 'end the incident'],
        ['reopen', 'open it again'],
        ['rca booked', 'the root cause analysis is booked (stops its reminder)'],
        ['keep', 'keep this channel: do not archive it after close'],
        ['help', 'this list'],
      ],
    ],
  ];
}

/** Every command, grouped, as usable in an incident channel; and how to declare from elsewhere. */
export function renderHelp(options: HelpOptions): SlackMessage {
  const slash = escapeMrkdwn(options.commandName.startsWith('/') ? options.commandName : `/${options.commandName}`);
  const bot = options.botMention.startsWith('<') ? options.botMention : escapeMrkdwn(options.botMention);
  const blocks: KnownBlock[] = [
    header('Incident commands'),
    section(`In an incident channel, type ${bot} \`&lt;command&gt;\` or \`${slash} &lt;command&gt;\`:`),
  ];
  for (const [title, commands] of groups(options.severities)) {
    // The descriptions are ours and may hold mrkdwn; only the usage is escaped.
    const lines = commands.map(([usage, what]) => `• \`${escapeMrkdwn(usage)}\` — ${what}`);
    blocks.push(section(`*${title}*\n${lines.join('\n')}`));
  }
  const outside = renderHelpChannels(options.helpChannels ?? []);
  if (outside) blocks.push(section(outside));
  blocks.push(context(`*Anywhere else:* \`${slash} &lt;what happened&gt;\` declares a new incident.`));
  return { text: fallbackText(`Incident commands: type ${slash} help in an incident channel.`), blocks: fitBlocks(blocks) };
}
