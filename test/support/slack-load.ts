/**
 * A steady stream of signed Slack requests for the fault and load suites, sent the way Slack
 * sends them, with what each should cause written into a `SideEffectLedger` by its outcome:
 *
 * - Events API callbacks (mentions, pins) are retried like Slack retries them: when the answer is
 *   not a 2xx within 3 s or the connection fails, up to 3 more times with `X-Slack-Retry-Num`
 *   (Slack waits about 1 and 5 minutes; here `retryDelaysMs`, compressed).
 * - Slash commands, button presses and modal submissions are sent once, as Slack does: an answer
 *   that says it was not recorded is a visible refusal (nothing expected); no answer at all shows
 *   the person Slack's own error, and whether it took effect is unknowable (expected 0 or 1).
 *
 * Every command and pin carries a unique marker (`mk-<incident>-<n>`) so the tallies can find its
 * effects in the fake Slack's calls and in the timeline.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import type { JobStore } from '../../src/ports/jobs.port.js';
import type { SlackInboxStore } from '../../src/ports/slack-inbox.port.js';
import { eventually } from './eventually.js';
import type { FakeSlackCall } from './fake-slack.js';
import { callText, MARKER } from './side-effect-ledger.js';
import type { SideEffectLedger } from './side-effect-ledger.js';
import { COMMAND } from './slack-app.js';
import {
  appMentionEvent,
  blockAction,
  eventCallback,
  pinAddedEvent,
  slashCommand,
  viewSubmission,
  type SignedResponse,
  type SignOptions,
  type SlackRequest,
} from './slack-requests.js';

/** Signs and posts one request to some instance's `/slack/events`. */
export type SlackSend = (request: SlackRequest<unknown>, options?: Partial<SignOptions>) => Promise<SignedResponse>;

export type RequestKind = 'declare' | 'create channel' | 'action' | 'note' | 'pin' | 'page';

/** What became of a request, as the person (or Slack) saw it. */
export type Outcome = 'acked' | 'refused' | 'unanswered';

export interface SentRecord {
  readonly kind: RequestKind;
  /** The marker or title. */
  readonly subject: string;
  readonly outcome: Outcome;
  /** The last HTTP status; 0 when the connection failed. */
  readonly status: number;
  readonly attempts: number;
  /** Time to the answer that settled it (the last attempt), in ms. */
  readonly ackMs: number;
  /** The visible answer, when refused. */
  readonly answer?: string;
}

/** An incident of the run, once declared and given its channel. */
export interface LoadIncident {
  readonly id: string;
  readonly reference: string;
  readonly title: string;
  /** Its number in the run (markers are `mk-<n>-<k>`). */
  readonly n: number;
  channelId?: string;
}

/** Slack gives up on a request after 3 s. */
const SLACK_TIMEOUT_MS = 3000;
/** Answers that tell the person nothing was recorded. */
const REFUSAL = /not recorded|went wrong|try again/i;

export interface SlackLoadOptions {
  readonly send: SlackSend;
  readonly ledger: SideEffectLedger;
  /** Pauses before Slack's three retries of an event (default 500, 1500, 3000 ms). */
  readonly retryDelaysMs?: readonly [number, number, number];
  /** A response_url the fake records (`fake.responseUrl`). */
  readonly responseUrl: (id: string) => string;
}

/** Nearest-rank percentile of `values` (ms), or NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Sends the run's requests and keeps the books. */
export class SlackLoad {
  readonly records: SentRecord[] = [];
  /** Per incident reference, the action markers acked, in the order they were acked. */
  readonly ackedActions = new Map<string, string[]>();
  #serial = 0;
  /** Keeps view ids unique across runs on one database (a view id is claimed once, for good). */
  readonly #prefix = randomBytes(3).toString('hex').toUpperCase();
  readonly #options: SlackLoadOptions;

  constructor(options: SlackLoadOptions) {
    this.#options = options;
  }

  /** Points the run at another instance (after a restart, or round-robin). */
  set send(send: SlackSend) {
    (this.#options as { send: SlackSend }).send = send;
  }

  #next(): number {
    this.#serial += 1;
    return this.#serial;
  }

