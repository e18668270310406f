import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import { PermanentFailure, RetryLater } from '../jobs/job-errors.js';
import { currentJobRun } from '../jobs/job-run.js';

/** A message as we send it: blocks plus the plain text Slack shows in notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks?: readonly KnownBlock[];
}

/** Slack answered `ok: false` with this error code (e.g. `name_taken`); handlers may expect some. */
export class SlackRefusal extends PermanentFailure {
  readonly error: string;
  constructor(method: string, error: string) {
    super(`Slack ${method} refused: ${error}`);
    this.name = 'SlackRefusal';
    this.error = error;
  }
}

// Errors Slack documents as passing: worth another try later.
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/**
 * Turns a Web API failure into what the job worker understands: wait (rate limit, honouring
 * Retry-After), retry with backoff (5xx, timeouts, network), or give up (a refusal).
 */
export function classifySlackError(method: string, error: unknown): Error {
  const e = error as Partial<WebAPICallError> & { code?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new RetryLater(`Slack ${method} rate limited`, Math.max(1, (e as { retryAfter: number }).retryAfter) * 1000);
    case ErrorCode.HTTPError: {
      const status = (e as { statusCode: number }).statusCode;
      if (status === 429) return new RetryLater(`Slack ${method} rate limited`, 1000);
      if (status >= 500) return new RetryLater(`Slack ${method} answered HTTP ${status}`);
      return new PermanentFailure(`Slack ${method} answered HTTP ${status}`);
    }
    case ErrorCode.RequestError:
      return new RetryLater(`Slack ${method} did not answer: ${(e as { original?: Error }).original?.message ?? 'request error'}`);
    case ErrorCode.PlatformError: {
      const code = (e as { data: { error: string } }).data.error;
      return TRANSIENT.has(code) ? new RetryLater(`Slack ${method}: ${code}`) : new SlackRefusal(method, code);
    }
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** The outcome class of a failed Web API call, for the metrics (never the raw error text: bounded label values). */
export function slackCallOutcome(error: unknown): 'ratelimited' | 'server_error' | 'network' | 'refused' | 'unexpected' {
  const e = error as Partial<WebAPICallError> & { code?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return 'ratelimited';
    case ErrorCode.HTTPError: {
      const status = (e as { statusCode: number }).statusCode;
      return status === 429 ? 'ratelimited' : status >= 500 ? 'server_error' : 'refused';
    }
    case ErrorCode.RequestError:
      return 'network';
    case ErrorCode.PlatformError: {
      const code = (e as { data: { error: string } }).data.error;
      return code === 'ratelimited' ? 'ratelimited' : TRANSIENT.has(code) ? 'server_error' : 'refused';
    }
    default:
      return 'unexpected';
  }
}

const channelSchema = z.object({ id: z.string(), name: z.string().optional() });
const postResult = z.object({ ts: z.string(), channel: z.string() });
const userResult = z.object({
  user: z.object({
    id: z.string(),
    name: z.string().optional(),
    real_name: z.string().optional(),
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    profile: z
      .object({ display_name: z.string().optional(), real_name: z.string().optional(), email: z.string().optional() })
      .optional(),
  }),
});
const historyResult = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        text: z.string().optional(),
        user: z.string().optional(),
        bot_id: z.string().optional(),
        subtype: z.string().optional(),
        files: z.array(z.object({ name: z.string().optional(), title: z.string().optional() })).optional(),
        metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    )
    .default([]),
});
/** Slack message metadata naming the job (and which of its posts) that made a message. */
const JOB_POST_EVENT = 'incident_response_job_post';
const listResult = z.object({
  channels: z.array(z.object({ id: z.string(), name: z.string(), creator: z.string().optional() })).default([]),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

export interface SlackProfile {
  readonly name: string;
  readonly email: string | null;
}

export interface SlackHistoryMessage {
  readonly ts: string;
  readonly text: string;
  readonly user: string | null;
  readonly botId: string | null;
  readonly fileNames: readonly string[];
}

export interface SlackApiOptions {
  readonly token: string;
  /** Base URL ending in `/api/`; tests point it at a fake server. */
  readonly apiUrl: string;
  readonly timeoutMs?: number;
  /** Told of every call's outcome and duration (the Prometheus counters). */
  readonly observe?: (method: string, outcome: 'ok' | ReturnType<typeof slackCallOutcome>, seconds: number) => void;
}

/**
 * The Web API calls the app makes, in its own words. The client never retries by itself: the
 * job queue does, durably, so a retry survives a restart and keeps order.
 */
export function createSlackApi(options: SlackApiOptions) {
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  });

  const observe = options.observe ?? (() => undefined);
  async function call<T>(method: string, args: Record<string, unknown>, schema?: z.ZodType<T>): Promise<T> {
    let result: unknown;
    const started = performance.now();
    try {
      result = await client.apiCall(method, args);
      observe(method, 'ok', (performance.now() - started) / 1000);
    } catch (error) {
      observe(method, slackCallOutcome(error), (performance.now() - started) / 1000);
      throw classifySlackError(method, error);
    }
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(result);
    if (!parsed.success) throw new PermanentFailure(`Slack ${method} answered in an unexpected shape: ${parsed.error.message}`);
    return parsed.data;
  }

  /** The recent message tagged `tag` in `channel`, or undefined (also when the history cannot be read: then it is posted, at least once). */
  async function findTaggedPost(channel: string, tag: string): Promise<{ channelId: string; ts: string } | undefined> {
    try {
      const r = await call('conversations.history', { channel, limit: 100, include_all_metadata: true }, historyResult);
      const found = r.messages.find((m) => m.metadata?.event_type === JOB_POST_EVENT && m.metadata.event_payload?.post === tag);
      return found ? { channelId: channel, ts: found.ts } : undefined;
    } catch (error) {
      if (error instanceof RetryLater) throw error;
      return undefined;
    }
  }

  return {
    client,
    async authTest(): Promise<{ userId: string; botId: string | null }> {
      const r = await call('auth.test', {}, z.object({ user_id: z.string(), bot_id: z.string().optional() }));
      return { userId: r.user_id, botId: r.bot_id ?? null };
    },
    async postMessage(channel: string, message: SlackMessage, extra: Record<string, unknown> = {}): Promise<{ channelId: string; ts: string }> {
      // A post made by a job is tagged with it. Re-run after its worker died, the job looks for
      // its tagged post first: Slack may have taken it just before the crash (the answer was lost).
      const run = currentJobRun();
      const tag = run ? `${run.jobId}:${run.posts++}` : undefined;
      if (run?.mayRepeat && tag) {
        const posted = await findTaggedPost(channel, tag);
        if (posted) return posted;
      }
      const metadata = tag ? { metadata: { event_type: JOB_POST_EVENT, event_payload: { post: tag } } } : {};
      const r = await call('chat.postMessage', { channel, text: message.text, blocks: message.blocks, unfurl_links: false, ...metadata, ...extra }, postResult);
      return { channelId: r.channel, ts: r.ts };
    },
    async updateMessage(channelId: string, ts: string, message: SlackMessage): Promise<void> {
      await call('chat.update', { channel: channelId, ts, text: message.text, blocks: message.blocks ?? [] });
    },
    async postEphemeral(channelId: string, userId: string, message: SlackMessage): Promise<void> {
      await call('chat.postEphemeral', { channel: channelId, user: userId, text: message.text, blocks: message.blocks });
    },
    async openView(triggerId: string, view: View): Promise<void> {
      await call('views.open', { trigger_id: triggerId, view });
    },
    async createChannel(name: string, isPrivate: boolean): Promise<{ id: string; name: string }> {
      const r = await call('conversations.create', { name, is_private: isPrivate }, z.object({ channel: channelSchema }));
      return { id: r.channel.id, name: r.channel.name ?? name };
    },
    /** A live channel with this exact name, and who created it (for adopting our own after a crash). */
    async findChannelByName(name: string): Promise<{ id: string; name: string; creator: string | null } | null> {
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await call(
          'conversations.list',
          { types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, cursor },
          listResult,
        );
        const found = r.channels.find((c) => c.name === name);
        if (found) return { id: found.id, name: found.name, creator: found.creator ?? null };
        cursor = r.response_metadata?.next_cursor || undefined;
        if (!cursor) return null;
      }
      return null;
    },
    async renameChannel(channelId: string, name: string): Promise<{ id: string; name: string }> {
      const r = await call('conversations.rename', { channel: channelId, name }, z.object({ channel: channelSchema }));
      return { id: r.channel.id, name: r.channel.name ?? name };
    },
    async invite(channelId: string, userIds: readonly string[]): Promise<void> {
      if (userIds.length === 0) return;
      try {
        await call('conversations.invite', { channel: channelId, users: userIds.join(',') });
      } catch (error) {
        // Already there is what we wanted.
        if (error instanceof SlackRefusal && ['already_in_channel', 'cant_invite_self'].includes(error.error)) return;
        throw error;
      }
    },
    async setTopic(channelId: string, topic: string): Promise<void> {
      await call('conversations.setTopic', { channel: channelId, topic });
    },
    /** Archives a channel; one already archived is what we wanted. */
    async archiveChannel(channelId: string): Promise<void> {
      try {
        await call('conversations.archive', { channel: channelId });
      } catch (error) {
        if (error instanceof SlackRefusal && error.error === 'already_archived') return;
        throw error;
      }
    },
    async addBookmark(channelId: string, title: string, link: string): Promise<void> {
      await call('bookmarks.add', { channel_id: channelId, title, type: 'link', link });
    },
    async openDirectMessage(userId: string): Promise<string> {
      const r = await call('conversations.open', { users: userId }, z.object({ channel: z.object({ id: z.string() }) }));
      return r.channel.id;
    },
    async userProfile(userId: string): Promise<SlackProfile> {
      const r = await call('users.info', { user: userId }, userResult);
      const u = r.user;
      const name = u.profile?.display_name || u.profile?.real_name || u.real_name || u.name || userId;
      return { name, email: u.profile?.email ?? null };
    },
    async message(channelId: string, ts: string): Promise<SlackHistoryMessage | null> {
      const window = { channel: channelId, latest: ts, oldest: ts, inclusive: true, limit: 1 };
      const top = await call('conversations.history', window, historyResult);
      // A reply in a thread is not in the channel's history; its thread has it.
      const m =
        top.messages.find((x) => x.ts === ts) ??
        (await call('conversations.replies', { ...window, ts }, historyResult).catch((error: unknown) => {
          if (error instanceof SlackRefusal && error.error === 'thread_not_found') return { messages: [] };
          throw error;
        })).messages.find((x) => x.ts === ts);
      if (!m) return null;
      return {
        ts: m.ts,
        text: m.text ?? '',
        user: m.user ?? null,
        botId: m.bot_id ?? null,
        fileNames: (m.files ?? []).map((f) => f.title ?? f.name ?? 'file'),
      };
    },
    async permalink(channelId: string, ts: string): Promise<string | null> {
      const r = await call('chat.getPermalink', { channel: channelId, message_ts: ts }, z.object({ permalink: z.string() }));
      return r.permalink;
    },
    /** Posts to a `response_url` (replies to a slash command or button, valid 30 min). */
    async respond(responseUrl: string, body: Record<string, unknown>): Promise<void> {
      let response: Response;
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        response = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        observe('response_url', 'network', seconds());
        throw new RetryLater(`response_url did not answer: ${(error as Error).message}`);
      }
      const status = response.status;
      observe('response_url', status === 429 ? 'ratelimited' : status >= 500 ? 'server_error' : response.ok ? 'ok' : 'refused', seconds());
      if (status === 429 || status >= 500) throw new RetryLater(`response_url answered HTTP ${status}`);
      if (!response.ok) throw new PermanentFailure(`response_url answered HTTP ${status}`);
    },
  };
}

export type SlackApi = ReturnType<typeof createSlackApi>;
