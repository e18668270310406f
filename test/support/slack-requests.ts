/**
 * Requests exactly as Slack sends them to the app's `POST /slack/events`: slash commands and
 * interactivity payloads form-encoded, Events API callbacks as JSON, each signed with Slack's v0
 * scheme (`v0:<timestamp>:<raw body>`, HMAC-SHA256 with the signing secret, hex).
 *
 *   const req = slashCommand({ command: '/incident', text: 'declare db down', userId: 'UALICE', channelId: 'C0GENERAL' });
 *   const res = await signedFetch(app.baseUrl, req, { signingSecret });
 *
 * Identities default to the fake workspace's (team T0TEAM, bot UBOT, app A0FAKEAPP).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FAKE_SLACK_DEFAULTS, permalinkFor, type JsonValue } from './fake-slack.js';

export type SlackContentType = 'application/x-www-form-urlencoded' | 'application/json';

/** A request body ready to send, with the decoded payload for assertions. */
export interface SlackRequest<P> {
  readonly contentType: SlackContentType;
  readonly body: string;
  readonly payload: P;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

let serial = 0;

/** Unique, Slack-looking ids: triggers are `<13 digits>.<10 digits>.<32 hex>`. */
function nextSerial(): number {
  serial += 1;
  return serial;
}

function newTriggerId(): string {
  return `${String(1_700_000_000_000 + nextSerial())}.${String(1_000_000_000 + nextSerial())}.${randomBytes(16).toString('hex')}`;
}

/** A Slack-style ts (`seconds.micros`) near now, distinct on each call. */
function newTs(): string {
  const seconds = Math.floor(Date.now() / 1000);
  return `${seconds}.${String(nextSerial() % 1_000_000).padStart(6, '0')}`;
}

function placeholderResponseUrl(teamId: string): string {
  // Unreachable with outbound network off: pass `fake.responseUrl()` to have replies recorded.
  return `https://hooks.slack.com/commands/${teamId}/${nextSerial()}/${randomBytes(12).toString('hex')}`;
}

function formBody(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(fields).toString();
}

function payloadRequest<P>(payload: P): SlackRequest<P> {
  return { contentType: 'application/x-www-form-urlencoded', body: formBody({ payload: JSON.stringify(payload) }), payload };
}

// ---------------------------------------------------------------------------------------------
// Slash commands
// ---------------------------------------------------------------------------------------------

export interface SlashCommandInput {
  command: string;
  text: string;
  userId: string;
  channelId: string;
  channelName?: string;
  userName?: string;
  triggerId?: string;
  responseUrl?: string;
  teamId?: string;
}

/** The form fields Slack posts for a slash command. */
export interface SlashCommandPayload {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: 'false';
  response_url: string;
  trigger_id: string;
}

/** A slash command invocation, form-encoded. */
export function slashCommand(input: SlashCommandInput): SlackRequest<SlashCommandPayload> {
  const teamId = input.teamId ?? FAKE_SLACK_DEFAULTS.teamId;
  const payload: SlashCommandPayload = {
    token: FAKE_SLACK_DEFAULTS.verificationToken,
    team_id: teamId,
    team_domain: FAKE_SLACK_DEFAULTS.teamDomain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? input.channelId.toLowerCase(),
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command,
    text: input.text,
    api_app_id: FAKE_SLACK_DEFAULTS.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl ?? placeholderResponseUrl(teamId),
    trigger_id: input.triggerId ?? newTriggerId(),
  };
  return { contentType: 'application/x-www-form-urlencoded', body: formBody({ ...payload }), payload };
}

// ---------------------------------------------------------------------------------------------
// Interactivity: block_actions, view_submission
// ---------------------------------------------------------------------------------------------

export interface PayloadUser {
  id: string;
  username: string;
  name: string;
  team_id: string;
}

export interface PayloadTeam {
  id: string;
  domain: string;
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  userId: string;
  userName?: string;
  /** The message's channel; without it the button sits in a modal (container type 'view'). */
  channelId?: string;
  channelName?: string;
  messageTs?: string;
  /** The message the button belongs to, as Slack echoes it back. */
  message?: { text?: string; blocks?: JsonValue[] };
  /** The modal's id when there is no channel. */
  viewId?: string;
  triggerId?: string;
  responseUrl?: string;
  blockId?: string;
  buttonText?: string;
  teamId?: string;
}

export interface ButtonAction {
  action_id: string;
  block_id: string;
  text: PlainText;
  value: string;
  type: 'button';
  action_ts: string;
}

export type BlockActionContainer =
  | { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: boolean }
  | { type: 'view'; view_id: string };

export interface BlockActionsPayload {
  type: 'block_actions';
  user: PayloadUser;
  api_app_id: string;
  token: string;
  container: BlockActionContainer;
  trigger_id: string;
  team: PayloadTeam;
  enterprise: null;
  is_enterprise_install: boolean;
  channel?: { id: string; name: string };
  message?: { type: 'message'; user: string; bot_id: string; app_id: string; text: string; ts: string; team: string; blocks: JsonValue[] };
  view?: { id: string; team_id: string; type: 'modal'; callback_id: string; private_metadata: string; blocks: JsonValue[]; state: { values: Record<string, never> }; hash: string; root_view_id: string; app_id: string; bot_id: string };
  state: { values: Record<string, never> };
  response_url?: string;
  actions: ButtonAction[];
}

function payloadUser(id: string, name: string | undefined, teamId: string): PayloadUser {
  const username = name ?? id.toLowerCase();
  return { id, username, name: username, team_id: teamId };
}

/** A button click, form-encoded as `payload=<json>`. */
export function blockAction(input: BlockActionInput): SlackRequest<BlockActionsPayload> {
  const teamId = input.teamId ?? FAKE_SLACK_DEFAULTS.teamId;
  const action: ButtonAction = {
    action_id: input.actionId,
    block_id: input.blockId ?? `block-${nextSerial()}`,
    text: { type: 'plain_text', text: input.buttonText ?? input.value, emoji: true },
    value: input.value,
    type: 'button',
    action_ts: newTs(),
  };
  const payload: BlockActionsPayload = {
    type: 'block_actions',
    user: payloadUser(input.userId, input.userName, teamId),
    api_app_id: FAKE_SLACK_DEFAULTS.appId,
    token: FAKE_SLACK_DEFAULTS.verificationToken,
    container: { type: 'view', view_id: input.viewId ?? `V0${nextSerial()}` },
    trigger_id: input.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: FAKE_SLACK_DEFAULTS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [action],
  };
  if (input.channelId !== undefined) {
    const ts = input.messageTs ?? newTs();
    payload.container = { type: 'message', message_ts: ts, channel_id: input.channelId, is_ephemeral: false };
    payload.channel = { id: input.channelId, name: input.channelName ?? input.channelId.toLowerCase() };
    payload.message = {
      type: 'message',
      user: FAKE_SLACK_DEFAULTS.botUserId,
      bot_id: FAKE_SLACK_DEFAULTS.botId,
      app_id: FAKE_SLACK_DEFAULTS.appId,
      text: input.message?.text ?? '',
      ts,
      team: teamId,
      blocks: input.message?.blocks ?? [],
    };
    payload.response_url = input.responseUrl ?? placeholderResponseUrl(teamId);
  } else {
    const viewId = payload.container.type === 'view' ? payload.container.view_id : '';
    payload.view = {
      id: viewId, team_id: teamId, type: 'modal', callback_id: '', private_metadata: '', blocks: [], state: { values: {} },
      hash: `${nextSerial()}.${randomBytes(4).toString('hex')}`, root_view_id: viewId, app_id: FAKE_SLACK_DEFAULTS.appId,
      bot_id: FAKE_SLACK_DEFAULTS.botId,
    };
  }
  return payloadRequest(payload);
}

/** An option as tests give it; the text defaults to the value. */
export interface OptionInput {
  value: string;
  text?: PlainText;
}

export interface Option {
  value: string;
  text: PlainText;
}

/** One input's state in `view.state.values[blockId][actionId]`, as tests give it. */
export interface ViewStateValueInput {
  type: string;
  value?: string | null;
  selected_option?: OptionInput | null;
  selected_options?: OptionInput[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_date?: string | null;
  selected_conversation?: string | null;
  selected_channel?: string | null;
}

export interface ViewStateValue extends Omit<ViewStateValueInput, 'selected_option' | 'selected_options'> {
  selected_option?: Option | null;
  selected_options?: Option[];
}

export type ViewStateValues<V> = Record<string, Record<string, V>>;

export interface ViewSubmissionInput {
  callbackId: string;
  userId: string;
  userName?: string;
  privateMetadata?: string;
  values: ViewStateValues<ViewStateValueInput>;
  viewId?: string;
  title?: string;
  blocks?: JsonValue[];
  triggerId?: string;
  teamId?: string;
}

export interface ViewSubmissionPayload {
  type: 'view_submission';
  team: PayloadTeam;
  user: PayloadUser;
  api_app_id: string;
  token: string;
  trigger_id: string;
  view: {
    id: string;
    team_id: string;
    type: 'modal';
    blocks: JsonValue[];
    private_metadata: string;
    callback_id: string;
    state: { values: ViewStateValues<ViewStateValue> };
    hash: string;
    title: PlainText;
    clear_on_close: boolean;
    notify_on_close: boolean;
    close: PlainText | null;
    submit: PlainText | null;
    previous_view_id: string | null;
    root_view_id: string;
    app_id: string;
    external_id: string;
    app_installed_team_id: string;
    bot_id: string;
  };
  response_urls: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
  is_enterprise_install: boolean;
  enterprise: null;
}

function option(input: OptionInput): Option {
  return { text: input.text ?? { type: 'plain_text', text: input.value, emoji: true }, value: input.value };
}

function stateValue(input: ViewStateValueInput): ViewStateValue {
  const { selected_option, selected_options, ...rest } = input;
  const out: ViewStateValue = { ...rest };
  if (selected_option !== undefined) out.selected_option = selected_option === null ? null : option(selected_option);
  if (selected_options !== undefined) out.selected_options = selected_options.map(option);
  return out;
}

/** A modal submitted, form-encoded as `payload=<json>`. */
export function viewSubmission(input: ViewSubmissionInput): SlackRequest<ViewSubmissionPayload> {
  const teamId = input.teamId ?? FAKE_SLACK_DEFAULTS.teamId;
  const viewId = input.viewId ?? `V0${nextSerial()}`;
  const values: ViewStateValues<ViewStateValue> = {};
  for (const [blockId, actions] of Object.entries(input.values)) {
    values[blockId] = Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, stateValue(value)]));
  }
  const payload: ViewSubmissionPayload = {
    type: 'view_submission',
    team: { id: teamId, domain: FAKE_SLACK_DEFAULTS.teamDomain },
    user: payloadUser(input.userId, input.userName, teamId),
    api_app_id: FAKE_SLACK_DEFAULTS.appId,
    token: FAKE_SLACK_DEFAULTS.verificationToken,
    trigger_id: input.triggerId ?? newTriggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: input.blocks ?? [],
      private_metadata: input.privateMetadata ?? '',
      callback_id: input.callbackId,
      state: { values },
      hash: `${nextSerial()}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: input.title ?? 'Modal', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: FAKE_SLACK_DEFAULTS.appId,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: FAKE_SLACK_DEFAULTS.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return payloadRequest(payload);
}

// ---------------------------------------------------------------------------------------------
// Events API
// ---------------------------------------------------------------------------------------------

export interface AppMentionEvent {
  type: 'app_mention';
  user: string;
  text: string;
  ts: string;
  channel: string;
  event_ts: string;
  thread_ts?: string;
  team: string;
}

export interface PinnedMessageItem {
  type: 'message';
  channel: string;
  created: number;
  created_by: string;
  message: { type: 'message'; user: string; text: string; ts: string; permalink: string; pinned_to: string[] };
}

export interface PinAddedEvent {
  type: 'pin_added';
  user: string;
  channel_id: string;
  item: PinnedMessageItem;
  item_user: string;
  pin_count: string;
  pinned_info: { channel: string; pinned_by: string; pinned_ts: number };
  event_ts: string;
}

export interface PinRemovedEvent extends Omit<PinAddedEvent, 'type'> {
  type: 'pin_removed';
  has_pins: boolean;
}

export interface ReactionAddedEvent {
  type: 'reaction_added';
  user: string;
  reaction: string;
  item_user: string;
  item: { type: 'message'; channel: string; ts: string };
  event_ts: string;
}

export interface EventAuthorization {
  enterprise_id: null;
  team_id: string;
  user_id: string;
  is_bot: boolean;
  is_enterprise_install: boolean;
}

export interface EventCallbackEnvelope<E> {
  token: string;
  team_id: string;
  api_app_id: string;
  event: E;
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: EventAuthorization[];
  is_ext_shared_channel: boolean;
  event_context: string;
}

/** An Events API delivery wrapping `event`, as JSON. */
export function eventCallback<E extends { type: string }>(
  event: E,
  options: { eventId?: string; eventTime?: number; teamId?: string } = {},
): SlackRequest<EventCallbackEnvelope<E>> {
  const teamId = options.teamId ?? FAKE_SLACK_DEFAULTS.teamId;
  const payload: EventCallbackEnvelope<E> = {
    token: FAKE_SLACK_DEFAULTS.verificationToken,
    team_id: teamId,
    api_app_id: FAKE_SLACK_DEFAULTS.appId,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: FAKE_SLACK_DEFAULTS.botUserId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(16).toString('base64url')}`,
  };
  return { contentType: 'application/json', body: JSON.stringify(payload), payload };
}

