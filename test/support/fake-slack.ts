/**
 * A fake Slack Web API for end-to-end tests: a real HTTP server on 127.0.0.1 that speaks Slack's
 * wire format (form-encoded or JSON `POST /api/<method>`, `Authorization: Bearer xoxb-…`, JSON
 * `{ ok, … }` answers with HTTP 200), keeps a small workspace in memory, records every call and
 * lets a test inject the failures real Slack produces (429 + Retry-After, 5xx, outages, hangs).
 *
 * Point the app at it with `SLACK_API_URL = fake.apiUrl` (WebClient's `slackApiUrl`).
 *
 * Faithful quirks worth knowing (they are Slack's, kept on purpose):
 * - conversations.history leaves out message `metadata` unless `include_all_metadata=true`.
 * - users.lookupByEmail fails with `users_not_found` (plural), users.info with `user_not_found`.
 * - A trigger_id can open one view: a second views.open/push with it gets `exchanged_trigger_id`.
 * - JSON bodies must carry the token in the Authorization header (`not_authed` otherwise).
 * - `delay` holds back the answer, not the effect: like a slow network, a call that times out on
 *   the client side has still happened here (retries then show up as duplicates).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The identities the fake workspace and the request builders agree on. */
export const FAKE_SLACK_DEFAULTS = {
  botUserId: 'UBOT',
  botId: 'BBOT',
  botName: 'incident-bot',
  teamId: 'T0TEAM',
  teamName: 'Fake Team',
  teamDomain: 'fake',
  url: 'https://fake.slack.com/',
  appId: 'A0FAKEAPP',
  verificationToken: 'fake-verification-token',
} as const;

export interface FakeSlackOptions {
  botUserId?: string;
  botId?: string;
  botName?: string;
  teamId?: string;
  teamName?: string;
  /** Workspace URL, used by auth.test and permalinks. Ends with `/`. */
  url?: string;
  users?: readonly FakeUserInput[];
  channels?: readonly FakeChannelInput[];
  /**
   * When false (the default) a well-formed unknown channel id (`C…`/`G…`) is created on first use,
   * so tests need not seed every channel a slash command comes from. True: `channel_not_found`.
   */
  strictChannels?: boolean;
  /** Accepted tokens; by default any `xoxb-`/`xoxp-` token is. */
  tokens?: readonly string[];
  /** Milliseconds since the epoch, for `at`, rate limits and `created` fields. */
  clock?: () => number;
  /** Safety timeout of `waitFor` / `waitForResponses` (default 5000 ms). */
  waitTimeoutMs?: number;
  /** The ts handed out first (default '1700000000.000100'); later ones step 100 µs. */
  firstTs?: string;
  /** The WebSocket URL `apps.connections.open` hands out (Socket Mode), e.g. a test's ws server. */
  socketModeUrl?: string;
}

export type FakeSlackFault =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  | { error: string }
  | { hang: true };

export interface FakeSlackCall {
  readonly method: string;
  /** Parsed params; JSON-string fields (blocks, attachments, view, metadata) are parsed. No token. */
  readonly params: JsonObject;
  readonly token: string | undefined;
  /** Arrival time from the fake's clock (ms). */
  readonly at: number;
  /** True when the fake refused the call without acting on it (down, injected fault, rate limit). */
  readonly rejected: boolean;
  /** Why: 'down', 'ratelimited', 'http_500', 'hang' or the injected error code. */
  readonly rejection?: string;
  /** What was answered; undefined until then (for ever, for a hung call). */
  readonly response?: { readonly status: number; readonly body: JsonObject };
}

export interface FakeSlackResponsePost {
  /** The id in `/response/<id>`. */
  readonly id: string;
  readonly body: JsonValue;
  readonly at: number;
  readonly rejected: boolean;
}

export interface FakeUserInput {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
  tz?: string;
}

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  readonly email: string | undefined;
  readonly isBot: boolean;
  readonly deleted: boolean;
  readonly tz: string;
}

export interface FakeChannelInput {
  id?: string;
  name: string;
  isPrivate?: boolean;
  members?: readonly string[];
  topic?: string;
  purpose?: string;
  creator?: string;
  archived?: boolean;
}

export interface FakeBookmark {
  readonly id: string;
  readonly channelId: string;
  readonly title: string;
  readonly type: string;
  readonly link: string | undefined;
  readonly emoji: string | undefined;
  readonly created: number;
}

export interface FakeChannel {
  readonly id: string;
  name: string;
  readonly isPrivate: boolean;
  readonly isIm: boolean;
  readonly isMpim: boolean;
  /** The other party of a DM. */
  readonly user: string | undefined;
  readonly creator: string;
  readonly created: number;
  topic: string;
  purpose: string;
  members: string[];
  bookmarks: FakeBookmark[];
  /** ts of pinned messages. */
  pins: string[];
  archived: boolean;
  previousNames: string[];
}

export interface FakeMessageInput {
  user?: string;
  text: string;
  ts?: string;
  threadTs?: string;
  blocks?: JsonValue;
  metadata?: JsonValue;
  botId?: string;
  subtype?: string;
}

export interface FakeMessage {
  readonly channel: string;
  readonly ts: string;
  readonly user: string | undefined;
  readonly botId: string | undefined;
  readonly subtype: string | undefined;
  text: string;
  blocks: JsonValue | undefined;
  attachments: JsonValue | undefined;
  metadata: JsonValue | undefined;
  readonly threadTs: string | undefined;
  readonly replyBroadcast: boolean;
  edited: { readonly user: string; readonly ts: string } | undefined;
  reactions: { name: string; users: string[] }[];
}

export interface FakeEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks: JsonValue | undefined;
  readonly threadTs: string | undefined;
}

export interface FakeView {
  readonly id: string;
  readonly type: string;
  readonly callbackId: string;
  readonly privateMetadata: string;
  readonly externalId: string;
  readonly hash: string;
  readonly rootViewId: string;
  readonly previousViewId: string | null;
  /** The `view` argument as sent (parsed). */
  readonly definition: JsonObject;
}

export interface FakeSlackState {
  readonly channels: ReadonlyMap<string, FakeChannel>;
  /** Per channel id, oldest first, thread replies included. */
  readonly messages: ReadonlyMap<string, readonly FakeMessage[]>;
  readonly ephemerals: readonly FakeEphemeral[];
  /** Current state of every view, by id. */
  readonly views: ReadonlyMap<string, FakeView>;
  /** Snapshots of views as views.open / views.push received them, in order. */
  readonly viewsOpened: readonly FakeView[];
  readonly users: ReadonlyMap<string, FakeUser>;
}

export type CallMatcher = string | ((call: FakeSlackCall) => boolean);