  async #once(kind: RequestKind, subject: string, request: SlackRequest<unknown>, refused: (response: SignedResponse) => boolean): Promise<SentRecord> {
    const started = performance.now();
    let record: SentRecord;
    try {
      const response = await this.#options.send(request);
      const ok = response.status >= 200 && response.status < 300 && response.elapsedMs < SLACK_TIMEOUT_MS;
      const outcome: Outcome = !ok ? 'unanswered' : refused(response) ? 'refused' : 'acked';
      record = { kind, subject, outcome, status: response.status, attempts: 1, ackMs: response.elapsedMs, ...(outcome === 'refused' ? { answer: response.text } : {}) };
    } catch {
      record = { kind, subject, outcome: 'unanswered', status: 0, attempts: 1, ackMs: performance.now() - started };
    }
    this.records.push(record);
    return record;
  }

  async #event(kind: RequestKind, subject: string, request: SlackRequest<unknown>): Promise<SentRecord> {
    const delays = this.#options.retryDelaysMs ?? [500, 1500, 3000];
    let status = 0;
    let reason = 'http_error';
    let ackMs = 0;
    for (let attempt = 0; attempt <= 3; attempt++) {
      if (attempt > 0) await pause(delays[attempt - 1]!);
      const started = performance.now();
      try {
        const response = await this.#options.send(request, attempt === 0 ? {} : { retryNum: attempt, retryReason: reason });
        status = response.status;
        ackMs = response.elapsedMs;
        if (status >= 200 && status < 300 && response.elapsedMs < SLACK_TIMEOUT_MS) {
          const record: SentRecord = { kind, subject, outcome: 'acked', status, attempts: attempt + 1, ackMs };
          this.records.push(record);
          return record;
        }
        reason = response.elapsedMs >= SLACK_TIMEOUT_MS ? 'http_timeout' : 'http_error';
      } catch {
        status = 0;
        ackMs = performance.now() - started;
        reason = 'connection_failed';
      }
    }
    // Slack gave up: for the person, the event is lost (the ledger will say so).
    const record: SentRecord = { kind, subject, outcome: 'unanswered', status, attempts: 4, ackMs };
    this.records.push(record);
    return record;
  }

  /** Declares through the modal; the caller looks the incident up by title. */
  async declare(title: string, reporter: string): Promise<SentRecord> {
    const n = this.#next();
    const request = viewSubmission({
      callbackId: 'incident.declare',
      userId: reporter,
      viewId: `V0LOAD${this.#prefix}${n}`,
      privateMetadata: JSON.stringify({ channelId: 'C0TEAM', responseUrl: this.#options.responseUrl(`declare-${n}`) }),
      values: {
        kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
        title: { title: { type: 'plain_text_input', value: title } },
        severity: { severity: { type: 'static_select', selected_option: { value: 'major' } } },
      },
    });
    return this.#once('declare', title, request, (r) => r.text !== '');
  }

  /** Presses "Create comms channel" on the announcement. */
  async createChannel(incident: LoadIncident, userId: string): Promise<SentRecord> {
    const n = this.#next();
    const request = blockAction({ actionId: 'incident.create_channel', value: incident.id, userId, channelId: 'C0INCIDENTS', triggerId: `trigger-load-${this.#prefix}-${n}` });
    return this.#once('create channel', incident.reference, request, (r) => REFUSAL.test(r.text));
  }

  /** Expects what a declared incident with a channel makes Slack do once. */
  expectIncident(incident: LoadIncident, declared: Outcome, channel: Outcome): void {
    const times = (outcome: Outcome) => (outcome === 'acked' ? 1 : outcome === 'unanswered' ? { min: 0, max: 1 } : 0);
    this.#options.ledger.expect('announcement', incident.reference, times(declared));
    this.#options.ledger.expect('declared ephemeral', incident.reference, times(declared));
    for (const kind of ['conversations.create', 'conversations.invite', 'conversations.setTopic', 'bookmarks.add', 'kickoff']) {
      this.#options.ledger.expect(kind, incident.reference, times(channel));
    }
  }

  #marker(incident: LoadIncident, k: number): string {
    return `mk-${incident.n}-${k}`;
  }

  /** `/incident action Check shard mk-n-k` in the incident's channel: an action, a timeline line, a confirmation. */
  async action(incident: LoadIncident, userId: string, k: number): Promise<SentRecord> {
    const marker = this.#marker(incident, k);
    const n = this.#next();
    const request = slashCommand({
      command: COMMAND,
      text: `action Check shard ${marker}`,
      userId,
      channelId: incident.channelId!,
      responseUrl: this.#options.responseUrl(`action-${n}`),
      triggerId: `trigger-load-${this.#prefix}-${n}`,
    });
    const record = await this.#once('action', marker, request, (r) => REFUSAL.test(r.text));
    const times = record.outcome === 'acked' ? 1 : record.outcome === 'unanswered' ? { min: 0, max: 1 } : 0;
    this.#options.ledger.expect('action confirmation', marker, times);
    this.#options.ledger.expect('timeline', marker, times);
    if (record.outcome === 'acked') {
      const list = this.ackedActions.get(incident.reference) ?? [];
      list.push(marker);
      this.ackedActions.set(incident.reference, list);
    }
    return record;
  }

  /** `@bot note Saw errors mk-n-k` (an app_mention event): a timeline line and a confirmation. */
  async note(incident: LoadIncident, userId: string, k: number): Promise<SentRecord> {
    const marker = this.#marker(incident, k);
    const request = eventCallback(appMentionEvent({ user: userId, text: `note Saw errors ${marker}`, channel: incident.channelId! }));
    const record = await this.#event('note', marker, request);
    // Slack giving up is a lost event: still expected.
    this.#options.ledger.expect('timeline', marker, 1);
    this.#options.ledger.expect('note confirmation', incident.reference, 1);
    return record;
  }

  /** Someone pins a message (pin_added event): a timeline line. */
  async pin(incident: LoadIncident, userId: string, k: number): Promise<SentRecord> {
    const marker = this.#marker(incident, k);
    const ts = `${1_700_000_000 + incident.n}.${String(k).padStart(6, '0')}`;
    const request = eventCallback(pinAddedEvent({ user: userId, channel: incident.channelId!, message: { user: userId, text: `Graph of the error rate ${marker}`, ts } }));
    const record = await this.#event('pin', marker, request);
    this.#options.ledger.expect('timeline', marker, 1);
    return record;
  }

  /** Submits the page modal for the incident lead: one page to PagerDuty and one channel message. */
  async page(incident: LoadIncident, userId: string): Promise<SentRecord> {
    const n = this.#next();
    const request = viewSubmission({
      callbackId: 'incident.page',
      userId,
      viewId: `V0LOADPAGE${this.#prefix}${n}`,
      privateMetadata: JSON.stringify({ incidentId: incident.id, target: 'lead' }),
      values: { page_message: { page_message: { type: 'plain_text_input', value: `We need a lead for ${incident.reference}` } } },
    });
    const record = await this.#once('page', incident.reference, request, (r) => r.text !== '');
    const times = record.outcome === 'acked' ? 1 : record.outcome === 'unanswered' ? { min: 0, max: 1 } : 0;
    this.#options.ledger.expect('pager trigger', incident.reference, times);
    this.#options.ledger.expect('page message', incident.reference, times);
    return record;
  }

  /** Requests sent, how they ended, and ack latency (p50/p99 of the answers that settled them). */
  summary(): { sent: number; acked: number; refused: number; unanswered: number; retried: number; non2xx: number; p50: number; p99: number } {
    const acked = this.records.filter((r) => r.outcome === 'acked');
    const latencies = acked.map((r) => r.ackMs);
    return {
      sent: this.records.reduce((sum, r) => sum + r.attempts, 0),
      acked: acked.length,
      refused: this.records.filter((r) => r.outcome === 'refused').length,
      unanswered: this.records.filter((r) => r.outcome === 'unanswered').length,
      retried: this.records.filter((r) => r.attempts > 1).length,
      non2xx: this.records.filter((r) => r.status !== 0 && (r.status < 200 || r.status >= 300)).length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  }

  /** One line for the test's diagnostics. */
  describe(label: string): string {
    const s = this.summary();
    return (
      `${label}: ${this.records.length} requests (${s.sent} sends with Slack's retries): ${s.acked} acked, ${s.refused} refused visibly, ` +
      `${s.unanswered} unanswered, ${s.retried} retried by Slack; ack p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`
    );
  }
}

/** People in the fake workspace who work the incidents. */
export const RESPONDERS = ['U0LOADA', 'U0LOADB', 'U0LOADC', 'U0LOADD', 'U0LOADE'] as const;

/** Adds the responders to the fake workspace (and the bot's identity, already there). */
export function seedResponders(fake: { addUser(user: { id: string; name: string; email?: string }): unknown; state: { users: ReadonlyMap<string, unknown> } }): void {
  for (const [i, id] of RESPONDERS.entries()) {
    if (!fake.state.users.has(id)) fake.addUser({ id, name: `responder${i + 1}`, email: `responder${i + 1}@example.org` });
  }
}

/**
 * The work still to do: Slack requests answered but not yet handled (they become jobs when handled),
 * then jobs queued or running (reminder checks left out: they wait, pending, for hours). The inbox
 * is read first: once it is empty every handling has committed its jobs, so none is missed.
 */
export async function workLeft(store: { readonly slackInbox: SlackInboxStore; readonly jobStore: JobStore }): Promise<string[]> {
  const unhandled = await store.slackInbox.count();
  const jobs = (await store.jobStore.list({ status: ['pending', 'running'], limit: 1000 })).filter((job) => job.type !== 'nudge.check');
  return [...(unhandled > 0 ? [`${unhandled} Slack requests not handled yet`] : []), ...jobs.map((job) => `${job.type} ${job.status}`)];
}

/** Finds an incident by its exact title (and its channel, once linked). */
export type IncidentLookup = (title: string) => Promise<{ id: string; reference: string; channel: { id: string } | null } | undefined>;

/**
 * Declares `title` and presses "Create comms channel", as people do, and waits until the channel
 * is linked. Throws when either step was not acked: the suites open their incidents before the
 * fault, so that is a failure of its own.
 */
export async function openIncident(load: SlackLoad, n: number, title: string, reporter: string, lookup: IncidentLookup): Promise<LoadIncident> {
  const declared = await load.declare(title, reporter);
  if (declared.outcome !== 'acked') throw new Error(`declaring "${title}" was ${declared.outcome} (HTTP ${declared.status})`);
  const found = await eventually(`"${title}" to be declared`, () => lookup(title), 30_000);
  const incident: LoadIncident = { id: found.id, reference: found.reference, title, n };
  const pressed = await load.createChannel(incident, reporter);
  if (pressed.outcome !== 'acked') throw new Error(`creating ${found.reference}'s channel was ${pressed.outcome} (HTTP ${pressed.status})`);
  const channel = await eventually(`${found.reference}'s channel`, async () => (await lookup(title))?.channel ?? undefined, 60_000);
  incident.channelId = channel.id;
  load.expectIncident(incident, declared.outcome, pressed.outcome);
  return incident;
}

export interface StreamOptions {
  /** Requests to send for the incident. */
  readonly requests: number;
  /** Pause between two of them: the pace people type at (load pacing, not synchronisation). */
  readonly paceMs: number;
  /** Which request (1-based) is a page of the lead instead; none by default. */
  readonly pageAt?: number;
  /** The first marker number (to continue a stream after a fault). */
  readonly from?: number;
}

/**
 * One incident's people at work: actions (slash commands), notes (mentions) and pins in turn, one
 * request at a time from rotating people, so each incident's order is known; incidents run side by side.
 */
export async function workIncident(load: SlackLoad, incident: LoadIncident, options: StreamOptions): Promise<void> {
  const from = options.from ?? 1;
  for (let k = from; k < from + options.requests; k++) {
    const user = RESPONDERS[(incident.n + k) % RESPONDERS.length]!;
    if (options.pageAt === k - from + 1) await load.page(incident, user);
    else if (k % 3 === 1) await load.action(incident, user, k);
    else if (k % 3 === 2) await load.note(incident, user, k);
    else await load.pin(incident, user, k);
    await pause(options.paceMs);
  }
}

/**
 * Incidents whose action confirmations reached their channel in another order than the actions
 * were acked (each incident's requests go one at a time, so the order is known), as readable lines.
 */
export function outOfOrder(load: SlackLoad, incidents: readonly LoadIncident[], calls: readonly FakeSlackCall[]): string[] {
  const problems: string[] = [];
  for (const incident of incidents) {
    const posted = calls
      .filter((c) => !c.rejected && c.method === 'chat.postMessage' && c.params.channel === incident.channelId && /Action: /.test(String(c.params.text ?? '')))
      .map((c) => MARKER.exec(callText(c))?.[0])
      .filter((m): m is string => m !== undefined);
    const acked = (load.ackedActions.get(incident.reference) ?? []).filter((m) => posted.includes(m));
    const seen = posted.filter((m, i) => posted.indexOf(m) === i);
    if (JSON.stringify(seen) !== JSON.stringify(acked)) problems.push(`${incident.reference}: confirmed ${seen.join(' ')}; acked ${acked.join(' ')}`);
  }
  return problems;
}