/** `@bot <text>`: the text gets a leading `<@UBOT>` unless it already mentions the bot. */
export function appMentionEvent(input: { user: string; text: string; channel: string; ts?: string; threadTs?: string; botUserId?: string }): AppMentionEvent {
  const mention = `<@${input.botUserId ?? FAKE_SLACK_DEFAULTS.botUserId}>`;
  const ts = input.ts ?? newTs();
  const event: AppMentionEvent = {
    type: 'app_mention',
    user: input.user,
    text: input.text.includes(mention) ? input.text : `${mention} ${input.text}`,
    ts,
    channel: input.channel,
    event_ts: ts,
    team: FAKE_SLACK_DEFAULTS.teamId,
  };
  if (input.threadTs !== undefined) event.thread_ts = input.threadTs;
  return event;
}

export interface PinEventInput {
  /** Who pinned (or unpinned). */
  user: string;
  channel: string;
  /** The pinned message. */
  message: { user: string; text: string; ts: string };
  permalink?: string;
  eventTs?: string;
}

function pinEvent(input: PinEventInput): Omit<PinAddedEvent, 'type'> {
  const eventTs = input.eventTs ?? newTs();
  const created = Math.floor(Number(eventTs));
  return {
    user: input.user,
    channel_id: input.channel,
    item: {
      type: 'message',
      channel: input.channel,
      created,
      created_by: input.user,
      message: {
        type: 'message',
        user: input.message.user,
        text: input.message.text,
        ts: input.message.ts,
        permalink: input.permalink ?? permalinkFor(input.channel, input.message.ts),
        pinned_to: [input.channel],
      },
    },
    item_user: input.message.user,
    pin_count: '1',
    pinned_info: { channel: input.channel, pinned_by: input.user, pinned_ts: created },
    event_ts: eventTs,
  };
}