export interface FakeSlack {
  /** `http://127.0.0.1:<port>/api/` — the WebClient `slackApiUrl`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly calls: readonly FakeSlackCall[];
  readonly responses: readonly FakeSlackResponsePost[];
  readonly state: FakeSlackState;
  /** Every call to `method`, refused ones included. */
  callsTo(method: string): FakeSlackCall[];
  /** Resolves with the first `count` calls matching (a method name matches refused calls too). */
  waitFor(match: CallMatcher, count?: number, options?: { timeoutMs?: number }): Promise<FakeSlackCall[]>;
  /** Resolves once `count` posts to response URLs (matching `predicate`) have arrived. */
  waitForResponses(count?: number, predicate?: (post: FakeSlackResponsePost) => boolean, options?: { timeoutMs?: number }): Promise<FakeSlackResponsePost[]>;
  /** A response_url served by this fake: `http://127.0.0.1:<port>/response/<id>`. */
  responseUrl(id?: string): string;
  addUser(user: FakeUserInput): FakeUser;
  addChannel(channel: FakeChannelInput): FakeChannel;
  /** Seeds a message as if posted by someone (default user 'USEED'); returns it. */
  addMessage(channel: string, message: FakeMessageInput): FakeMessage;
  channelByName(name: string): FakeChannel | undefined;
  /** Messages in a channel (id or name), oldest first. */
  messagesIn(channel: string): readonly FakeMessage[];
  /** Holds every answer (or only `method`'s) for `ms`; a per-method delay overrides the global one. 0 clears. */
  delay(ms: number, method?: string): void;
  /** The next `count` calls to `method` ('*' for any, 'response_url' for response URLs) fail with `fault`. */
  failNext(method: string, count: number, fault: FakeSlackFault): void;
  /** Every API and response_url call gets HTTP 503 until `up()`; they are recorded as rejected. */
  down(): void;
  up(): void;
  /** At most `perMinute` accepted calls to `method` in any sliding minute; the rest get 429. null lifts it. */
  rateLimit(method: string, perMinute: number | null): void;
  /**
   * Slack's published limits for the methods the app calls: each method's tier (Tier 2: 20 a
   * minute, Tier 3: 50, Tier 4: 100) and chat.postMessage's one message a second per channel
   * (a short burst allowed). Refusals are 429 with Retry-After, as Slack answers. `reset()` lifts them.
   */
  enforceSlackRateLimits(): void;
  /** Every `n`th API call, whatever its method, is refused with 429 and `Retry-After: retryAfter` s; null stops it. */
  throttleEvery(n: number | null, retryAfter?: number): void;
  /** Adds between 0 and `ms` more to every answer's delay (a seeded sequence, so a run repeats). 0 clears. */
  jitter(ms: number): void;
  /** Forgets recorded calls and responses and lifts every fault; the workspace state stays. */
  reset(): void;
  /** Ends every open socket (hung calls included), pending waits and the server. */
  close(): Promise<void>;
}

/** The permalink Slack gives a message: `<url>archives/<channel>/p<ts without the dot>`. */
export function permalinkFor(channel: string, ts: string, url: string = FAKE_SLACK_DEFAULTS.url): string {
  return `${url}archives/${channel}/p${ts.replace('.', '')}`;
}

/** Keeps only calls the fake acted on: `fake.waitFor(deliveredTo('chat.postMessage'))`. */
export function deliveredTo(method: string): (call: FakeSlackCall) => boolean {
  const match = (call: FakeSlackCall) => call.method === method && !call.rejected;
  Object.defineProperty(match, 'name', { value: `deliveredTo(${method})` });
  return match;
}

// ---------------------------------------------------------------------------------------------
// The workspace: Slack's methods over in-memory state.
// ---------------------------------------------------------------------------------------------

class SlackFailure extends Error {
  constructor(
    readonly code: string,
    readonly extra: JsonObject = {},
  ) {
    super(code);
  }
}

const fail = (code: string, extra?: JsonObject) => new SlackFailure(code, extra);

