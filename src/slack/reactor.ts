import type { DomainEvent } from '../domain/events.js';
import type { TimelineEntryId } from '../domain/ids.js';
import { holderOf, type Incident } from '../domain/incident.js';
import { narrate } from '../domain/narration.js';
import type { User } from '../domain/user.js';
import type { ChangeListener, IncidentChange } from '../ports/change-listener.port.js';
import type { Repositories } from '../ports/store.port.js';
import { CALL_SOURCE_REF } from '../services/call.service.js';
import {
  renderCallStarted,
  renderCheckinsScheduled,
  renderClosedMessage,
  renderNudgeSnoozed,
  renderNudgeStopped,
  renderRoleAnnouncement,
  renderStakeholderUpdate,
  type SlackMessage,
} from './blocks/index.js';
import { escapeMrkdwn, keepSlackMarkup, mention } from './blocks/mrkdwn.js';
import { truncatePlain } from './blocks/limits.js';
import type { SeverityScale } from '../domain/severity.js';
import { enqueueSlackJob } from './jobs/catalogue.js';
import { renderPageAcknowledged, renderPageSent } from './blocks/page.js';
import { renderChannelArchived } from './blocks/channel-archived.js';
import { renderRcaSessionRecorded } from './blocks/rca-modal.js';

// Changes that alter what the announcement or the channel topic shows.
const headlineEvents = new Set<DomainEvent['type']>([
  'incident.field_changed',
  'incident.role_assigned',
  'incident.role_unassigned',
  'incident.closed',
  'incident.reopened',
  'incident.promoted',
  'incident.channel_linked',
]);
const topicFields = new Set(['title', 'severity']);

function by(user: User): string {
  return user.slackUserId ? mention({ name: user.name, slackUserId: user.slackUserId }) : escapeMrkdwn(user.name);
}

/**
 * Turns every change, from any surface, into the Slack work it implies — the headline refresh,
 * the confirmation in the channel, the new role holder's DM — enqueued in the change's own
 * transaction, so Slack hears of exactly the changes that committed.
 */
