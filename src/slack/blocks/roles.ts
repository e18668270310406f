import type { KnownBlock } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import { isBuiltInRole, roleLabel, type BuiltInRole, type RoleName } from '../../domain/role.js';
import { context, section } from './elements.js';
import { commandExample, DEFAULT_INVOCATION } from './incident-parts.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { channelMention, escapeMrkdwn, incidentUrl, mention, slackLink, type PersonLike } from './mrkdwn.js';

/** "incident scribe" mid-sentence; a custom role keeps the spelling the lead gave it. */
function roleInSentence(role: RoleName): string {
  return escapeMrkdwn(isBuiltInRole(role) ? roleLabel(role).toLowerCase() : role);
}

export interface RoleAnnouncementInput {
  readonly role: RoleName;
  /** The new holder; null when the role was left unfilled. */
  readonly holder: PersonLike | null;
  readonly previous: PersonLike | null;
}

/** Posted in the incident channel on every hand-over, as the process asks. */
export function renderRoleAnnouncement(input: RoleAnnouncementInput): SlackMessage {
  const role = roleInSentence(input.role);
  let text: string;
  if (input.holder === null) {
    const was = input.previous ? ` (was ${mention(input.previous)})` : '';
    text = `Nobody is ${role} now${was}. Who will take it on?`;
  } else {
    const from = input.previous ? `, taking over from ${mention(input.previous)}` : '';
    text = `${mention(input.holder)} is now ${role}${from}.`;
  }
  return { text: fallbackText(text), blocks: [section(text)] };
}

/** The seed process's responsibilities, shortened for a 3 a.m. read. */
const responsibilities: Record<BuiltInRole, { duties: readonly string[]; first: (run: (args: string) => string) => string }> = {
  lead: {
    duties: [
      'Coordinate the response',
      'Decide on any other roles needed (e.g. a communications lead) and make sure every role is filled',
      'Make sure every task that needs doing is being done — you do not have to do them yourself',
      'Make the final decision whenever a course of action must be chosen',
      'Set a schedule for team check-ins, if needed',
      'Close the incident when appropriate, then make sure the RCA happens',
    ],
    first: (run) =>
      `*First:* set the summary, severity and impact in the incident channel: ${run('summary <what is happening>')}, ${run('sev <level>')}, ${run('impact <who is affected>')}`,
  },
  scribe: {
    duties: [
      'Keep a log: important events, discussion topics, decisions, actions, results of actions and investigations',
      'Not a transcript: "X suggested the disk might be full. Y to investigate and report back"',
      'Pin important messages in the incident channel: they go into the timeline',
      'When people talk on a call, write up in the channel anything that needs logging',
    ],
    first: (run) => `*Log actions with* ${run('action <what needs doing>')}. The channel topic links to the living document: keep it there.`,
  },
  commsLead: {
    duties: [
      'Tell the people affected about the incident',
      'Decide what to say, how, and how often — then give updates at regular intervals',
      'Field questions so the team can keep fixing without interruptions',
      'When it is over, tell everyone you notified, and send out the post-incident report',
    ],
    first: (run) => `*Update the status page with* ${run('statuspage')}.`,
  },
};

export interface RoleDmOptions {
  /** How to reach the bot: `<@U0BOT>` or `/opg-incident`. Defaults to `/incident`. */
  readonly invocation?: string;
}

/** A direct message to whoever just took a role: what the role asks of them, and where to go. */
export function renderRoleDm(role: RoleName, incident: Incident, publicUrl: string, options: RoleDmOptions = {}): SlackMessage {
  const url = incidentUrl(publicUrl, incident);
  const run = (args: string) => commandExample(options.invocation ?? DEFAULT_INVOCATION, args);
  const name = roleInSentence(role);
  const ref = escapeMrkdwn(incident.reference);
  const where = incident.channel ? ` Work happens in ${channelMention(incident.channel)}.` : '';
  const intro = `You are now *${name}* for *${ref}: ${escapeMrkdwn(incident.title)}*.${where}`;

  const blocks: KnownBlock[] = [section(intro, url)];
  if (isBuiltInRole(role)) {
    const r = responsibilities[role];
    blocks.push(section(`*Your job:*\n${r.duties.map((d) => `• ${escapeMrkdwn(d)}`).join('\n')}`, url));
    blocks.push(section(r.first(run), url));
  } else {
    blocks.push(
      section(
        'The incident lead will tell you what they need from you. Post what you find in the incident channel so the scribe can log it.',
      ),
    );
  }
  blocks.push(
    context(
      `If you need to step away, hand the role to someone else and have them announce it in the channel. ${slackLink(url, 'Open the incident page')}`,
      url,
    ),
  );
  return { text: fallbackText(`You are now ${name} for ${ref}: ${escapeMrkdwn(incident.title)}`), blocks: fitBlocks(blocks, url) };
}