/** Typed access to one call's params, with Slack's loose form-encoded scalars. */
class Params {
  constructor(readonly raw: JsonObject) {}

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  required(key: string, error = 'invalid_arguments'): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw fail(error);
    return value;
  }

  bool(key: string): boolean {
    const value = this.raw[key];
    return value === true || value === 1 || value === 'true' || value === '1';
  }

  int(key: string, fallback: number): number {
    const value = this.string(key);
    if (value === undefined || value === '') return fallback;
    const n = Number.parseInt(value, 10);
    if (Number.isNaN(n)) throw fail('invalid_arguments');
    return n;
  }

  list(key: string): string[] {
    return (this.string(key) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
}

/** Slack ts as integer microseconds, so comparisons do not suffer float rounding. */
function parseTs(ts: string | undefined): number | undefined {
  if (ts === undefined || !/^\d+(\.\d*)?$/.test(ts)) return undefined;
  const [seconds = '0', fraction = ''] = ts.split('.');
  return Number(seconds) * 1e6 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  return `${seconds}.${String(micros - seconds * 1e6).padStart(6, '0')}`;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64');

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw fail('invalid_cursor');
  return Number(match[1]);
}

function page<T>(items: readonly T[], params: Params, defaultLimit: number): { items: T[]; nextCursor: string } {
  const offset = decodeCursor(params.string('cursor'));
  const limit = Math.min(Math.max(params.int('limit', defaultLimit) || defaultLimit, 1), 1000);
  const slice = items.slice(offset, offset + limit);
  return { items: slice, nextCursor: offset + limit < items.length ? encodeCursor(offset + limit) : '' };
}

function validateChannelName(name: string | undefined): string {
  if (name === undefined || name === '') throw fail('invalid_name_required');
  if (name.length > 80) throw fail('invalid_name_maxlength');
  if (!/^[a-z0-9_-]+$/.test(name)) throw fail('invalid_name_specials');
  if (/^[-_]+$/.test(name)) throw fail('invalid_name_punctuation');
  return name;
}

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Handler = (params: Params, token: string) => JsonObject;

interface WorkspaceConfig {
  botUserId: string;
  botId: string;
  botName: string;
  teamId: string;
  teamName: string;
  url: string;
  strictChannels: boolean;
  clock: () => number;
  firstTs: string;
  socketModeUrl: string | undefined;
}

class FakeWorkspace {
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly ephemerals: FakeEphemeral[] = [];
  readonly views = new Map<string, FakeView>();
  readonly viewsOpened: FakeView[] = [];
  readonly users = new Map<string, FakeUser>();
  private readonly topicSetters = new Map<string, { topic?: string; purpose?: string }>();
  private readonly usedTriggers = new Set<string>();
  private lastTs: number;
  private serial = 0;

  constructor(private readonly config: WorkspaceConfig) {
    this.lastTs = (parseTs(config.firstTs) ?? 1_700_000_000_000_100) - 100;
    this.addUser({ id: config.botUserId, name: config.botName, realName: 'Incident Bot', isBot: true });
  }

  private nextId(prefix: string): string {
    this.serial += 1;
    return `${prefix}${this.serial.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  private nextTs(): string {
    this.lastTs += 100;
    return formatTs(this.lastTs);
  }

  private nowSeconds(): number {
    return Math.floor(this.config.clock() / 1000);
  }

  addUser(input: FakeUserInput): FakeUser {
    const user: FakeUser = {
      id: input.id,
      name: input.name,
      realName: input.realName ?? input.name,
      email: input.email,
      isBot: input.isBot ?? false,
      deleted: input.deleted ?? false,
      tz: input.tz ?? 'Europe/London',
    };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(input: FakeChannelInput): FakeChannel {
    const name = validateChannelName(input.name);
    if (this.channelByName(name)) throw new Error(`fake Slack: channel #${name} exists already`);
    const creator = input.creator ?? this.config.botUserId;
    const channel: FakeChannel = {
      id: input.id ?? this.nextId('C0'),
      name,
      isPrivate: input.isPrivate ?? false,
      isIm: false,
      isMpim: false,
      user: undefined,
      creator,
      created: this.nowSeconds(),
      topic: input.topic ?? '',
      purpose: input.purpose ?? '',
      members: [...(input.members ?? [creator])],
      bookmarks: [],
      pins: [],
      archived: input.archived ?? false,
      previousNames: [],
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  addMessage(channelRef: string, input: FakeMessageInput): FakeMessage {
    const channel = this.resolveChannel(channelRef);
    let ts = input.ts;
    if (ts === undefined) ts = this.nextTs();
    else this.lastTs = Math.max(this.lastTs, parseTs(ts) ?? this.lastTs);
    return this.store({
      channel: channel.id,
      ts,
      user: input.user ?? (input.botId ? undefined : 'USEED'),
      botId: input.botId,
      subtype: input.subtype,
      text: input.text,
      blocks: input.blocks,
      attachments: undefined,
      metadata: input.metadata,
      threadTs: input.threadTs,
      replyBroadcast: false,
      edited: undefined,
      reactions: [],
    });
  }

  private store(message: FakeMessage): FakeMessage {
    const list = this.messages.get(message.channel) ?? [];
    list.push(message);
    list.sort((a, b) => (parseTs(a.ts) ?? 0) - (parseTs(b.ts) ?? 0));
    this.messages.set(message.channel, list);
    return message;
  }

  channelByName(name: string): FakeChannel | undefined {
    const bare = name.replace(/^#/, '');
    for (const channel of this.channels.values()) if (!channel.isIm && channel.name === bare) return channel;
    return undefined;
  }

  /** A channel by id or name; unknown well-formed ids are created unless strict. */
  resolveChannel(ref: string | undefined): FakeChannel {
    if (ref === undefined || ref === '') throw fail('channel_not_found');
    const known = this.channels.get(ref) ?? (CHANNEL_ID.test(ref) ? undefined : this.channelByName(ref));
    if (known) return known;
    if (!this.config.strictChannels && /^[CG][A-Z0-9]{2,}$/.test(ref)) {
      return this.addChannel({ id: ref, name: ref.toLowerCase(), members: [this.config.botUserId] });
    }
    throw fail('channel_not_found');
  }

  private openDm(userId: string): { channel: FakeChannel; existed: boolean } {
    const id = `D${userId}`;
    const existing = this.channels.get(id);
    if (existing) return { channel: existing, existed: true };
    const channel: FakeChannel = {
      id, name: id, isPrivate: true, isIm: true, isMpim: false, user: userId, creator: this.config.botUserId,
      created: this.nowSeconds(), topic: '', purpose: '', members: [this.config.botUserId, userId],
      bookmarks: [], pins: [], archived: false, previousNames: [],
    };
    this.channels.set(id, channel);
    this.messages.set(id, []);
    return { channel, existed: false };
  }

  private findMessage(channel: FakeChannel, ts: string | undefined): FakeMessage {
    const message = (this.messages.get(channel.id) ?? []).find((m) => m.ts === ts);
    if (!message) throw fail('message_not_found');
    return message;
  }

  private userExists(id: string): boolean {
    return this.users.has(id) || USER_ID.test(id);
  }

  // --- presenters: the JSON shapes Slack answers with ---

  presentChannel(c: FakeChannel): JsonObject {
    if (c.isIm) {
      return { id: c.id, created: c.created, is_im: true, is_org_shared: false, user: c.user ?? null, is_user_deleted: false, priority: 0 };
    }
    const setters = this.topicSetters.get(c.id) ?? {};
    return {
      id: c.id,
      name: c.name,
      name_normalized: c.name,
      is_channel: !c.isMpim,
      is_group: false,
      is_im: false,
      is_mpim: c.isMpim,
      is_private: c.isPrivate,
      created: c.created,
      is_archived: c.archived,
      is_general: false,
      unlinked: 0,
      is_shared: false,
      is_org_shared: false,
      is_ext_shared: false,
      is_pending_ext_shared: false,
      context_team_id: this.config.teamId,
      creator: c.creator,
      is_member: c.members.includes(this.config.botUserId),
      topic: { value: c.topic, creator: setters.topic ?? '', last_set: 0 },
      purpose: { value: c.purpose, creator: setters.purpose ?? '', last_set: 0 },
      previous_names: [...c.previousNames],
      num_members: c.members.length,
    };
  }

  presentMessage(m: FakeMessage, includeMetadata: boolean): JsonObject {
    const out: JsonObject = { type: 'message' };
    if (m.subtype !== undefined) out.subtype = m.subtype;
    if (m.user !== undefined) out.user = m.user;
    if (m.botId !== undefined) {
      out.bot_id = m.botId;
      out.app_id = FAKE_SLACK_DEFAULTS.appId;
    }
    out.text = m.text;
    out.ts = m.ts;
    out.team = this.config.teamId;
    if (m.blocks !== undefined) out.blocks = m.blocks;
    if (m.attachments !== undefined) out.attachments = m.attachments;
    if (m.threadTs !== undefined) out.thread_ts = m.threadTs;
    const replies = (this.messages.get(m.channel) ?? []).filter((r) => r.threadTs === m.ts && r.ts !== m.ts);
    const last = replies.at(-1);
    if (last) {
      out.thread_ts = m.ts;
      out.reply_count = replies.length;
      out.reply_users = [...new Set(replies.map((r) => r.user ?? r.botId ?? ''))];
      out.latest_reply = last.ts;
    }
    if (m.edited) out.edited = { user: m.edited.user, ts: m.edited.ts };
    if (m.reactions.length > 0) out.reactions = m.reactions.map((r) => ({ name: r.name, users: [...r.users], count: r.users.length }));
    if (this.channels.get(m.channel)?.pins.includes(m.ts)) out.pinned_to = [m.channel];
    if (includeMetadata && m.metadata !== undefined) out.metadata = m.metadata;
    return out;
  }

  presentUser(u: FakeUser): JsonObject {
    const profile: JsonObject = {
      real_name: u.realName,
      real_name_normalized: u.realName,
      display_name: u.name,
      display_name_normalized: u.name,
      team: this.config.teamId,
      image_48: `https://fake.slack.com/avatars/${u.id}_48.png`,
    };
    if (u.email !== undefined) profile.email = u.email;
    if (u.isBot && u.id === this.config.botUserId) profile.bot_id = this.config.botId;
    return {
      id: u.id, team_id: this.config.teamId, name: u.name, deleted: u.deleted, real_name: u.realName,
      tz: u.tz, tz_label: u.tz, tz_offset: 0, profile, is_admin: false, is_owner: false, is_bot: u.isBot,
      is_app_user: false, updated: 0,
    };
  }

  private presentView(v: FakeView): JsonObject {
    return {
      ...v.definition,
      id: v.id,
      team_id: this.config.teamId,
      type: v.type,
      callback_id: v.callbackId,
      private_metadata: v.privateMetadata,
      external_id: v.externalId,
      state: { values: {} },
      hash: v.hash,
      root_view_id: v.rootViewId,
      previous_view_id: v.previousViewId,
      app_id: FAKE_SLACK_DEFAULTS.appId,
      bot_id: this.config.botId,
    };
  }

  // --- Slack methods ---

  readonly handlers: Readonly<Record<string, Handler>> = {
    'auth.test': () => ({
      url: this.config.url, team: this.config.teamName, user: this.config.botName, team_id: this.config.teamId,
      user_id: this.config.botUserId, bot_id: this.config.botId, is_enterprise_install: false,
    }),
    'chat.postMessage': (p) => this.postMessage(p),
    // Socket Mode: the app-level token asks where to connect.
    'apps.connections.open': () => {
      if (!this.config.socketModeUrl) throw new SlackFailure('invalid_auth');
      return { url: this.config.socketModeUrl };
    },
    'chat.update': (p) => this.updateMessage(p),
    'chat.delete': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const message = this.findMessage(channel, p.string('ts'));
      if (message.user !== this.config.botUserId) throw fail('cant_delete_message');
      const list = this.messages.get(channel.id) ?? [];
      list.splice(list.indexOf(message), 1);
      return { channel: channel.id, ts: message.ts };
    },
    'chat.postEphemeral': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const user = p.required('user', 'user_not_in_channel');
      const { text, blocks } = this.messageContent(p);
      const ts = this.nextTs();
      this.ephemerals.push({ channel: channel.id, user, ts, text, blocks, threadTs: p.string('thread_ts') });
      return { message_ts: ts };
    },
    'chat.getPermalink': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const message = this.findMessage(channel, p.required('message_ts', 'message_not_found'));
      return { channel: channel.id, permalink: permalinkFor(channel.id, message.ts, this.config.url) };
    },
    'views.open': (p) => ({ view: this.presentView(this.openView(p, false)) }),
    'views.push': (p) => ({ view: this.presentView(this.openView(p, true)) }),
    'views.update': (p) => ({ view: this.presentView(this.updateView(p)) }),
    'conversations.create': (p) => {
      const name = validateChannelName(p.string('name'));
      if (this.channelByName(name)) throw fail('name_taken');
      const channel = this.addChannel({ name, isPrivate: p.bool('is_private') });
      return { channel: this.presentChannel(channel) };
    },
    'conversations.rename': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const name = validateChannelName(p.string('name'));
      const holder = this.channelByName(name);
      if (holder && holder !== channel) throw fail('name_taken');
      if (channel.archived) throw fail('is_archived');
      if (channel.name !== name) channel.previousNames.unshift(channel.name);
      channel.name = name;
      return { channel: this.presentChannel(channel) };
    },
    'conversations.invite': (p) => this.invite(p),
    'conversations.setTopic': (p) => this.setText(p, 'topic'),
    'conversations.setPurpose': (p) => this.setText(p, 'purpose'),
    'conversations.archive': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      if (channel.isIm) throw fail('method_not_supported_for_channel_type');
      if (channel.archived) throw fail('already_archived');
      channel.archived = true;
      return {};
    },
    'conversations.info': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      return { channel: this.presentChannel(channel) };
    },
    'conversations.members': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const { items, nextCursor } = page(channel.members, p, 100);
      return { members: items, response_metadata: { next_cursor: nextCursor } };
    },
    'conversations.list': (p) => {
      const types = new Set(p.list('types').length > 0 ? p.list('types') : ['public_channel']);
      const matching = [...this.channels.values()].filter((c) => {
        if (p.bool('exclude_archived') && c.archived) return false;
        if (c.isIm) return types.has('im');
        if (c.isMpim) return types.has('mpim');
        return types.has(c.isPrivate ? 'private_channel' : 'public_channel');
      });
      const { items, nextCursor } = page(matching, p, 100);
      return { channels: items.map((c) => this.presentChannel(c)), response_metadata: { next_cursor: nextCursor } };
    },
    'conversations.history': (p) => this.history(p),
    'conversations.replies': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const ts = p.required('ts', 'thread_not_found');
      const thread = (this.messages.get(channel.id) ?? []).filter((m) => m.ts === ts || m.threadTs === ts);
      if (!thread.some((m) => m.ts === ts)) throw fail('thread_not_found');
      const { items, nextCursor } = page(thread, p, 1000);
      return {
        messages: items.map((m) => this.presentMessage(m, p.bool('include_all_metadata'))),
        has_more: nextCursor !== '',
        response_metadata: { next_cursor: nextCursor },
      };
    },
    'conversations.open': (p) => {
      const existingId = p.string('channel');
      if (existingId !== undefined) return { channel: this.presentChannel(this.resolveChannel(existingId)) };
      const users = p.list('users');
      if (users.length === 0) throw fail('users_list_not_supplied');
      for (const user of users) if (!this.userExists(user)) throw fail('user_not_found');
      if (users.length > 1) return { channel: { id: this.openMpim(users).id } };
      const { channel, existed } = this.openDm(users[0] ?? '');
      const result: JsonObject = { no_op: existed, already_open: existed };
      result.channel = p.bool('return_im') ? this.presentChannel(channel) : { id: channel.id };
      return result;
    },
    'bookmarks.add': (p) => {
      const channel = this.resolveChannel(p.required('channel_id', 'channel_not_found'));
      const title = p.required('title', 'invalid_title');
      const type = p.required('type', 'invalid_bookmark_type');
      if (type !== 'link') throw fail('invalid_bookmark_type');
      const link = p.required('link', 'invalid_link');
      const bookmark: FakeBookmark = { id: this.nextId('Bk0'), channelId: channel.id, title, type, link, emoji: p.string('emoji'), created: this.nowSeconds() };
      channel.bookmarks.push(bookmark);
      return { bookmark: this.presentBookmark(bookmark, channel.bookmarks.length) };
    },
    'bookmarks.list': (p) => {
      const channel = this.resolveChannel(p.required('channel_id', 'channel_not_found'));
      return { bookmarks: channel.bookmarks.map((b, i) => this.presentBookmark(b, i + 1)) };
    },
    'pins.add': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const message = this.findMessage(channel, p.required('timestamp', 'no_item_specified'));
      if (channel.pins.includes(message.ts)) throw fail('already_pinned');
      channel.pins.push(message.ts);
      return {};
    },
    'users.info': (p) => {
      const user = this.users.get(p.required('user', 'user_not_found'));
      if (!user) throw fail('user_not_found');
      return { user: this.presentUser(user) };
    },
    'users.lookupByEmail': (p) => {
      const email = p.required('email', 'users_not_found').toLowerCase();
      const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
      if (!user) throw fail('users_not_found');
      return { user: this.presentUser(user) };
    },
    'reactions.add': (p) => {
      const channel = this.resolveChannel(p.string('channel'));
      const message = this.findMessage(channel, p.required('timestamp', 'no_item_specified'));
      const name = p.required('name', 'invalid_name');
      if (name.includes(':') || /\s/.test(name)) throw fail('invalid_name');
      const reaction = message.reactions.find((r) => r.name === name) ?? { name, users: [] };
      if (reaction.users.includes(this.config.botUserId)) throw fail('already_reacted');
      if (reaction.users.length === 0) message.reactions.push(reaction);
      reaction.users.push(this.config.botUserId);
      return {};
    },
  };

  private presentBookmark(b: FakeBookmark, rank: number): JsonObject {
    return {
      id: b.id, channel_id: b.channelId, title: b.title, link: b.link ?? null, emoji: b.emoji ?? null, icon_url: null,
      type: b.type, entity_id: null, date_created: b.created, date_updated: 0, rank: String(rank),
      last_updated_by_user_id: this.config.botUserId, last_updated_by_team_id: this.config.teamId,
      shortcut_id: null, app_id: FAKE_SLACK_DEFAULTS.appId,
    };
  }

  private messageContent(p: Params): { text: string; blocks: JsonValue | undefined; attachments: JsonValue | undefined } {
    const text = p.string('text') ?? '';
    const blocks = p.raw.blocks;
    const attachments = p.raw.attachments;
    if (blocks !== undefined && !Array.isArray(blocks)) throw fail('invalid_blocks_format');
    if (Array.isArray(blocks) && blocks.length > 50) throw fail('invalid_blocks');
    if (attachments !== undefined && !Array.isArray(attachments)) throw fail('invalid_attachments');
    if (text === '' && blocks === undefined && attachments === undefined) throw fail('no_text');
    if (text.length > 40_000) throw fail('msg_too_long');
    return { text, blocks, attachments };
  }

  private metadata(p: Params): JsonValue | undefined {
    const metadata = p.raw.metadata;
    if (metadata === undefined) return undefined;
    if (!isJsonObject(metadata) || typeof metadata.event_type !== 'string' || !isJsonObject(metadata.event_payload)) {
      throw fail('invalid_metadata_format');
    }
    return metadata;
  }

  private postMessage(p: Params): JsonObject {
    const ref = p.string('channel');
    const channel = ref !== undefined && USER_ID.test(ref) ? this.openDm(ref).channel : this.resolveChannel(ref);
    if (channel.archived) throw fail('is_archived');
    const { text, blocks, attachments } = this.messageContent(p);
    const message = this.store({
      channel: channel.id,
      ts: this.nextTs(),
      user: this.config.botUserId,
      botId: this.config.botId,
      subtype: undefined,
      text,
      blocks,
      attachments,
      metadata: this.metadata(p),
      threadTs: p.string('thread_ts'),
      replyBroadcast: p.bool('reply_broadcast'),
      edited: undefined,
      reactions: [],
    });
    return { channel: channel.id, ts: message.ts, message: this.presentMessage(message, true) };
  }

  private updateMessage(p: Params): JsonObject {
    const channel = this.resolveChannel(p.string('channel'));
    const message = this.findMessage(channel, p.required('ts', 'message_not_found'));
    if (message.user !== this.config.botUserId) throw fail('cant_update_message');
    const { text, blocks, attachments } = this.messageContent(p);
    message.text = text;
    if (blocks !== undefined) message.blocks = blocks;
    if (attachments !== undefined) message.attachments = attachments;
    const metadata = this.metadata(p);
    if (metadata !== undefined) message.metadata = metadata;
    message.edited = { user: this.config.botUserId, ts: this.nextTs() };
    return { channel: channel.id, ts: message.ts, text: message.text, message: this.presentMessage(message, true) };
  }

  private history(p: Params): JsonObject {
    const channel = this.resolveChannel(p.string('channel'));
    const latest = parseTs(p.string('latest')) ?? Number.POSITIVE_INFINITY;
    const oldest = parseTs(p.string('oldest')) ?? 0;
    const inclusive = p.bool('inclusive');
    const newestFirst = (this.messages.get(channel.id) ?? [])
      .filter((m) => m.threadTs === undefined || m.threadTs === m.ts || m.replyBroadcast)
      .filter((m) => {
        const ts = parseTs(m.ts) ?? 0;
        return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
      })
      .reverse();
    const { items, nextCursor } = page(newestFirst, p, 100);
    const result: JsonObject = {
      messages: items.map((m) => this.presentMessage(m, p.bool('include_all_metadata'))),
      has_more: nextCursor !== '',
      pin_count: channel.pins.length,
    };
    if (nextCursor !== '') result.response_metadata = { next_cursor: nextCursor };
    return result;
  }

  private viewDefinition(p: Params): JsonObject {
    const view = p.raw.view;
    if (!isJsonObject(view)) throw fail('invalid_arguments');
    if (typeof view.type !== 'string' || !Array.isArray(view.blocks)) throw fail('invalid_arguments');
    if (view.blocks.length > 100) throw fail('invalid_arguments');
    return view;
  }

  private openView(p: Params, push: boolean): FakeView {
    const trigger = p.required('trigger_id', 'invalid_trigger_id');
    if (this.usedTriggers.has(trigger)) throw fail('exchanged_trigger_id');
    const definition = this.viewDefinition(p);
    if (definition.type !== 'modal') throw fail('invalid_arguments');
    this.usedTriggers.add(trigger);
    const id = this.nextId('V0');
    const root = push ? this.viewsOpened.at(-1)?.rootViewId ?? id : id;
    const view = this.makeView(id, definition, root, push ? this.viewsOpened.at(-1)?.id ?? null : null);
    this.views.set(id, view);
    this.viewsOpened.push(structuredClone(view));
    return view;
  }

  private updateView(p: Params): FakeView {
    const byId = p.string('view_id');
    const byExternal = p.string('external_id');
    const current = byId !== undefined ? this.views.get(byId) : [...this.views.values()].find((v) => byExternal !== undefined && v.externalId === byExternal);
    if (!current) throw fail('not_found');
    const hash = p.string('hash');
    if (hash !== undefined && hash !== current.hash) throw fail('hash_conflict');
    const view = this.makeView(current.id, this.viewDefinition(p), current.rootViewId, current.previousViewId);
    this.views.set(view.id, view);
    return view;
  }

  private makeView(id: string, definition: JsonObject, rootViewId: string, previousViewId: string | null): FakeView {
    const text = (key: string) => (typeof definition[key] === 'string' ? definition[key] : '');
    return {
      id, type: text('type'), callbackId: text('callback_id'), privateMetadata: text('private_metadata'),
      externalId: text('external_id'), hash: `${this.nowSeconds()}.${this.nextId('h')}`, rootViewId, previousViewId, definition,
    };
  }

  private invite(p: Params): JsonObject {
    const channel = this.resolveChannel(p.string('channel'));
    if (channel.isIm) throw fail('method_not_supported_for_channel_type');
    if (channel.archived) throw fail('is_archived');
    const users = p.list('users');
    if (users.length === 0) throw fail('no_user');
    if (users.includes(this.config.botUserId)) throw fail('cant_invite_self');
    const unknown = users.find((u) => !this.userExists(u));
    if (unknown !== undefined) throw fail('user_not_found', { errors: [{ user: unknown, ok: false, error: 'user_not_found' }] });
    const fresh = users.filter((u) => !channel.members.includes(u));
    // Slack fails the whole call only when nobody new was invited.
    if (fresh.length === 0) {
      throw fail('already_in_channel', { errors: users.map((user) => ({ user, ok: false, error: 'already_in_channel' })) });
    }
    channel.members.push(...new Set(fresh));
    return { channel: this.presentChannel(channel) };
  }

  private setText(p: Params, field: 'topic' | 'purpose'): JsonObject {
    const channel = this.resolveChannel(p.string('channel'));
    if (channel.archived) throw fail('is_archived');
    const value = p.string(field) ?? '';
    if (value.length > 250) throw fail('too_long');
    channel[field] = value;
    this.topicSetters.set(channel.id, { ...this.topicSetters.get(channel.id), [field]: this.config.botUserId });
    return { channel: this.presentChannel(channel) };
  }

  private openMpim(users: string[]): FakeChannel {
    const members = [...new Set([this.config.botUserId, ...users])].sort();
    const name = `mpdm-${members.join('--').toLowerCase()}-1`;
    const existing = this.channelByName(name);
    if (existing) return existing;
    const channel: FakeChannel = {
      id: this.nextId('G0'), name, isPrivate: true, isIm: false, isMpim: true, user: undefined,
      creator: this.config.botUserId, created: this.nowSeconds(), topic: '', purpose: '', members,
      bookmarks: [], pins: [], archived: false, previousNames: [],
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  /** Runs one Slack method: Slack's `{ ok, … }` body. */
  call(method: string, params: JsonObject, token: string): JsonObject {
    const handler = this.handlers[method];
    if (!handler) return { ok: false, error: 'unknown_method', req_method: method };
    try {
      return { ok: true, ...handler(new Params(params), token) };
    } catch (error) {
      if (error instanceof SlackFailure) return { ok: false, error: error.code, ...error.extra };
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The HTTP edge: parsing, recording, faults.
// ---------------------------------------------------------------------------------------------

/** Fields Slack takes as JSON strings in form-encoded calls. */
const JSON_STRING_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** The call's params as Slack would read them, or the error Slack gives for an unreadable body. */
async function parseParams(req: IncomingMessage, raw: Buffer, query: URLSearchParams): Promise<JsonObject | SlackFailure> {
  const params: JsonObject = Object.fromEntries(query);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length > 0) {
    if (contentType === 'application/json') {
      const body = parseJson(raw.toString('utf8'));
      if (!isJsonObject(body)) return fail('invalid_json');
      Object.assign(params, body);
    } else if (contentType === 'multipart/form-data') {
      const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      for (const [key, value] of form) params[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size };
    } else {
      Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
    }
  }
  for (const key of JSON_STRING_FIELDS) {
    const value = params[key];
    if (typeof value === 'string') params[key] = parseJson(value) ?? value;
  }
  return params;
}

function sendJson(res: ServerResponse, status: number, body: JsonObject, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

interface MutableCall {
  method: string;
  params: JsonObject;
  token: string | undefined;
  at: number;
  rejected: boolean;
  rejection?: string;
  response?: { status: number; body: JsonObject };
}

interface MutableResponsePost {
  id: string;
  body: JsonValue;
  at: number;
  rejected: boolean;
}

interface Waiter {
  check(): void;
  abort(error: Error): void;
}

type Verdict =
  | { kind: 'accept' }
  | { kind: 'hang'; rejection: string }
  | { kind: 'refuse'; rejection: string; status: number; body: JsonObject; headers?: Record<string, string> };

/**
 * Slack's rate-limit tier of each method the app calls (api.slack.com/apis/rate-limits): calls a
 * minute per workspace before 429. chat.postMessage is "special": per channel, below.
 */
const SLACK_TIER_PER_MINUTE: Readonly<Record<string, number>> = {
  'bookmarks.add': 20,
  'conversations.archive': 20,
  'conversations.create': 20,
  'conversations.setPurpose': 20,
  'conversations.setTopic': 20,
  'pins.add': 20,
  'chat.update': 50,
  'conversations.history': 50,
  'conversations.info': 50,
  'conversations.invite': 50,
  'conversations.open': 50,
  'reactions.add': 50,
  'users.lookupByEmail': 50,
  'chat.postEphemeral': 100,
  'conversations.members': 100,
  'users.info': 100,
  'views.open': 100,
  'views.update': 100,
};
/** chat.postMessage: about one message a second per channel, with short bursts tolerated. */
const POST_PER_CHANNEL = { perSecond: 1, burst: 5 } as const;

function describeCall(call: FakeSlackCall): string {
  const params = JSON.stringify(call.params);
  const flag = call.rejected ? ` [rejected: ${call.rejection ?? ''}]` : '';
  const answer = call.response ? ` -> ${call.response.status} ${String(call.response.body.error ?? 'ok')}` : ' -> (no answer yet)';
  return `  ${call.method} ${params.length > 200 ? `${params.slice(0, 200)}…` : params}${flag}${answer}`;
}

/** Starts a fake Slack Web API on a free loopback port. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const clock = options.clock ?? Date.now;
  const url = options.url ?? FAKE_SLACK_DEFAULTS.url;
  const workspace = new FakeWorkspace({
    botUserId: options.botUserId ?? FAKE_SLACK_DEFAULTS.botUserId,
    botId: options.botId ?? FAKE_SLACK_DEFAULTS.botId,
    botName: options.botName ?? FAKE_SLACK_DEFAULTS.botName,
    teamId: options.teamId ?? FAKE_SLACK_DEFAULTS.teamId,
    teamName: options.teamName ?? FAKE_SLACK_DEFAULTS.teamName,
    url,
    strictChannels: options.strictChannels ?? false,
    clock,
    firstTs: options.firstTs ?? '1700000000.000100',
    socketModeUrl: options.socketModeUrl,
  });
  for (const user of options.users ?? []) workspace.addUser(user);
  for (const channel of options.channels ?? []) workspace.addChannel(channel);

  const waitTimeoutMs = options.waitTimeoutMs ?? 5000;
  let calls: MutableCall[] = [];
  let responses: MutableResponsePost[] = [];
  const waiters = new Set<Waiter>();
  const faults = new Map<string, FakeSlackFault[]>();
  const delays = new Map<string, number>();
  const limits = new Map<string, { perMinute: number; accepted: number[] }>();
  const timers = new Set<NodeJS.Timeout>();
  let globalDelay = 0;
  let isDown = false;
  /** Token buckets of chat.postMessage per channel, when Slack's limits are enforced. */
  let channelBuckets: Map<string, { tokens: number; at: number }> | undefined;
  let throttle: { every: number; retryAfter: number; seen: number } | undefined;
  let jitterMs = 0;
  let jitterSeed = 0x2545f491;
  let responseSerial = 0;
  let closing: Promise<void> | undefined;

  const notify = () => {
    for (const waiter of [...waiters]) waiter.check();
  };

  const ratelimited = (retryAfter: number): Verdict => ({
    kind: 'refuse',
    rejection: 'ratelimited',
    status: 429,
    body: { ok: false, error: 'ratelimited' },
    headers: { 'retry-after': String(retryAfter) },
  });

  /** Takes one message from the channel's bucket, or says how many seconds until one is free. */
  const takeChannelToken = (params: JsonObject | undefined): number | undefined => {
    const channel = params?.channel;
    if (!channelBuckets || typeof channel !== 'string') return undefined;
    const now = clock();
    const bucket = channelBuckets.get(channel) ?? { tokens: POST_PER_CHANNEL.burst, at: now };
    bucket.tokens = Math.min(POST_PER_CHANNEL.burst, bucket.tokens + ((now - bucket.at) / 1000) * POST_PER_CHANNEL.perSecond);
    bucket.at = now;
    channelBuckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / POST_PER_CHANNEL.perSecond));
  };

  const verdict = (method: string, params?: JsonObject): Verdict => {
    if (isDown) return { kind: 'refuse', rejection: 'down', status: 503, body: { ok: false, error: 'service_unavailable' } };
    const queue = faults.get(method)?.length ? faults.get(method) : method === 'response_url' ? undefined : faults.get('*');
    const fault = queue?.shift();
    if (fault) {
      if ('hang' in fault) return { kind: 'hang', rejection: 'hang' };
      if ('error' in fault) return { kind: 'refuse', rejection: fault.error, status: 200, body: { ok: false, error: fault.error } };
      if (fault.status === 429) {
        return { kind: 'refuse', rejection: 'ratelimited', status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(fault.retryAfter) } };
      }
      return { kind: 'refuse', rejection: `http_${fault.status}`, status: fault.status, body: { ok: false, error: 'fatal_error' } };
    }
    if (throttle && method !== 'response_url') {
      throttle.seen += 1;
      if (throttle.seen % throttle.every === 0) return ratelimited(throttle.retryAfter);
    }
    if (method === 'chat.postMessage') {
      const wait = takeChannelToken(params);
      if (wait !== undefined) return ratelimited(wait);
    }
    const limit = limits.get(method);
    if (limit) {
      const now = clock();
      limit.accepted = limit.accepted.filter((t) => t > now - 60_000);
      const oldest = limit.accepted[0];
      if (limit.accepted.length >= limit.perMinute && oldest !== undefined) {
        const retryAfter = Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
        return { kind: 'refuse', rejection: 'ratelimited', status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfter) } };
      }
      limit.accepted.push(now);
    }
    return { kind: 'accept' };
  };

  const answer = (method: string, res: ServerResponse, status: number, body: JsonObject, headers: Record<string, string>, onSent: () => void) => {
    const send = () => {
      sendJson(res, status, body, headers);
      onSent();
      notify();
    };
    let ms = delays.get(method) ?? globalDelay;
    if (jitterMs > 0) {
      // xorshift32: the same extra delays every run, without Math.random.
      jitterSeed ^= jitterSeed << 13;
      jitterSeed ^= jitterSeed >>> 17;
      jitterSeed ^= jitterSeed << 5;
      ms += ((jitterSeed >>> 0) / 0x1_0000_0000) * jitterMs;
    }
    if (ms <= 0) return send();
    const due = performance.now() + ms;
    // Node may fire a timer up to a millisecond early; a delay must never be shorter than asked.
    const wait = (remaining: number) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        const left = due - performance.now();
        if (left > 0) wait(left);
        else send();
      }, Math.ceil(remaining));
      timers.add(timer);
    };
    wait(ms);
  };

  const checkToken = (token: string | undefined, method: string): SlackFailure | undefined => {
    if (token === undefined || token === '') return fail('not_authed');
    const appLevel = method === 'apps.connections.open' && /^xapp-/.test(token);
    if (!appLevel && (options.tokens ? !options.tokens.includes(token) : !/^xox[bp]-/.test(token))) return fail('invalid_auth');
    return undefined;
  };

  const handleApi = async (method: string, req: IncomingMessage, res: ServerResponse, raw: Buffer, query: URLSearchParams) => {
    const parsed = await parseParams(req, raw, query);
    const params = parsed instanceof SlackFailure ? {} : parsed;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const isJson = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    // Slack reads a token from a form body but never from a JSON one.
    const bodyToken = !isJson && typeof params.token === 'string' ? params.token : undefined;
    delete params.token;
    const token = bearer ?? bodyToken;
    const call: MutableCall = { method, params, token, at: clock(), rejected: false };
    const decision = verdict(method, params);
    if (decision.kind !== 'accept') {
      call.rejected = true;
      call.rejection = decision.rejection;
    }
    calls.push(call);
    notify();
    if (decision.kind === 'hang') return;
    if (decision.kind === 'refuse') {
      return answer(method, res, decision.status, decision.body, decision.headers ?? {}, () => (call.response = { status: decision.status, body: decision.body }));
    }
    const problem = parsed instanceof SlackFailure ? parsed : workspace.handlers[method] ? checkToken(token, method) : undefined;
    const body = problem ? { ok: false, error: problem.code } : workspace.call(method, params, token ?? '');
    answer(method, res, 200, body, {}, () => (call.response = { status: 200, body }));
  };

  const handleResponseUrl = (id: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const text = raw.toString('utf8');
    const isJson = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    const body = isJson ? parseJson(text) : parseJson(new URLSearchParams(text).get('payload') ?? '');
    const post: MutableResponsePost = { id, body: body ?? text, at: clock(), rejected: false };
    const decision: Verdict =
      body === undefined
        ? { kind: 'refuse', rejection: 'invalid_payload', status: 400, body: { ok: false, error: 'invalid_payload' } }
        : verdict('response_url');
    if (decision.kind !== 'accept') post.rejected = true;
    responses.push(post);
    notify();
    if (decision.kind === 'hang') return;
    if (decision.kind === 'refuse') return answer('response_url', res, decision.status, decision.body, decision.headers ?? {}, () => undefined);
    answer('response_url', res, 200, { ok: true }, {}, () => undefined);
  };

  const server = createServer((req, res) => {
    const route = async () => {
      const target = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = await readBody(req);
      const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(target.pathname);
      if (api?.[1]) return handleApi(api[1], req, res, raw, target.searchParams);
      const hook = /^\/response\/([^/]+)$/.exec(target.pathname);
      if (hook?.[1] && req.method === 'POST') return handleResponseUrl(decodeURIComponent(hook[1]), req, res, raw);
      sendJson(res, 404, { ok: false, error: 'not_found' });
    };
    route().catch((error: unknown) => {
      sendJson(res, 500, { ok: false, error: 'fake_slack_internal_error', detail: String(error) });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const waitUntil = <T>(check: () => T | undefined, describe: () => string, timeoutMs: number): Promise<T> => {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      const waiter: Waiter = {
        check() {
          const value = check();
          if (value === undefined) return;
          done();
          resolve(value);
        },
        abort(error) {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.abort(new Error(describe())), timeoutMs);
      // The timer only guards against a test hanging for ever; it must not keep the process alive.
      timer.unref();
      waiters.add(waiter);
    });
  };

  const fake: FakeSlack = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    get calls() {
      return calls;
    },
    get responses() {
      return responses;
    },
    state: {
      channels: workspace.channels,
      messages: workspace.messages,
      ephemerals: workspace.ephemerals,
      views: workspace.views,
      viewsOpened: workspace.viewsOpened,
      users: workspace.users,
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(match, count = 1, waitOptions = {}) {
      const predicate = typeof match === 'string' ? (c: FakeSlackCall) => c.method === match : match;
      const label = typeof match === 'string' ? match : match.name || 'predicate';
      const timeoutMs = waitOptions.timeoutMs ?? waitTimeoutMs;
      return waitUntil(
        () => {
          const found = calls.filter((c) => predicate(c));
          return found.length >= count ? found.slice(0, count) : undefined;
        },
        () =>
          `fake Slack: waitFor(${label}, ${count}) timed out after ${timeoutMs} ms; ` +
          `${calls.length} call(s) seen:\n${calls.map(describeCall).join('\n') || '  (none)'}`,
        timeoutMs,
      );
    },
    waitForResponses(count = 1, predicate = () => true, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? waitTimeoutMs;
      return waitUntil(
        () => {
          const found = responses.filter((r) => predicate(r));
          return found.length >= count ? found.slice(0, count) : undefined;
        },
        () =>
          `fake Slack: waitForResponses(${count}) timed out after ${timeoutMs} ms; ${responses.length} response_url post(s) seen:\n` +
          (responses.map((r) => `  ${r.id} ${JSON.stringify(r.body)}`).join('\n') || '  (none)'),
        timeoutMs,
      );
    },
    responseUrl(id) {
      responseSerial += 1;
      return `${baseUrl}/response/${encodeURIComponent(id ?? `r${responseSerial}`)}`;
    },
    addUser: (user) => workspace.addUser(user),
    addChannel(channel) {
      try {
        return workspace.addChannel(channel);
      } catch (error) {
        if (error instanceof SlackFailure) throw new Error(`fake Slack: cannot seed channel "${channel.name}": ${error.code}`);
        throw error;
      }
    },
    addMessage: (channel, message) => workspace.addMessage(channel, message),
    channelByName: (name) => workspace.channelByName(name),
    messagesIn(channel) {
      const id = workspace.channels.has(channel) ? channel : workspace.channelByName(channel)?.id;
      return id === undefined ? [] : workspace.messages.get(id) ?? [];
    },
    delay(ms, method) {
      if (method === undefined) globalDelay = ms;
      else if (ms <= 0) delays.delete(method);
      else delays.set(method, ms);
    },
    failNext(method, count, fault) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < count; i += 1) queue.push(fault);
      faults.set(method, queue);
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    rateLimit(method, perMinute) {
      if (perMinute === null) limits.delete(method);
      else limits.set(method, { perMinute, accepted: [] });
    },
    enforceSlackRateLimits() {
      for (const [method, perMinute] of Object.entries(SLACK_TIER_PER_MINUTE)) limits.set(method, { perMinute, accepted: [] });
      channelBuckets = new Map();
    },
    throttleEvery(n, retryAfter = 1) {
      throttle = n === null ? undefined : { every: n, retryAfter, seen: 0 };
    },
    jitter(ms) {
      jitterMs = ms;
    },
    reset() {
      calls = [];
      responses = [];
      faults.clear();
      delays.clear();
      limits.clear();
      globalDelay = 0;
      isDown = false;
      channelBuckets = undefined;
      throttle = undefined;
      jitterMs = 0;
    },
    close() {
      if (closing) return closing;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const waiter of [...waiters]) waiter.abort(new Error('fake Slack: closed while waiting'));
      closing = once(server, 'close').then(() => undefined);
      server.close();
      // Hung and keep-alive sockets would hold close() open for ever.
      server.closeAllConnections();
      return closing;
    },
  };
  return fake;
}
