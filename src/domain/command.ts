import { DomainError, type ErrorDetails } from './errors.js';
import type { SlackUserId } from './ids.js';
import type { CloseReason } from './incident.js';
import { parseRoleName, type RoleName } from './role.js';
import { parseSeverity, type SeverityScale } from './severity.js';

/** Who a command names: a Slack user by id, or the person who sent the command (`me`). */
export type PersonMention = { readonly slackUserId: SlackUserId } | { readonly self: true };

/** Everything a person can ask of the bot in an incident channel; nothing downstream reads raw text. */
export type IncidentCommand =
  | { readonly kind: 'summary'; readonly text: string }
  | { readonly kind: 'impact'; readonly text: string }
  | { readonly kind: 'severity'; readonly severity: string }
  | { readonly kind: 'assignRole'; readonly role: RoleName; readonly person: PersonMention }
  | { readonly kind: 'action'; readonly text: string }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'statuspage' }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'help' }
  | {
      readonly kind: 'close';
      readonly reason: CloseReason;
      readonly note: string | null;
      /** ISO calendar date (yyyy-mm-dd) when work is expected to resume; only for `blocked`. */
      readonly blockedUntil: string | null;
    }
  | { readonly kind: 'rename'; readonly name: string }
  /** A stakeholder update: to the announcement channel and the incident's. */
  | { readonly kind: 'update'; readonly text: string }
  /** The lead's team check-ins: every `everyMs`, or none (null). */
  | { readonly kind: 'checkins'; readonly everyMs: number | null }
  /** Keep the channel: it is not archived automatically after close. */
  | { readonly kind: 'keepChannel' }
  /** Archive the (closed) incident's channel now; the record stays on the site. */
  | { readonly kind: 'archiveChannel' }
  /** The root cause analysis is booked: no more reminders to schedule it. */
  | { readonly kind: 'rcaBooked' }
  /** Record the root cause analysis session (date, attendees): opens its form. */
  | { readonly kind: 'rcaSession' }
  /** Page the on-call incident lead (the pager's modal asks for the message). */
  | { readonly kind: 'pageLead' }
  /** List who can be paged: the lead and the specialist teams. */
  | { readonly kind: 'escalate' }
  /** Start the incident's conference call, or show the one it has. */
  | { readonly kind: 'call' };

export type CommandKind = IncidentCommand['kind'];

export const commandKinds = [
  'summary',
  'impact',
  'severity',
  'assignRole',
  'action',
  'note',
  'statuspage',
  'reopen',
  'duration',
  'help',
  'close',
  'rename',
  'update',
  'checkins',
  'keepChannel',
  'archiveChannel',
  'rcaBooked',
  'rcaSession',
  'pageLead',
  'escalate',
  'call',
] as const satisfies readonly CommandKind[];

const usage = {
  summary: 'summary <what is happening>',
  impact: 'impact <who or what is affected>',
  severity: 'sev <level>',
  lead: 'lead @person',
  scribe: 'scribe @person',
  comms: 'comms @person',
  role: 'role <name> @person',
  action: 'action <what needs doing>',
  note: 'note <text>',
  statuspage: 'statuspage',
  reopen: 'reopen',
  duration: 'duration',
  help: 'help',
  close: 'close [note]',
  closeBlocked: 'close blocked [until yyyy-mm-dd] [note]',
  rename: 'rename <new-name>',
  update: 'update <text for stakeholders>',
  checkins: 'checkins every <duration>',
  checkinsOff: 'checkins off',
  keep: 'keep',
  archive: 'archive',
  rcaBooked: 'rca booked',
  rcaSession: 'rca',
  pageLead: 'page lead',
  escalate: 'escalate',
  call: 'call',
} as const;

