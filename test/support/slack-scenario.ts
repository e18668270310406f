/**
 * An incident with its comms channel, reached the way people reach it (declare modal, then the
 * headline's "Create comms channel" button), and small helpers to type commands in its channel
 * and read what Slack was then asked to do.
 *
 *   const inc = await declareWithChannel(slack, { title: 'Payments are failing', reporter: 'U0RITA' });
 *   await inc.mention('U0RITA', 'sev major');
 *   await inc.settled(inc.channelPost(/Severity set to Major/));
 */
import type { Incident } from '../../src/domain/incident.js';
import { slugify } from '../../src/slack/blocks/index.js';
import { deliveredTo, type FakeEphemeral, type FakeMessage, type FakeSlackCall, type JsonObject, type JsonValue } from './fake-slack.js';
import { COMMAND, type SlackHarness } from './slack-app.js';
import { appMentionEvent, blockAction, eventCallback, slashCommand, viewSubmission, type SignedResponse } from './slack-requests.js';

export type CallPredicate = (call: FakeSlackCall) => boolean;

/** What `/incident <text>` answered over HTTP: Slack shows this body to the person only. */
export interface SlashAnswer {
  readonly status: number;
  /** The raw body; '' when the command answered nothing. */
  readonly text: string;
  /** The ephemeral reply's text (and block text), or '' when there is none. */
  readonly reply: string;
}

export interface IncidentInChannel {
  readonly id: string;
  readonly reference: string;
  readonly title: string;
  readonly channelId: string;
  /** Where the announcement (headline) was posted, to find its updates. */
  readonly headline: { readonly channelId: string; readonly ts: string };
  /** The incident as stored now. */
  current(): Promise<Incident>;
  /** `@bot <text>` in the incident channel, as an Events API app_mention. */
  mention(userId: string, text: string, options?: { eventId?: string; retryNum?: number }): Promise<SignedResponse>;
  /** `/incident <text>` in the incident channel (`command` when the app registers another). */
  slash(userId: string, text: string, options?: { command?: string }): Promise<SlashAnswer>;
  /** Messages the bot has posted in the incident channel, oldest first. */
  channelMessages(): readonly FakeMessage[];
  /** Channel messages whose text or blocks match. */
  channelMessagesMatching(pattern: RegExp): readonly FakeMessage[];
  /** Ephemeral messages shown to `userId` in the incident channel. */
  ephemeralsFor(userId: string): readonly FakeEphemeral[];
  /** The announcement as people see it now (after every chat.update). */
  headlineBlocks(): string;
  /** Delivered chat.update calls to the announcement. */
  headlineUpdates(): FakeSlackCall[];
  /** Matches a chat.postMessage in the incident channel whose text or blocks match. */
  channelPost(pattern: RegExp): CallPredicate;
  /** Matches a chat.postEphemeral to `userId` in the incident channel. */
  ephemeralTo(userId: string, pattern?: RegExp): CallPredicate;
  /** Matches a chat.update of the announcement whose blocks match. */
  headlineUpdate(pattern?: RegExp): CallPredicate;
  /**
   * Waits for `count` matching calls made since the previous `settled` (or since the channel was
   * ready), then for the job worker to be idle: every Slack job the step caused has run.
   */
  settled(match: CallPredicate, count?: number): Promise<FakeSlackCall[]>;
}

/** Text and blocks of a call, as one string to match against. */
export function callText(call: FakeSlackCall): string {
  return `${String(call.params.text ?? '')}\n${JSON.stringify(call.params.blocks ?? null)}`;
}

/** Text and blocks of a stored message. */
export function messageText(message: { readonly text: string; readonly blocks: JsonValue | undefined }): string {
  return `${message.text}\n${JSON.stringify(message.blocks ?? null)}`;
}

/** A JSON object's string field, or undefined. */
export function stringField(value: JsonValue | undefined, key: string): string | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const field = (value as JsonObject)[key];
  return typeof field === 'string' ? field : undefined;
}

