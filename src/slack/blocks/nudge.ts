import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { Action } from '../../domain/action.js';
import { formatDuration, incidentDuration } from '../../domain/duration.js';
import { holderOf, type Incident } from '../../domain/incident.js';
import { nudgeLabels, type NudgeKind } from '../../domain/nudges.js';
import type { SeverityScale } from '../../domain/severity.js';
import { button, context, section } from './elements.js';
import { actionIds, encodeSnoozeValue, encodeStopNudgeValue, encodeTakeRoleValue } from './ids.js';
import { commandExample } from './incident-parts.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, keepSlackMarkup, mention, slackDate, slackLink, type PersonLike } from './mrkdwn.js';

const MINUTE = 60_000;
/** A reminder during the incident comes back after half an hour when snoozed. */
export const SNOOZE_SHORT_MS = 30 * MINUTE;
/** An after-hours one ("can it be closed?", the RCA) after a day. */
export const SNOOZE_DAY_MS = 24 * 60 * MINUTE;

const MAX_ACTIONS_SHOWN = 10;

export interface NudgeOptions {
  readonly publicUrl: string;
  /** How people reach the bot: the configured slash command, e.g. `/opg-incident`. */
  readonly invocation: string;
  readonly severities: SeverityScale;
  readonly now: Date;
  /** The incident's open actions, for the team check-in. */
  readonly openActions?: readonly Action[];
  /** When the channel will be archived, for the warning. */
  readonly archiveAt?: Date | null;
  /** A pager is configured: the no-lead reminder offers "Page on-call lead". */
  readonly pager?: boolean;
}

type Parts = { readonly lines: string; readonly fallback: string; readonly buttons?: readonly Button[]; readonly hint?: string };

const snooze = (incident: Incident, kind: NudgeKind, forMs: number): Button =>
  button({
    actionId: actionIds.snoozeNudge,
    text: forMs >= SNOOZE_DAY_MS ? 'Snooze 1 day' : `Snooze ${Math.round(forMs / MINUTE)} min`,
    value: encodeSnoozeValue({ incidentId: incident.id, kind, forMs }),
  });

const takeRole = (incident: Incident, role: 'lead' | 'scribe', text: string): Button =>
  button({ actionId: actionIds.takeRole, text, value: encodeTakeRoleValue({ incidentId: incident.id, role }), style: 'primary' });

const stop = (incident: Incident, kind: NudgeKind, text: string): Button =>
  button({ actionId: actionIds.stopNudge, text, value: encodeStopNudgeValue({ incidentId: incident.id, kind }), style: 'primary' });

/** The details the lead should set that are still empty, in the order the process names them. */
export function missingDetails(incident: Incident): ('summary' | 'severity' | 'impact')[] {
  return (['summary', 'severity', 'impact'] as const).filter((field) => !incident[field]);
}