/** One line per command, in the order people need them during an incident. */
export const commandHelp: readonly { readonly usage: string; readonly description: string }[] = Object.freeze([
  { usage: usage.summary, description: 'Say what is happening (several lines are fine)' },
  { usage: usage.impact, description: 'Say who or what is affected' },
  { usage: usage.severity, description: "Set the severity (one of the team's levels)" },
  { usage: usage.lead, description: 'Make someone the incident lead (write me for yourself)' },
  { usage: usage.scribe, description: 'Make someone the scribe' },
  { usage: usage.comms, description: 'Make someone the communications lead' },
  { usage: usage.role, description: 'Give someone another role, e.g. role SME @person' },
  { usage: usage.action, description: 'Add an action to the incident log' },
  { usage: usage.note, description: 'Add a note to the timeline' },
  { usage: usage.statuspage, description: 'Update the status page' },
  { usage: usage.reopen, description: 'Reopen a closed incident' },
  { usage: usage.duration, description: 'Show how long the incident has been running' },
  { usage: usage.help, description: 'Show this list' },
  { usage: usage.close, description: 'Close the incident as resolved' },
  { usage: usage.closeBlocked, description: 'Close it because work is blocked, until a date if known' },
  { usage: usage.rename, description: 'Rename the incident channel' },
  { usage: usage.update, description: 'Post a stakeholder update (announcement channel and here)' },
  { usage: usage.checkins, description: 'Remind the team to check in, e.g. checkins every 30m' },
  { usage: usage.checkinsOff, description: 'Stop the team check-ins' },
  { usage: usage.keep, description: 'Keep this channel: do not archive it after close' },
  { usage: usage.archive, description: 'Archive this channel now (once closed); the record stays on the site' },
  { usage: usage.rcaBooked, description: 'Say the root cause analysis is booked (stops its reminder)' },
  { usage: usage.rcaSession, description: 'Record the RCA session (date, who attends), once closed' },
  { usage: usage.pageLead, description: 'Page the on-call incident lead (PagerDuty)' },
  { usage: usage.escalate, description: 'Bring in another team: list who can be paged (also esc, page)' },
  { usage: usage.call, description: 'Start a conference call for the incident (or show the one running)' },
]);

type Parser = (args: string, severities: SeverityScale) => IncidentCommand;

// A Map, not an object literal, so "constructor" or "__proto__" can never look like a command.
const parsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ['summary', (args) => ({ kind: 'summary', text: requireText(args, usage.summary) })],
  ['impact', (args) => ({ kind: 'impact', text: requireText(args, usage.impact) })],
  ['severity', (args, severities) => ({ kind: 'severity', severity: parseSeverityLevel(args, severities) })],
  ['sev', (args, severities) => ({ kind: 'severity', severity: parseSeverityLevel(args, severities) })],
  ['lead', (args) => assignBuiltIn('lead', args, usage.lead)],
  ['scribe', (args) => assignBuiltIn('scribe', args, usage.scribe)],
  ['comms', (args) => assignBuiltIn('commsLead', args, usage.comms)],
  ['commslead', (args) => assignBuiltIn('commsLead', args, usage.comms)],
  ['comms-lead', (args) => assignBuiltIn('commsLead', args, usage.comms)],
  ['comms_lead', (args) => assignBuiltIn('commsLead', args, usage.comms)],
  ['role', parseRoleCommand],
  ['action', (args) => ({ kind: 'action', text: requireText(args, usage.action) })],
  ['note', (args) => ({ kind: 'note', text: requireText(args, usage.note) })],
  ['statuspage', (args) => noArguments({ kind: 'statuspage' }, args, usage.statuspage)],
  ['reopen', (args) => noArguments({ kind: 'reopen' }, args, usage.reopen)],
  ['duration', (args) => noArguments({ kind: 'duration' }, args, usage.duration)],
  // "help sev" or "help me" still deserve the list.
  ['help', () => ({ kind: 'help' })],
  ['close', parseClose],
  ['rename', parseRename],
  ['update', (args) => ({ kind: 'update', text: requireText(args, usage.update) })],
  ['checkins', parseCheckins],
  ['checkin', parseCheckins],
  ['keep', (args) => noArguments({ kind: 'keepChannel' }, args, usage.keep)],
  ['archive', (args) => noArguments({ kind: 'archiveChannel' }, args, usage.archive)],
  ['rca', parseRca],
  ['page', parsePage],
  ['escalate', (args) => noArguments({ kind: 'escalate' }, args, usage.escalate)],
  ['esc', (args) => noArguments({ kind: 'escalate' }, args, usage.escalate)],
  ['call', (args) => noArguments({ kind: 'call' }, args, usage.call)],
]);

/**
 * The one grammar for `@bot <command>` and `/incident <command>`: text (without the bot mention
 * or slash command) to a typed command, or a `command.unknown` / `command.invalid` DomainError.
 */