/** The action blocks' action_ids in a list of blocks (the buttons people can press). */
export function buttonIds(blocks: JsonValue | undefined): string[] {
  if (!Array.isArray(blocks)) return [];
  const ids: string[] = [];
  for (const block of blocks) {
    if (stringField(block, 'type') !== 'actions' || block === null || typeof block !== 'object' || Array.isArray(block)) continue;
    const elements = (block as JsonObject).elements;
    if (!Array.isArray(elements)) continue;
    for (const element of elements) {
      const id = stringField(element, 'action_id');
      if (id) ids.push(id);
    }
  }
  return ids;
}

/** The slash command's HTTP answer, with its ephemeral text pulled out. */
function readSlashAnswer(response: SignedResponse): SlashAnswer {
  if (response.text === '') return { status: response.status, text: '', reply: '' };
  let reply = response.text;
  try {
    const body = response.json();
    if (body !== null && typeof body === 'object') {
      const { text, blocks } = body as { text?: unknown; blocks?: unknown };
      reply = `${typeof text === 'string' ? text : ''}\n${blocks === undefined ? '' : JSON.stringify(blocks)}`;
    }
  } catch {
    // A plain-text answer is shown as is.
  }
  return { status: response.status, text: response.text, reply };
}

let serial = 0;

/** Gives a predicate a name, so a timed-out wait says what it waited for. */
function named(label: string, match: CallPredicate): CallPredicate {
  Object.defineProperty(match, 'name', { value: label });
  return match;
}

/**
 * Only calls made from now on: `const later = watchCalls(slack); …; await later.waitFor(pred)`.
 * The fake keeps every call of the suite, so a test looks only at what its own steps caused.
 */
export function watchCalls(slack: SlackHarness) {
  const before = new Set(slack.fake.calls);
  const fresh = (match: CallPredicate): CallPredicate => {
    const only = (call: FakeSlackCall) => !before.has(call) && match(call);
    Object.defineProperty(only, 'name', { value: match.name || 'fresh call' });
    return only;
  };
  return {
    fresh,
    calls: (match: CallPredicate) => slack.fake.calls.filter(fresh(match)),
    waitFor: (match: CallPredicate, count = 1) => slack.fake.waitFor(fresh(match), count),
  };
}

/** Sends `/incident <text>` (or another registered `command`) from a channel and reads the answer. */
export async function slashIn(
  slack: SlackHarness,
  channelId: string,
  userId: string,
  text: string,
  options: { command?: string; triggerId?: string } = {},
): Promise<SlashAnswer> {
  serial += 1;
  const response = await slack.send(
    slashCommand({
      command: options.command ?? COMMAND,
      text,
      userId,
      channelId,
      responseUrl: slack.fake.responseUrl(`slash-${serial}`),
      triggerId: options.triggerId ?? `trigger-slash-${serial}`,
    }),
  );
  return readSlashAnswer(response);
}

/** Sends `@bot <text>` from a channel. */
export function mentionIn(
  slack: SlackHarness,
  channelId: string,
  userId: string,
  text: string,
  options: { eventId?: string; retryNum?: number } = {},
): Promise<SignedResponse> {
  const request = eventCallback(appMentionEvent({ user: userId, text, channel: channelId }), options.eventId ? { eventId: options.eventId } : {});
  return slack.send(request, options.retryNum === undefined ? {} : { retryNum: options.retryNum, retryReason: 'http_timeout' });
}

export interface DeclareInput {
  readonly title: string;
  /** Slack id of who declares and presses the button. */
  readonly reporter: string;
  readonly severity?: string;
}

/**
 * Declares a live incident through the modal, presses "Create comms channel" and waits until the
 * channel is linked and every resulting Slack job has run.
 */
