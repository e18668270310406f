/**
 * Accounting for the fault and load suites: what a run should have caused (per kind of side
 * effect and per subject: an incident, a command's marker) against what the fake Slack recorded
 * and the database holds, reduced to the figures the issue asks for:
 * "sent X, expected Y; lost L, duplicated D" (lost and duplicated must both be 0).
 *
 * A request whose outcome the sender could not know (its connection died with a killed process)
 * may or may not have taken effect: `expect(..., { min: 0, max: 1 })`. Anything delivered that
 * nobody expected counts as duplicated.
 */
import type { TimelineEntry } from '../../src/domain/timeline.js';
import { slugify } from '../../src/slack/blocks/index.js';
import type { FakeSlack, FakeSlackCall } from './fake-slack.js';

export interface Expectation {
  readonly min: number;
  readonly max: number;
}

export interface LedgerReport {
  /** Side effects delivered (what Slack acted on, what the database holds). */
  readonly sent: number;
  /** Side effects expected (the minimum; an unknowable outcome adds nothing). */
  readonly expected: number;
  readonly lost: number;
  readonly duplicated: number;
  /** One line per subject whose count is off: `kind subject: delivered n, expected m`. */
  readonly problems: readonly string[];
  /** Delivered per kind, for the diagnostic line. */
  readonly byKind: Readonly<Record<string, number>>;
}

const keyOf = (kind: string, subject: string) => `${kind}\u0000${subject}`;

/** Expected against delivered side effects, by kind and subject. */
export class SideEffectLedger {
  readonly #expected = new Map<string, Expectation>();
  readonly #delivered = new Map<string, number>();

  /** The run should cause `kind` for `subject` exactly `times` times (or between min and max). */
  expect(kind: string, subject: string, times: number | Expectation = 1): void {
    const key = keyOf(kind, subject);
    const before = this.#expected.get(key) ?? { min: 0, max: 0 };
    const add = typeof times === 'number' ? { min: times, max: times } : times;
    this.#expected.set(key, { min: before.min + add.min, max: before.max + add.max });
  }

  /** Records one observed side effect. */
  deliver(kind: string, subject: string): void {
    const key = keyOf(kind, subject);
    this.#delivered.set(key, (this.#delivered.get(key) ?? 0) + 1);
  }