export function parseCommand(text: string, severities: SeverityScale): IncidentCommand {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '?') return { kind: 'help' };
  const space = trimmed.search(/\s/);
  const word = space < 0 ? trimmed : trimmed.slice(0, space);
  const args = space < 0 ? '' : trimmed.slice(space).trim();
  const parse = parsers.get(word.toLowerCase());
  if (!parse) throw unknownCommand(word);
  return parse(args, severities);
}

function unknownCommand(word: string): DomainError {
  const shown = word.length > 30 ? `${word.slice(0, 30)}…` : word;
  const guess = closestKeyword(word.toLowerCase());
  const hint = guess ? ` Did you mean "${guess}"?` : '';
  return new DomainError('command.unknown', `Unknown command "${shown}".${hint} Send "help" to see the commands.`);
}

/** A keyword within two typing slips of `word`, so "sevv" or "clsoe" gets a useful hint. */
function closestKeyword(word: string): string | null {
  if (word.length < 3 || word.length > 20) return null;
  let best: { keyword: string; distance: number } | null = null;
  for (const keyword of parsers.keys()) {
    const distance = editDistance(word, keyword);
    if (distance <= 2 && (!best || distance < best.distance)) best = { keyword, distance };
  }
  return best?.keyword ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function invalid(message: string, details?: ErrorDetails): DomainError {
  return new DomainError('command.invalid', message, details);
}

function requireText(args: string, usageLine: string): string {
  if (args === '') throw invalid(`Usage: ${usageLine}`);
  return args;
}

function noArguments<C extends IncidentCommand>(command: C, args: string, usageLine: string): C {
  if (args !== '') throw invalid(`Usage: ${usageLine} (nothing after it)`);
  return command;
}

// The whole argument must name a level: "minor, not major" is refused rather than read as "major".
function parseSeverityLevel(args: string, severities: SeverityScale): string {
  try {
    return parseSeverity(severities, args.replace(/\s+/g, ' '));
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'incident.severity_invalid') throw error;
    const allowed = severities.map((level) => level.key);
    const message =
      severities.length === 0
        ? 'No severity levels are set up for this team.'
        : `Severity must be one of: ${severities.map((level) => `${level.label} (${level.key})`).join(', ')}.`;
    throw invalid(message, { field: 'severity', allowed });
  }
}

// Slack sends a mention as <@U123> or <@U123|name> (the name part may hold spaces); Enterprise
// Grid ids start with W. A plain "@alice" means Slack did not resolve the name, so it is refused.
const MENTION_AT_END = /<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>$/;
const SELF_AT_END = /(?:^|\s)me$/i;

/** Splits "<words> <mention>" into the words and the person, or null when it does not end in one. */
function splitPersonAtEnd(args: string): { readonly before: string; readonly person: PersonMention } | null {
  const mention = MENTION_AT_END.exec(args);
  const id = mention?.[1];
  if (mention && id) {
    return { before: args.slice(0, mention.index).trim(), person: { slackUserId: id as SlackUserId } };
  }
  const self = SELF_AT_END.exec(args);
  if (self) return { before: args.slice(0, self.index).trim(), person: { self: true } };
  return null;
}

function personHint(usageLine: string): string {
  return `Usage: ${usageLine} (mention them so Slack links the name, or write me)`;
}

function assignBuiltIn(role: RoleName, args: string, usageLine: string): IncidentCommand {
  const split = splitPersonAtEnd(args);
  // "comms lead @x" reads naturally, so the stray "lead" is allowed after "comms".
  const extraAllowed = role === 'commsLead' && split?.before.toLowerCase() === 'lead';
  if (!split || (split.before !== '' && !extraAllowed)) throw invalid(personHint(usageLine));
  return { kind: 'assignRole', role, person: split.person };
}

function parseRoleCommand(args: string): IncidentCommand {
  const split = splitPersonAtEnd(args);
  if (!split || split.before === '' || split.before.includes('<@')) throw invalid(personHint(usage.role));
  try {
    return { kind: 'assignRole', role: parseRoleName(split.before), person: split.person };
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'role.invalid') throw error;
    throw invalid(`${error.message} Usage: ${usage.role}`, { field: 'role' });
  }
}

const REASON = /^(resolved|blocked)[.,:;]?(?:\s+|$)/i;
const UNTIL = /^until(?:\s+|$)/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})[.,:;]?(?:\s+|$)/;

