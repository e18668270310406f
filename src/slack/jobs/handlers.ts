import type { SlackUserId } from '../../domain/ids.js';
import type { Incident } from '../../domain/incident.js';
import { systemUser, type Actor } from '../../domain/user.js';
import { PermanentFailure } from '../../jobs/job-errors.js';
import type { JobHandler } from '../../jobs/worker.js';
import {
  channelNameFor,
  renderHeadline,
  renderKickoff,
  renderRoleDm,
  renderTopic,
  withSuffix,
  type SlackMessage,
} from '../blocks/index.js';
import { incidentUrl } from '../blocks/mrkdwn.js';
import type { SlackContext } from '../context.js';
import { SlackRefusal } from '../slack-api.js';
import { copiedText, fromSlackText, slackTsToDate } from '../parse/slack-text.js';
import { LONG_TEXT_MAX } from '../../domain/text.js';
import { slackJobSchemas, type SlackJobHandler, type SlackJobType } from './catalogue.js';
import { createNudgeHandlers } from './nudge-handlers.js';
import { createRcaHandlers } from './rca-handlers.js';
import { createArchiveHandlers } from './archive-handlers.js';

const HEADLINE = 'headline';

/** Blocks stored in a job were rendered by our own renderers when it was enqueued. */
const storedBlocks = (blocks: readonly Record<string, unknown>[] | undefined) => (blocks ?? []) as unknown as SlackMessage['blocks'];

const isDirectMessage = (channelId: string) => channelId.startsWith('D');

function privateNotice(i: Incident): SlackMessage {
  const text = `${i.reference} is now private: only the people involved can see it.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:lock: ${text}` } }] };
}

type Handler<T extends SlackJobType> = SlackJobHandler<T>;