  report(): LedgerReport {
    let sent = 0;
    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    const problems: string[] = [];
    const byKind: Record<string, number> = {};
    for (const key of new Set([...this.#expected.keys(), ...this.#delivered.keys()])) {
      const [kind = '', subject = ''] = key.split('\u0000');
      const want = this.#expected.get(key) ?? { min: 0, max: 0 };
      const got = this.#delivered.get(key) ?? 0;
      sent += got;
      expected += want.min;
      byKind[kind] = (byKind[kind] ?? 0) + got;
      if (got < want.min) lost += want.min - got;
      if (got > want.max) duplicated += got - want.max;
      if (got < want.min || got > want.max) {
        const range = want.min === want.max ? String(want.min) : `${want.min}..${want.max}`;
        problems.push(`${kind} ${subject}: delivered ${got}, expected ${range}`);
      }
    }
    return { sent, expected, lost, duplicated, problems: problems.sort(), byKind };
  }
}

/** The figures line every suite prints: `label: sent X, expected Y; lost L, duplicated D`. */
export function formatLedger(label: string, report: LedgerReport): string {
  return `${label}: sent ${report.sent}, expected ${report.expected}; lost ${report.lost}, duplicated ${report.duplicated}`;
}

/** A command's or pin's unique marker, as the load driver writes it into the text (`mk-3-17`). */
export const MARKER = /\bmk-\d+-\d+\b/;

/** Text and blocks of a call, for matching what it says. */
export function callText(call: FakeSlackCall): string {
  return `${String(call.params.text ?? '')}\n${JSON.stringify(call.params.blocks ?? null)}`;
}

/** What each incident with a channel makes Slack do exactly once (declare, then "Create comms channel"). */
export const ONCE_PER_INCIDENT = [
  'announcement',
  'declared ephemeral',
  'conversations.create',
  'conversations.invite',
  'conversations.setTopic',
  'bookmarks.add',
  'kickoff',
] as const;

export interface SlackTallyOptions {
  /** The announcement channel's name (default `incidents`). */
  readonly announceChannel?: string;
}

/**
 * Attributes every call the fake acted on to an incident and a kind: the once-per-incident work,
 * `action` confirmations by marker ("Action: <text>"), `note` confirmations per incident ("Noted
 * on the timeline"), and `page` messages. Calls that are not about these incidents are ignored;
 * refreshes (chat.update of the announcement, profile lookups) are not counted, as their number
 * depends on how changes coalesce, not on delivery.
 */
export function tallySlack(fake: FakeSlack, incidents: readonly { readonly reference: string; readonly title: string }[], ledger: SideEffectLedger, options: SlackTallyOptions = {}): void {
  const announceName = options.announceChannel ?? 'incidents';
  const announce = fake.channelByName(announceName)?.id;
  const references = new Map(incidents.map((i) => [i.reference, i]));
  const bySlug = (name: string) => incidents.find((i) => name.endsWith(`-${slugify(i.title)}`));
  const byChannel = new Map<string, string>();
  const refIn = (text: string) => [...text.matchAll(/\bINC-\d+\b/g)].map((m) => m[0]).find((r) => references.has(r));
  for (const call of fake.calls.filter((c) => !c.rejected)) {
    const channel = String(call.params.channel ?? call.params.channel_id ?? '');
    const text = callText(call);
    if (call.method === 'conversations.create') {
      const incident = bySlug(String(call.params.name));
      if (!incident) continue;
      ledger.deliver('conversations.create', incident.reference);
      // By name, not from the answer: an answer lost with a killed process was never recorded.
      const created = fake.channelByName(String(call.params.name));
      if (created) byChannel.set(created.id, incident.reference);
      continue;
    }
    const inIncidentChannel = byChannel.get(channel);
    if (call.method === 'chat.postMessage' && (channel === announce || channel.replace(/^#/, '') === announceName)) {
      const reference = refIn(text);
      if (reference) ledger.deliver('announcement', reference);
    } else if (inIncidentChannel && call.method === 'chat.postMessage') {
      const marker = MARKER.exec(text)?.[0];
      if (/Action: /.test(text) && marker) ledger.deliver('action confirmation', marker);
      else if (/Noted on the timeline/.test(text)) ledger.deliver('note confirmation', inIncidentChannel);
      else ledger.deliver(classifyChannelPost(text), inIncidentChannel);
    } else if (inIncidentChannel && ['conversations.invite', 'conversations.setTopic', 'bookmarks.add'].includes(call.method)) {
      ledger.deliver(call.method, inIncidentChannel);
    } else if (call.method === 'chat.postEphemeral' && !inIncidentChannel) {
      const reference = refIn(text);
      if (reference) ledger.deliver('declared ephemeral', reference);
    }
  }
}

/**
 * The kind of a bot post in an incident channel that carries no marker, by what it says. An
 * unexpected kind shows up in the ledger as duplicated, with its name.
 */
function classifyChannelPost(text: string): string {
  if (/This channel is for responding/.test(text)) return 'kickoff';
  if (/Paged the on-call/.test(text)) return 'page message';
  if (/Severity set to/.test(text)) return 'severity confirmation';
  if (/is now incident lead/.test(text)) return 'lead confirmation';
  return 'other channel post';
}

/** Counts the timeline entries that carry a marker (commands and pins of the run), by marker. */
export function tallyTimeline(entries: readonly Pick<TimelineEntry, 'text'>[], ledger: SideEffectLedger): void {
  for (const entry of entries) {
    const marker = MARKER.exec(entry.text)?.[0];
    if (marker) ledger.deliver('timeline', marker);
  }
}