/** A message pinned in a channel. */
export function pinAddedEvent(input: PinEventInput): PinAddedEvent {
  return { type: 'pin_added', ...pinEvent(input) };
}

/** A message unpinned. */
export function pinRemovedEvent(input: PinEventInput & { hasPins?: boolean }): PinRemovedEvent {
  return { type: 'pin_removed', ...pinEvent(input), has_pins: input.hasPins ?? false };
}

/** An emoji reaction added to a message. */
export function reactionAddedEvent(input: { user: string; reaction: string; channel: string; ts: string; itemUser?: string; eventTs?: string }): ReactionAddedEvent {
  return {
    type: 'reaction_added',
    user: input.user,
    reaction: input.reaction,
    item_user: input.itemUser ?? FAKE_SLACK_DEFAULTS.botUserId,
    item: { type: 'message', channel: input.channel, ts: input.ts },
    event_ts: input.eventTs ?? newTs(),
  };
}

export interface UrlVerificationPayload {
  type: 'url_verification';
  token: string;
  challenge: string;
}

/** The handshake Slack sends when the Request URL is saved. */
export function urlVerification(challenge: string): SlackRequest<UrlVerificationPayload> {
  const payload: UrlVerificationPayload = { type: 'url_verification', token: FAKE_SLACK_DEFAULTS.verificationToken, challenge };
  return { contentType: 'application/json', body: JSON.stringify(payload), payload };
}