function parseClose(args: string): IncidentCommand {
  const reason = REASON.exec(args);
  // Anything else after "close" is a note on a resolved incident: "close rolled back the deploy".
  if (!reason) return { kind: 'close', reason: 'resolved', note: args || null, blockedUntil: null };
  const rest = args.slice(reason[0].length);
  if (reason[1]?.toLowerCase() !== 'blocked') {
    return { kind: 'close', reason: 'resolved', note: rest || null, blockedUntil: null };
  }
  const until = UNTIL.exec(rest);
  if (!until) return { kind: 'close', reason: 'blocked', note: rest || null, blockedUntil: null };
  const afterUntil = rest.slice(until[0].length);
  const date = DATE.exec(afterUntil);
  if (!date) {
    throw invalid('Usage: close blocked until yyyy-mm-dd [note], e.g. close blocked until 2026-12-01 waiting on the supplier', {
      field: 'blockedUntil',
    });
  }
  const [, year = '', month = '', day = ''] = date;
  const iso = `${year}-${month}-${day}`;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) {
    throw invalid(`${iso} is not a real date. Usage: close blocked until yyyy-mm-dd [note]`, { field: 'blockedUntil' });
  }
  return { kind: 'close', reason: 'blocked', note: afterUntil.slice(date[0].length) || null, blockedUntil: iso };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function parseRename(args: string): IncidentCommand {
  const name = args.replace(/\s+/g, ' ');
  if (name === '') throw invalid(`Usage: ${usage.rename}`);
  return { kind: 'rename', name };
}

const MINUTE_MS = 60_000;
const units: ReadonlyMap<string, number> = new Map([
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, MINUTE_MS] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((u) => [u, 60 * MINUTE_MS] as const),
]);

/**
 * A length of time as typed in a command: `30m`, `45 min`, `1h`, `2 hours`, `1h30m`. Null when
 * it is not one; `missingUnit` when it is a bare number (`2`), so the error can ask for the unit.
 */
export function parseCommandDuration(text: string): number | 'missingUnit' | null {
  const compact = text.trim().toLowerCase();
  if (/^\d+$/.test(compact)) return 'missingUnit';
  const parts = [...compact.matchAll(/(\d+)\s*([a-z]+)\s*/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== compact) return null;
  let ms = 0;
  for (const [, amount = '', unit = ''] of parts) {
    const size = units.get(unit);
    if (size === undefined) return null;
    ms += Number(amount) * size;
  }
  return Number.isSafeInteger(ms) ? ms : null;
}

function parseCheckins(args: string): IncidentCommand {
  const usageLine = `Usage: ${usage.checkins} (e.g. checkins every 30m, or checkins every 1h) or ${usage.checkinsOff}`;
  if (/^(off|stop|none)$/i.test(args)) return { kind: 'checkins', everyMs: null };
  const every = /^every\s+(.+)$/is.exec(args);
  if (!every) throw invalid(usageLine, { field: 'every' });
  const ms = parseCommandDuration(every[1] ?? '');
  if (ms === 'missingUnit') {
    // Echo a plausible number only: a pasted run of digits must not come back as a huge reply.
    const given = (every[1] ?? '').trim();
    const n = given.length <= 4 ? given : '30';
    throw invalid(`Say the unit: checkins every ${n}m (minutes) or checkins every ${n}h (hours).`, { field: 'every' });
  }
  if (ms === null || ms === 0) throw invalid(usageLine, { field: 'every' });
  return { kind: 'checkins', everyMs: ms };
}

function parseRca(args: string): IncidentCommand {
  if (args === '') return { kind: 'rcaSession' };
  if (/^(booked|scheduled)$/i.test(args)) return { kind: 'rcaBooked' };
  throw invalid(`Usage: ${usage.rcaSession} (record the session) or ${usage.rcaBooked} (once the root cause analysis session is in the calendar)`);
}

// `page` alone lists who can be paged; `page lead` goes straight to the lead's page.
function parsePage(args: string): IncidentCommand {
  if (args === '') return { kind: 'escalate' };
  if (/^(the\s+)?(on-?call\s+)?(incident\s+)?lead$/i.test(args)) return { kind: 'pageLead' };
  throw invalid(`Usage: ${usage.pageLead}, or ${usage.escalate} to see the teams that can be paged`);
}