export function createSlackReactor(ctx: { readonly publicUrl: string; readonly severities: SeverityScale }): ChangeListener {
  async function post(repos: Repositories, incident: Incident, message: SlackMessage): Promise<void> {
    // An archived channel takes no messages (Slack refuses them); the site has the record.
    if (!incident.channel || incident.channelArchivedAt) return;
    await enqueueSlackJob(
      repos.jobs,
      'slack.channel.post',
      { incidentId: incident.id, text: message.text, blocks: message.blocks as unknown as Record<string, unknown>[] },
      { incidentId: incident.id },
    );
  }

  /** A new call: its link in the channel, and bookmarked there (once: the service records one call per incident). */
  async function announceCall(repos: Repositories, incident: Incident, entryId: TimelineEntryId, who: string): Promise<void> {
    const entry = await repos.timeline.findById(incident.id, entryId);
    if (!incident.channel || !entry?.link) return;
    await post(repos, incident, renderCallStarted(entry.link, who));
    await enqueueSlackJob(repos.jobs, 'slack.call.bookmark', { incidentId: incident.id, link: entry.link }, { incidentId: incident.id });
  }

  const plain = (text: string): SlackMessage => ({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });

  return {
    async onChange(repos: Repositories, { incident, events, actor }: IncidentChange): Promise<void> {
      const id = incident.id;
      const queue = { incidentId: id };
      if (events.some((e) => e.type === 'incident.declared')) {
        await enqueueSlackJob(repos.jobs, 'slack.headline.post', { incidentId: id }, queue);
      } else if (events.some((e) => headlineEvents.has(e.type))) {
        await enqueueSlackJob(repos.jobs, 'slack.headline.update', { incidentId: id }, { ...queue, dedupeKey: `headline:${id}` });
      }
      const topicChanged = events.some(
        (e) =>
          (e.type === 'incident.field_changed' && topicFields.has(e.field)) ||
          e.type === 'incident.closed' ||
          e.type === 'incident.reopened',
      );
      if (incident.channel && !incident.channelArchivedAt && topicChanged) {
        await enqueueSlackJob(repos.jobs, 'slack.channel.topic', { incidentId: id }, { ...queue, dedupeKey: `topic:${id}` });
      }

      for (const event of events) {
        switch (event.type) {
          case 'incident.channel_linked': {
            if (event.previous) break;
            const invite = new Set<string>();
            for (const user of [actor.user, incident.reporter, ...incident.roleAssignments.filter((a) => !a.endedAt).map((a) => a.holder)]) {
              if (user.slackUserId) invite.add(user.slackUserId);
            }
            await enqueueSlackJob(repos.jobs, 'slack.channel.invite', { incidentId: id, users: [...invite] }, queue);
            await enqueueSlackJob(repos.jobs, 'slack.channel.topic', { incidentId: id }, queue);
            await enqueueSlackJob(repos.jobs, 'slack.channel.bookmark', { incidentId: id }, queue);
            await enqueueSlackJob(repos.jobs, 'slack.channel.kickoff', { incidentId: id }, queue);
            // A call started from the announcement before there was a channel.
            const call = await repos.timeline.findBySourceRef(id, CALL_SOURCE_REF);
            if (call?.link) await enqueueSlackJob(repos.jobs, 'slack.call.bookmark', { incidentId: id, link: call.link }, queue);
            break;
          }
          case 'incident.role_assigned': {
            const holder = holderOf(incident, event.role) ?? event.holder;
            // The ended assignment still has the previous holder's Slack id, for a real mention.
            const previous =
              incident.roleAssignments.find((a) => a.endedAt && a.holder.id === event.previous?.id && a.role === event.role)?.holder ??
              event.previous;
            await post(repos, incident, renderRoleAnnouncement({ role: event.role, holder, previous }));
            // The holder gets the role's duties, even when they took it themselves.
            const slackUserId = holderOf(incident, event.role)?.slackUserId ?? null;
            if (slackUserId) {
              await enqueueSlackJob(repos.jobs, 'slack.role.dm', { incidentId: id, role: event.role, slackUserId }, queue);
              // Named by a mention before we ever saw them: learn their name (the actor's is already asked for).
              if (holder.name === slackUserId && holder.id !== actor.user.id) {
                await enqueueSlackJob(repos.jobs, 'slack.user.sync', { slackUserId }, { dedupeKey: `user:${slackUserId}` });
              }
            }
            break;
          }
          case 'incident.role_unassigned':
            await post(repos, incident, renderRoleAnnouncement({ role: event.role, holder: null, previous: event.previous }));
            break;
          case 'incident.closed': {
            const onStatusPage = await repos.statusPage.findByIncident(id);
            const statusPageOpen = onStatusPage !== null && onStatusPage.status !== 'resolved';
            await post(repos, incident, renderClosedMessage(incident, { publicUrl: ctx.publicUrl, note: event.note, statusPageOpen }));
            break;
          }
          case 'incident.field_changed':
          case 'incident.reopened':
          case 'incident.promoted':
          case 'action.added':
          case 'action.completed':
          case 'action.reopened': {
            const told = narrate(event, ctx.severities)?.text ?? describeActionEvent(event);
            // Summaries and impacts typed in Slack keep their mentions and links.
            const typed = event.type === 'incident.field_changed' && (event.field === 'summary' || event.field === 'impact');
            if (told) await post(repos, incident, plain(`${typed ? keepSlackMarkup(told) : escapeMrkdwn(told)} — ${by(actor.user)}`));
            break;
          }
          case 'incident.person_added':
          case 'incident.person_removed':
            // Slack announces channel joins itself; someone let in on the site is news to the channel.
            if (event.how === 'added') await post(repos, incident, plain(`${escapeMrkdwn(narrate(event, ctx.severities)?.text ?? '')} — ${by(actor.user)}`));
            break;
          case 'timeline.entry_added':
            if (event.kind === 'note') await post(repos, incident, plain(`Noted on the timeline — ${by(actor.user)}`));
            if (event.kind === 'call') await announceCall(repos, incident, event.entryId, by(actor.user));
            break;
          case 'nudge.sent':
            // Rendered when sent (the check-in shows the actions then). The automatic archive says
            // its last word with the archive itself: `incident.channel_archived`, below.
            if (event.kind !== 'archive') await enqueueSlackJob(repos.jobs, 'slack.nudge.post', { incidentId: id, kind: event.kind }, queue);
            break;
          case 'incident.channel_archived': {
            // The last word, then the archive, in the incident's queue (the post cannot go through
            // `post`, which skips archived channels). The transition happens once, so these are
            // queued once however often the archive was asked for; the key guards old callers.
            const last = renderChannelArchived(incident, { publicUrl: ctx.publicUrl, by: event.automatic ? null : by(actor.user) });
            const stored = { text: last.text, blocks: last.blocks as unknown as Record<string, unknown>[] };
            await enqueueSlackJob(repos.jobs, 'slack.channel.post', { incidentId: id, ...stored }, queue);
            await enqueueSlackJob(repos.jobs, 'slack.channel.archive', { incidentId: id }, { ...queue, dedupeKey: `channel.archive:${id}` });
            break;
          }
          case 'nudge.snoozed':
            await post(repos, incident, plain(renderNudgeSnoozed(event.kind, new Date(event.until), by(actor.user))));
            break;
          case 'nudge.stopped':
            await post(repos, incident, plain(renderNudgeStopped(event.kind, by(actor.user))));
            break;
          case 'checkins.scheduled':
            await post(repos, incident, plain(renderCheckinsScheduled(event.everyMs, by(actor.user))));
            break;
          case 'incident.update_posted': {
            const update = renderStakeholderUpdate(incident, { text: event.text, by: by(actor.user), publicUrl: ctx.publicUrl });
            // A private incident stays out of the public announcement channel: its own channel only.
            if (!incident.private) {
              const stored = { text: update.text, blocks: update.blocks as unknown as Record<string, unknown>[] };
              await enqueueSlackJob(repos.jobs, 'slack.announce.post', { incidentId: id, ...stored }, queue);
            }
            await post(repos, incident, update);
            break;
          }
          case 'statuspage.published': {
            // A section holds 3000 characters; the whole message is on the status page.
            const told = escapeMrkdwn(truncatePlain(narrate(event, ctx.severities)?.text ?? '', 2500));
            // Once the outside status page has it (the first publication's sync), its link too.
            const external = event.first ? null : await repos.statusPage.externalOf(event.publicIncidentId);
            const elsewhere = external?.link ? ` · <${external.link}|its public incident page>` : '';
            // The publisher learns what was masked (kinds and hints only: the secret is not in the event).
            const masked = event.masked?.length ? `\n:lock: Masked before publishing: ${escapeMrkdwn(event.masked.map((m) => `${m.label} (${m.hint})`).join(', '))}` : '';
            await post(repos, incident, plain(`${told} — ${by(actor.user)} (<${ctx.publicUrl}/status|status page>)${elsewhere}${masked}`));
            break;
          }
          case 'statuspage.linked': {
            const where = event.link ? `<${event.link}|${escapeMrkdwn(event.link)}>` : 'created (it gave no link)';
            await post(repos, incident, plain(`:globe_with_meridians: On ${escapeMrkdwn(event.service)}: ${where}`));
            break;
          }
          case 'rca.shared':
            // One job per channel, each rendered when sent; the press was claimed once, so each posts once.
            for (const channel of event.channels) await enqueueSlackJob(repos.jobs, 'slack.rca.share', { incidentId: id, channel });
            break;
          case 'page.sent': {
            // The job sent it as the system; the channel names who asked.
            const requester = await repos.users.findById(event.requestedBy.id);
            const message = renderPageSent(incident, {
              target: event.target,
              message: event.message,
              by: requester ? by(requester) : escapeMrkdwn(event.requestedBy.name),
              onCall: event.onCall,
              dedupKey: event.dedupKey,
              publicUrl: ctx.publicUrl,
            });
            await post(repos, incident, message);
            break;
          }
          case 'page.acknowledged': {
            const told = narrate(event, ctx.severities)?.text ?? '';
            await post(repos, incident, renderPageAcknowledged({ told, by: event.by, lead: event.lead }));
            break;
          }
          case 'page.ended': {
            const told = narrate(event, ctx.severities)?.text;
            if (told) await post(repos, incident, plain(`:pager: ${escapeMrkdwn(told)}`));
            break;
          }
          case 'rca.session_recorded': {
            const confirmation = renderRcaSessionRecorded(incident, {
              heldOn: event.heldOn,
              attendees: event.attendees.map((a) => a.name),
              by: by(actor.user),
              first: event.first,
              publicUrl: ctx.publicUrl,
            });
            await post(repos, incident, confirmation);
            break;
          }
          case 'page.requested':
          case 'incident.declared':
          case 'action.updated':
          case 'timeline.entry_revised':
          case 'timeline.entry_removed':
            break;
        }
      }
    },
  };
}

function describeActionEvent(event: DomainEvent): string | null {
  if (event.type === 'action.completed') return 'An action was marked done';
  if (event.type === 'action.reopened') return 'An action was reopened';
  return null;
}