export async function declareWithChannel(slack: SlackHarness, input: DeclareInput): Promise<IncidentInChannel> {
  serial += 1;
  const n = serial;
  const values: Parameters<typeof viewSubmission>[0]['values'] = {
    kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
    title: { title: { type: 'plain_text_input', value: input.title } },
  };
  if (input.severity) values.severity = { severity: { type: 'static_select', selected_option: { value: input.severity } } };
  const declared = await slack.send(
    viewSubmission({
      callbackId: 'incident.declare',
      userId: input.reporter,
      viewId: `V0SCENARIO${n}`,
      privateMetadata: JSON.stringify({ channelId: 'C0TEAM' }),
      values,
    }),
  );
  if (declared.status !== 200 || declared.text !== '') throw new Error(`declare was refused: ${declared.status} ${declared.text}`);
  const { items } = await slack.app.incidents.list({ limit: 100, text: input.title });
  const incident = items.find((i) => i.title === input.title);
  if (!incident) throw new Error(`no incident titled "${input.title}" after declaring it`);

  const slug = slugify(input.title);
  const pressed = await slack.send(
    blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: input.reporter, channelId: 'C0INCIDENTS', triggerId: `trigger-create-${n}` }),
  );
  if (pressed.status !== 200) throw new Error(`create-channel press answered ${pressed.status}`);
  await slack.fake.waitFor((c) => deliveredTo('conversations.create')(c) && String(c.params.name).endsWith(`-${slug}`));
  await slack.app.worker.idle();

  const linked = await slack.app.incidents.get(incident.id);
  if (!linked.channel) throw new Error(`${linked.reference} has no channel after the create-channel job ran`);
  const headline = await slack.app.store.slackMessages.find(linked.id, 'headline');
  if (!headline) throw new Error(`${linked.reference} was never announced`);
  const channelId = linked.channel.id;

  const inChannel = (method: string) => (c: FakeSlackCall) => deliveredTo(method)(c) && c.params.channel === channelId;
  const channelMessages = () => slack.fake.messagesIn(channelId);
  let seen = new Set(slack.fake.calls);

  return {
    id: linked.id,
    reference: linked.reference,
    title: linked.title,
    channelId,
    headline: { channelId: headline.channelId, ts: headline.ts },
    current: () => slack.app.incidents.get(linked.id),
    mention: (userId, text, options) => mentionIn(slack, channelId, userId, text, options),
    slash: (userId, text, options) => slashIn(slack, channelId, userId, text, options),
    channelMessages,
    channelMessagesMatching: (pattern) => channelMessages().filter((m) => pattern.test(messageText(m))),
    ephemeralsFor: (userId) => slack.fake.state.ephemerals.filter((e) => e.channel === channelId && e.user === userId),
    headlineBlocks() {
      const message = slack.fake.messagesIn(headline.channelId).find((m) => m.ts === headline.ts);
      return JSON.stringify(message?.blocks ?? null);
    },
    headlineUpdates: () =>
      slack.fake.calls.filter((c) => deliveredTo('chat.update')(c) && c.params.channel === headline.channelId && c.params.ts === headline.ts),
    channelPost: (pattern) => named(`channelPost(${String(pattern)})`, (c) => inChannel('chat.postMessage')(c) && pattern.test(callText(c))),
    ephemeralTo: (userId, pattern) =>
      named(`ephemeralTo(${userId}, ${String(pattern)})`, (c) => inChannel('chat.postEphemeral')(c) && c.params.user === userId && (!pattern || pattern.test(callText(c)))),
    headlineUpdate: (pattern) =>
      named(
        `headlineUpdate(${String(pattern)})`,
        (c) => deliveredTo('chat.update')(c) && c.params.channel === headline.channelId && c.params.ts === headline.ts && (!pattern || pattern.test(callText(c))),
      ),
    async settled(match, count = 1) {
      const since = seen;
      const fresh = (c: FakeSlackCall) => !since.has(c) && match(c);
      Object.defineProperty(fresh, 'name', { value: match.name || 'settled' });
      const calls = await slack.fake.waitFor(fresh, count);
      await slack.app.worker.idle();
      seen = new Set(slack.fake.calls);
      return calls;
    },
  };
}