/** The Slack job handlers, by job type. Each re-reads the incident, so a late or repeated run is right. */
export function createSlackJobHandlers(ctx: SlackContext): Map<string, JobHandler> {
  const { api, config } = ctx;
  const system: Actor = { user: systemUser, source: 'slack' };

  async function incident(id: string): Promise<Incident> {
    return ctx.incidents.get(id);
  }

  async function actorFor(slackUserId: string | null): Promise<Actor> {
    if (!slackUserId) return system;
    return { user: (await ctx.users.fromSlack(slackUserId)).user, source: 'slack' };
  }

  const headline = (i: Incident): SlackMessage =>
    renderHeadline(i, { publicUrl: ctx.publicUrl, severities: ctx.severities, features: ctx.features });

  /**
   * The channel's details (topic, bookmarks) run beside its queue, so one may come after the
   * archive (see `queueFor`): an archived channel needs no new topic, and Slack refuses it.
   */
  async function inLiveChannel(i: Incident, change: (channelId: string) => Promise<void>): Promise<void> {
    if (!i.channel || i.channelArchivedAt) return;
    try {
      await change(i.channel.id);
    } catch (error) {
      if (!(error instanceof SlackRefusal) || error.error !== 'is_archived') throw error;
    }
  }

  async function inChannel(i: Incident, message: SlackMessage): Promise<void> {
    if (!i.channel) return;
    await api.postMessage(i.channel.id, message);
  }

  const handlers: { [T in SlackJobType]: Handler<T> } = {
    async 'slack.headline.post'({ incidentId }) {
      if (await ctx.store.slackMessages.find(incidentId as Incident['id'], HEADLINE)) return;
      const i = await incident(incidentId);
      let channel = i.reportOnly && config.reportChannel ? config.reportChannel : config.announceChannel;
      if (i.private) {
        // A private incident is not announced to everyone: its headline (with the buttons) goes
        // to the reporter alone.
        if (!i.reporter.slackUserId) return;
        channel = await api.openDirectMessage(i.reporter.slackUserId);
      }
      const posted = await api.postMessage(channel, headline(i));
      await ctx.store.slackMessages.save(i.id, HEADLINE, posted);
    },

    async 'slack.headline.update'({ incidentId }) {
      const ref = await ctx.store.slackMessages.find(incidentId as Incident['id'], HEADLINE);
      // Not posted yet: the pending post will show the current state anyway.
      if (!ref) return;
      const i = await incident(incidentId);
      // Made private after it was announced: the public announcement keeps no details.
      const message = i.private && !isDirectMessage(ref.channelId) ? privateNotice(i) : headline(i);
      await api.updateMessage(ref.channelId, ref.ts, message);
    },

    async 'slack.channel.create'({ incidentId, requestedBy }, job, log) {
      const i = await incident(incidentId);
      if (i.channel || i.reportOnly || i.status !== 'open') return;
      const base = channelNameFor(i, i.startedAt);
      const bot = await ctx.bot.userId();
      for (let n = 1; n <= 20; n++) {
        const name = n === 1 ? base : withSuffix(base, n);
        try {
          const channel = await api.createChannel(name, i.private);
          await ctx.incidents.linkChannel(await actorFor(requestedBy), i.id, channel);
          return;
        } catch (error) {
          if (!(error instanceof SlackRefusal) || error.error !== 'name_taken') throw error;
          // A crash after Slack created the channel but before we recorded it leaves a channel of
          // ours that no incident owns: adopt it rather than make a second one.
          const existing = bot ? await api.findChannelByName(name) : null;
          if (existing && existing.creator === bot && !(await ctx.incidents.findByChannel(existing.id))) {
            log.warn({ channel: existing, attempt: job.attempts }, 'adopting our own unrecorded channel');
            await ctx.incidents.linkChannel(await actorFor(requestedBy), i.id, { id: existing.id, name: existing.name });
            return;
          }
        }
      }
      throw new PermanentFailure(`no free channel name for ${i.reference} after 20 tries`);
    },

    async 'slack.channel.invite'({ incidentId, users }) {
      const i = await incident(incidentId);
      if (!i.channel) return;
      const bot = await ctx.bot.userId();
      const others = users.filter((u) => u !== bot);
      try {
        await api.invite(i.channel.id, others);
      } catch (error) {
        // One person we cannot invite (deactivated, a guest) must not keep the others out.
        if (!(error instanceof SlackRefusal) || others.length <= 1) throw error;
        for (const user of others) {
          await api.invite(i.channel.id, [user]).catch((e: unknown) => {
            if (!(e instanceof SlackRefusal)) throw e;
          });
        }
      }
    },

    async 'slack.channel.topic'({ incidentId }) {
      const i = await incident(incidentId);
      await inLiveChannel(i, (channelId) => api.setTopic(channelId, renderTopic(i, ctx.publicUrl, ctx.severities)));
    },

    async 'slack.channel.bookmark'({ incidentId }) {
      const i = await incident(incidentId);
      await inLiveChannel(i, (channelId) => api.addBookmark(channelId, `${i.reference} incident document`, incidentUrl(ctx.publicUrl, i)));
    },

    async 'slack.call.bookmark'({ incidentId, link }) {
      await inLiveChannel(await incident(incidentId), (channelId) => api.addBookmark(channelId, 'Conference call', link));
    },

    async 'slack.channel.kickoff'({ incidentId }) {
      const i = await incident(incidentId);
      await inChannel(i, renderKickoff(i, { publicUrl: ctx.publicUrl, features: ctx.features, invocation: config.command, helpChannels: config.helpChannels }));
    },

    async 'slack.channel.rename'({ incidentId, name, requestedBy }) {
      const i = await incident(incidentId);
      if (!i.channel || i.channel.name === name) return;
      try {
        const renamed = await api.renameChannel(i.channel.id, name);
        await ctx.incidents.linkChannel(await actorFor(requestedBy), i.id, renamed);
      } catch (error) {
        if (!(error instanceof SlackRefusal)) throw error;
        const why = error.error === 'name_taken' ? `#${name} is taken` : `Slack refused the name (${error.error})`;
        await api.postEphemeral(i.channel.id, requestedBy, { text: `Could not rename the channel: ${why}. Try another name.` });
      }
    },

    async 'slack.channel.post'({ incidentId, text, blocks }) {
      await inChannel(await incident(incidentId), { text, blocks: storedBlocks(blocks) });
    },

    async 'slack.role.dm'({ incidentId, role, slackUserId }) {
      const i = await incident(incidentId);
      const dm = await api.openDirectMessage(slackUserId);
      await api.postMessage(dm, renderRoleDm(role, i, ctx.publicUrl, { invocation: config.command }));
    },

    async 'slack.user.sync'({ slackUserId }) {
      const profile = await api.userProfile(slackUserId);
      await ctx.users.updateFromSlackProfile(slackUserId, profile);
    },

    async 'slack.channel.member'({ incidentId, slackUserId, joined, by }, _job, log) {
      const known = await ctx.store.users.findBySlackUserId(slackUserId as SlackUserId);
      if (!joined) {
        // Never seen: never recorded, so nothing to take back.
        if (known) await ctx.incidents.removePerson(await actorFor(by), incidentId, { slackUserId }, 'channel');
        return;
      }
      // Someone we know only by Slack id: learn their profile before anything stores them, so
      // their email finds the account they sign in to the site with (one person, one user).
      if (!known || known.name === slackUserId) {
        try {
          await ctx.users.updateFromSlackProfile(slackUserId, await api.userProfile(slackUserId));
        } catch (error) {
          // A profile Slack will not give (a deactivated user) still leaves a member to record.
          if (!(error instanceof SlackRefusal)) throw error;
          log.warn({ slackUserId, error: error.error }, 'no Slack profile for a channel member');
        }
      }
      await ctx.incidents.addPerson(await actorFor(by), incidentId, { slackUserId }, 'channel');
    },

    async 'slack.respond'({ responseUrl, ephemeral, text, blocks }) {
      await api.respond(responseUrl, {
        response_type: ephemeral ? 'ephemeral' : 'in_channel',
        replace_original: false,
        text,
        ...(blocks ? { blocks } : {}),
      });
    },

    async 'slack.ephemeral'({ channelId, userId, responseUrl, text, blocks }) {
      try {
        await api.postEphemeral(channelId, userId, { text, blocks: storedBlocks(blocks) });
      } catch (error) {
        if (!(error instanceof SlackRefusal) || !responseUrl) throw error;
        await api.respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text, ...(blocks ? { blocks } : {}) });
      }
    },

    ...createNudgeHandlers(ctx),
    ...createRcaHandlers(ctx),
    ...createArchiveHandlers(ctx),

    async 'slack.pin.reaction'({ incidentId, channelId, ts, reactedBy }) {
      const message = await api.message(channelId, ts);
      if (!message) return;
      const author = message.user ? (await ctx.users.fromSlack(message.user)).user : systemUser;
      const files = message.fileNames.length > 0 ? `\n(files: ${message.fileNames.join(', ')})` : '';
      const text = copiedText(fromSlackText(message.text) + files || '(a message without text)', LONG_TEXT_MAX);
      await ctx.timeline.addCopy(await actorFor(reactedBy), incidentId, {
        kind: 'pinnedMessage',
        text,
        occurredAt: slackTsToDate(ts),
        link: await api.permalink(channelId, ts).catch(() => null),
        author,
        sourceRef: `slack:${channelId}:${ts}`,
      });
    },
  };

  const map = new Map<string, JobHandler>();
  for (const type of Object.keys(handlers) as SlackJobType[]) {
    const schema = slackJobSchemas[type];
    const handler = handlers[type] as Handler<typeof type>;
    map.set(type, async (job, log) => {
      const parsed = schema.safeParse(job.payload);
      if (!parsed.success) throw new PermanentFailure(`bad ${type} payload: ${parsed.error.message}`);
      await handler(parsed.data as never, job, log);
    });
  }
  return map;
}
