import type { Logger } from 'pino';
import { z } from 'zod';
import { nudgeKinds } from '../../domain/nudges.js';
import type { Job, JobQueue } from '../../ports/jobs.port.js';

const message = { text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())).optional() };

/**
 * Every Slack side effect, as a durable job with a validated payload. Payloads name things by id;
 * handlers re-read current state, so a retry or a late run posts what is true then.
 */
export const slackJobSchemas = {
  /** Announce a new incident in the announcement (or report) channel. */
  'slack.headline.post': z.object({ incidentId: z.string() }),
  /** Re-render the announcement in place after any change. */
  'slack.headline.update': z.object({ incidentId: z.string() }),
  /** Create the comms channel; `requestedBy` (Slack id) is who pressed the button. */
  'slack.channel.create': z.object({ incidentId: z.string(), requestedBy: z.string().nullable() }),
  'slack.channel.invite': z.object({ incidentId: z.string(), users: z.array(z.string()) }),
  'slack.channel.topic': z.object({ incidentId: z.string() }),
  'slack.channel.bookmark': z.object({ incidentId: z.string() }),
  /** Bookmark the incident's conference call in its channel. */
  'slack.call.bookmark': z.object({ incidentId: z.string(), link: z.string() }),
  /** The first message in a new channel: what it is for and the next steps, rendered when sent. */
  'slack.channel.kickoff': z.object({ incidentId: z.string() }),
  'slack.channel.rename': z.object({ incidentId: z.string(), name: z.string(), requestedBy: z.string() }),
  /** A message in the incident's channel, worded when the change happened. */
  'slack.channel.post': z.object({ incidentId: z.string(), ...message }),
  'slack.role.dm': z.object({ incidentId: z.string(), role: z.string(), slackUserId: z.string() }),
  'slack.user.sync': z.object({ slackUserId: z.string() }),
  /**
   * Someone joined (or left) the incident's channel: record them among its people (or not).
   * `by` is who invited them (themselves for a plain join); null when the app did.
   */
  'slack.channel.member': z.object({ incidentId: z.string(), slackUserId: z.string(), joined: z.boolean(), by: z.string().nullable() }),
  /** A reminder that went out, posted in the incident's channel; rendered when sent, so it shows the state then. */
  'slack.nudge.post': z.object({ incidentId: z.string(), kind: z.enum(nudgeKinds) }),
  /** A stakeholder update for the announcement channel (never for a private incident), worded when posted. */
  'slack.announce.post': z.object({ incidentId: z.string(), ...message }),
  /** Archive the incident's channel (a week after close, unless someone said `keep`). */
  'slack.channel.archive': z.object({ incidentId: z.string() }),
  /** A reply through a slash command's or button's `response_url`. */
  'slack.respond': z.object({ responseUrl: z.string(), ephemeral: z.boolean(), ...message }),
  /** Only `userId` sees it; where the bot cannot post (a DM between people), `responseUrl` is used instead. */
  'slack.ephemeral': z.object({ channelId: z.string(), userId: z.string(), responseUrl: z.string().optional(), ...message }),
  /** A 📌 reaction: fetch the message and copy it to the timeline. */
  'slack.pin.reaction': z.object({ incidentId: z.string(), channelId: z.string(), ts: z.string(), reactedBy: z.string() }),
  /** The RCA's summary, shared to one of RCA_SHARE_CHANNELS; masked and rendered when sent. */
  'slack.rca.share': z.object({ incidentId: z.string(), channel: z.string() }),
} as const;

export type SlackJobType = keyof typeof slackJobSchemas;
export type SlackJobPayload<T extends SlackJobType> = z.input<(typeof slackJobSchemas)[T]>;

/** Runs one Slack job of type `T` with its parsed payload. */
export type SlackJobHandler<T extends SlackJobType> = (payload: z.output<(typeof slackJobSchemas)[T]>, job: Job, log: Logger) => Promise<void>;

/**
 * The queue one incident's channel work runs in: the channel's creation, invitation, kickoff, posts,
 * renaming and archive, in the order things happened.
 */
export const incidentQueue = (incidentId: string) => `incident:${incidentId}`;

/**
 * Work on an incident that runs beside its channel queue, in order within its own queue: the
 * announcement and its updates (another channel), and the channel's topic and bookmarks (neither
 * a message nor needed by one). The kickoff need not wait for them: setTopic and bookmarks.add are
 * Slack's Tier 2 (20 a minute per workspace), so in an incident storm a 429 there would otherwise
 * hold the kickoff and every later message for its Retry-After. The invitation stays ahead of the
 * kickoff, whose mentions only notify members.
 */
const besideTheChannel: Partial<Record<SlackJobType, string>> = {
  'slack.headline.post': 'announcement',
  'slack.headline.update': 'announcement',
  'slack.announce.post': 'announcement',
  'slack.channel.topic': 'channel-details',
  'slack.channel.bookmark': 'channel-details',
  'slack.call.bookmark': 'channel-details',
};

/** The queue a job of `type` about `incidentId` runs in. */
export function queueFor(type: SlackJobType, incidentId: string): string {
  const beside = besideTheChannel[type];
  return beside ? `${incidentQueue(incidentId)}:${beside}` : incidentQueue(incidentId);
}

/** Enqueues a Slack job, in the caller's transaction when `jobs` is a transaction's queue. */
export async function enqueueSlackJob<T extends SlackJobType>(
  jobs: JobQueue,
  type: T,
  payload: SlackJobPayload<T>,
  options: { incidentId?: string; dedupeKey?: string } = {},
): Promise<void> {
  await jobs.enqueue({
    type,
    payload,
    queueKey: options.incidentId ? queueFor(type, options.incidentId) : null,
    dedupeKey: options.dedupeKey ?? null,
  });
}