function listed(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** `text` addressed to the person a reminder is for ("<@U1>: can…"), or on its own ("Can…") when the role is empty. */
function toWhom(person: PersonLike | null, text: string): string {
  return person ? `${mention(person)}: ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Whether a reminder still says something true when it is delivered (its job may run late, after
 * Slack was down): a lead found meanwhile makes "nobody is leading" wrong, so it is not posted.
 */
function stillApplies(kind: NudgeKind, incident: Incident): boolean {
  const open = incident.status === 'open';
  switch (kind) {
    case 'no_lead':
      return open && !holderOf(incident, 'lead');
    case 'no_scribe':
      return open && !holderOf(incident, 'scribe');
    case 'lead_is_scribe': {
      const lead = holderOf(incident, 'lead');
      return open && !!lead && lead.id === holderOf(incident, 'scribe')?.id;
    }
    case 'missing_details':
      return open && missingDetails(incident).length > 0;
    case 'comms_update':
    case 'checkin':
    case 'take_break':
    case 'can_close':
      return open;
    case 'schedule_rca':
    case 'archive_warning':
    case 'archive':
      return !open;
  }
}

function partsOf(kind: NudgeKind, incident: Incident, options: NudgeOptions): Parts {
  const ref = escapeMrkdwn(incident.reference);
  const run = (args: string) => commandExample(options.invocation, args);
  const lead = holderOf(incident, 'lead');
  const running = formatDuration(incidentDuration(incident, options.now));
  switch (kind) {
    case 'no_lead':
      return {
        lines: `:rotating_light: *Nobody is leading ${ref} yet.* Someone has to coordinate: take the lead, or page the on-call incident lead.`,
        fallback: `Nobody is leading ${ref} yet: take the lead or page the on-call lead.`,
        buttons: [
          takeRole(incident, 'lead', "I'll lead"),
          ...(options.pager ? [button({ actionId: actionIds.pageLead, text: 'Page on-call lead', value: incident.id })] : []),
          snooze(incident, kind, SNOOZE_SHORT_MS),
        ],
        hint: `Or name them: ${run('lead @person')}`,
      };
    case 'no_scribe':
      return {
        lines: `:memo: *Nobody is scribe for ${ref}.* Ask for a volunteer to keep the log: what happened, decisions, actions.`,
        fallback: `Nobody is scribe for ${ref}: ask for a volunteer.`,
        buttons: [takeRole(incident, 'scribe', "I'll scribe"), snooze(incident, kind, SNOOZE_SHORT_MS)],
        hint: `Or name them: ${run('scribe @person')}`,
      };
    case 'lead_is_scribe':
      return {
        lines:
          `:raised_hand: *${toWhom(lead, 'you are both incident lead and scribe.')}* Leading is a full-time job: ` +
          'can someone else volunteer to keep the log?',
        fallback: `${ref}: the incident lead is also the scribe. Can someone else volunteer as scribe?`,
        buttons: [takeRole(incident, 'scribe', "I'll scribe")],
        hint: `Or name them: ${run('scribe @person')}`,
      };
    case 'missing_details': {
      const missing = missingDetails(incident);
      const levels = options.severities.length > 0 ? options.severities.map((l) => l.key).join('|') : 'level';
      const how = { summary: run('summary <what is happening>'), severity: run(`sev <${levels}>`), impact: run('impact <who is affected>') };
      return {
        lines:
          `:pencil2: *${toWhom(lead, `${ref} has no ${listed(missing)} yet.`)}* Set ${missing.length > 1 ? 'them' : 'it'} so everyone knows what is going on:\n` +
          missing.map((field) => `• ${how[field]}`).join('\n'),
        fallback: `${ref} has no ${listed(missing)} yet.`,
        buttons: [snooze(incident, kind, SNOOZE_SHORT_MS)],
      };
    }
    case 'comms_update': {
      const who = holderOf(incident, 'commsLead') ?? lead;
      return {
        lines:
          `:loudspeaker: *${toWhom(who, `a stakeholder update is due for ${ref}.`)}* Tell the people affected where things stand, ` +
          `even if nothing changed: ${run('update <text>')}`,
        fallback: `A stakeholder update is due for ${ref}.`,
        buttons: [snooze(incident, kind, SNOOZE_SHORT_MS)],
        hint: incident.private ? 'It is posted in this channel (a private incident is not announced).' : 'It is posted in the announcement channel and here.',
      };
    }
    case 'checkin': {
      const open = options.openActions ?? [];
      const actions =
        open.length === 0
          ? '_No open actions._'
          : open
              .slice(0, MAX_ACTIONS_SHOWN)
              .map((a) => `• ${keepSlackMarkup(a.text)}${a.owner ? ` — ${mention(a.owner)}` : ''}`)
              .join('\n') + (open.length > MAX_ACTIONS_SHOWN ? `\n…and ${open.length - MAX_ACTIONS_SHOWN} more on the incident site` : '');
      return {
        lines:
          `:busts_in_silhouette: *Team check-in for ${ref}.* Where are we, what is blocking, what is next?\n` +
          `*Summary:* ${incident.summary ? keepSlackMarkup(incident.summary) : '_not set_'}\n*Open actions:*\n${actions}`,
        fallback: `Team check-in for ${ref}: where are we, what is blocking, what is next?`,
        hint: `Change the schedule with ${run('checkins every <duration>')} or stop it with ${run('checkins off')}.`,
      };
    }
    case 'take_break':
      return {
        lines:
          `:coffee: *${ref} has been running for ${running}: take a break.* Step away from the screen for a few minutes, drink some water, eat. ` +
          'If you need to stop, hand your role over and say so here. Not needed right now? Step back and rest.',
        fallback: `${ref} has been running for ${running}: take a break, hand over if you need to.`,
        hint: `Hand over: ${run('lead @person')}, ${run('scribe @person')}`,
      };
    case 'can_close':
      return {
        lines:
          `:checkered_flag: *${toWhom(lead, `can ${ref} be closed?`)}* It has been open for ${running}. ` +
          'Close it once the problem is fixed, or when work is blocked until a later date.',
        fallback: `Can ${ref} be closed? It has been open for ${running}.`,
        buttons: [button({ actionId: actionIds.close, text: 'Close incident', value: incident.id }), snooze(incident, kind, SNOOZE_DAY_MS)],
        hint: `Or type ${run('close [resolved|blocked] [note]')}`,
      };
    case 'schedule_rca':
      return {
        lines:
          `:calendar: *${toWhom(lead, `schedule the root cause analysis for ${ref}.`)}* Book a session with the people involved ` +
          'to find what to improve, then record what it finds.',
        fallback: `Schedule the root cause analysis (RCA) for ${ref}.`,
        buttons: [stop(incident, 'schedule_rca', 'RCA is booked'), snooze(incident, kind, SNOOZE_DAY_MS)],
        hint: `Or type ${run('rca booked')}`,
      };
    case 'archive_warning': {
      const when = options.archiveAt ? `on ${slackDate(options.archiveAt, '{date_long_pretty} at {time}')}` : 'soon';
      return {
        lines: `:file_cabinet: *This channel will be archived ${when}.* ${ref} stays on the incident site. Still using the channel? Keep it.`,
        fallback: `This channel will be archived ${options.archiveAt ? `on ${options.archiveAt.toISOString().slice(0, 10)}` : 'soon'}.`,
        buttons: [stop(incident, 'archive', 'Keep channel')],
        hint: `Or type ${run('keep')}`,
      };
    }
    case 'archive':
      return {
        lines: `:file_cabinet: *Archiving this channel:* ${ref} was closed and the channel is quiet. The record stays on the incident site.`,
        fallback: `Archiving this channel: ${ref} is closed.`,
      };
  }
}

/**
 * A reminder as posted in the incident's channel: what to do and how, in a line or two (read at
 * 3 a.m. by someone under stress), with buttons where a press is the answer. Null when it no
 * longer applies by the time it is delivered.
 */
export function renderNudge(kind: NudgeKind, incident: Incident, options: NudgeOptions): SlackMessage | null {
  if (!stillApplies(kind, incident)) return null;
  const url = incidentUrl(options.publicUrl, incident);
  const parts = partsOf(kind, incident, options);
  const blocks: KnownBlock[] = [section(parts.lines, url)];
  if (parts.buttons && parts.buttons.length > 0) blocks.push({ type: 'actions', elements: [...parts.buttons] } satisfies ActionsBlock);
  const link = slackLink(url, `${incident.reference} on the incident site`);
  blocks.push(context(parts.hint ? `${parts.hint} · ${link}` : link));
  return { text: fallbackText(parts.fallback), blocks: fitBlocks(blocks, url) };
}

/** The one-line confirmation in the channel when someone snoozes a reminder. */
export function renderNudgeSnoozed(kind: NudgeKind, until: Date, by: string): string {
  return `:zzz: Reminder snoozed until ${slackDate(until, '{date_short_pretty} {time}')}: ${escapeMrkdwn(nudgeLabels[kind])} — ${by}`;
}

/** The one-line confirmation when someone answers a reminder for good. */
export function renderNudgeStopped(kind: NudgeKind, by: string): string {
  if (kind === 'archive') return `:white_check_mark: This channel will be kept: it will not be archived automatically — ${by}`;
  if (kind === 'schedule_rca') return `:white_check_mark: The root cause analysis is booked: no more reminders to schedule it — ${by}`;
  return `:white_check_mark: No more reminders: ${escapeMrkdwn(nudgeLabels[kind])} — ${by}`;
}

/** The one-line confirmation when the lead sets (or stops) the team check-ins. */
export function renderCheckinsScheduled(everyMs: number | null, by: string): string {
  return everyMs === null
    ? `:busts_in_silhouette: Team check-ins stopped — ${by}`
    : `:busts_in_silhouette: Team check-ins every ${formatDuration(everyMs)}: I will post a reminder here with the summary and the open actions — ${by}`;
}

export interface StakeholderUpdateInput {
  /** The update as typed (in Slack: mentions and links are kept). */
  readonly text: string;
  /** Who posted it, as mrkdwn (a mention or an escaped name). */
  readonly by: string;
  readonly publicUrl: string;
}

/** "Update on INC-7 — <title>: <text> — by <person>", for the announcement channel and the incident's. */
export function renderStakeholderUpdate(incident: Incident, input: StakeholderUpdateInput): SlackMessage {
  const url = incidentUrl(input.publicUrl, incident);
  const head = `Update on ${escapeMrkdwn(incident.reference)} — ${escapeMrkdwn(incident.title)}`;
  const blocks: KnownBlock[] = [
    section(`:loudspeaker: *${head}:* ${keepSlackMarkup(input.text)} — by ${input.by}`, url),
    context(slackLink(url, `${incident.reference} on the incident site`)),
  ];
  return { text: fallbackText(`${head}: ${keepSlackMarkup(input.text)}`), blocks: fitBlocks(blocks, url) };
}