// ---------------------------------------------------------------------------------------------
// Signing and sending
// ---------------------------------------------------------------------------------------------

/** Slack's v0 signature of `body` at `timestamp` (seconds): `v0=<hex HMAC-SHA256>`. */
export function signSlackRequest(body: string, signingSecret: string, timestamp: number): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignOptions {
  signingSecret: string;
  /** Defaults to the request's own content type (or JSON for a raw string starting with `{`). */
  contentType?: SlackContentType;
  /** Seconds since the epoch that are signed and sent; defaults to now. */
  timestamp?: number;
  /** Sent instead of the computed signature; null leaves the header out. */
  signature?: string | null;
  /** Sent instead of the signed timestamp; null leaves the header out. */
  timestampHeader?: string | null;
  retryNum?: number;
  retryReason?: string;
}

/** The headers Slack sends with `request`: content type, timestamp, signature and retry marks. */
export function signedHeaders(request: string | SlackRequest<unknown>, options: SignOptions): Record<string, string> {
  const body = typeof request === 'string' ? request : request.body;
  const contentType =
    options.contentType ??
    (typeof request === 'string' ? (request.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded') : request.contentType);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType };
  const timestampHeader = options.timestampHeader === undefined ? String(timestamp) : options.timestampHeader;
  if (timestampHeader !== null) headers['x-slack-request-timestamp'] = timestampHeader;
  const signature = options.signature === undefined ? signSlackRequest(body, options.signingSecret, timestamp) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['x-slack-retry-reason'] = options.retryReason;
  return headers;
}

export interface SignedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json(): unknown;
  readonly elapsedMs: number;
}

/** Signs `request` and POSTs it to `${baseUrl}/slack/events`, timing the round trip. */
export async function signedFetch(baseUrl: string, request: string | SlackRequest<unknown>, options: SignOptions): Promise<SignedResponse> {
  const body = typeof request === 'string' ? request : request.body;
  const started = performance.now();
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/slack/events`, {
    method: 'POST',
    headers: signedHeaders(request, options),
    body,
    redirect: 'manual',
  });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown, elapsedMs };
}
