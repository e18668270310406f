import type { IncidentId } from '../domain/ids.js';
import type { Incident } from '../domain/incident.js';
import { DomainError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import { neverSent, nextNudgeAt, nudgeKinds, type NudgeFacts, type NudgeKind, type NudgeSettings } from '../domain/nudges.js';
import { LONG_TEXT_MAX, optionalText } from '../domain/text.js';
import { systemUser, type Actor } from '../domain/user.js';
import type { ChangeListener } from '../ports/change-listener.port.js';
import type { NudgeRecord, Repositories } from '../ports/store.port.js';
import { archiveChannelWithin } from './archive.service.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';

/** The job that checks one reminder of one incident when it may be due. */
export const NUDGE_CHECK_JOB = 'nudge.check';

export interface NudgeCheckPayload {
  readonly incidentId: IncidentId;
  readonly kind: NudgeKind;
}

const MINUTE = 60_000;
export const CHECKINS_MIN_MS = 5 * MINUTE;
export const CHECKINS_MAX_MS = 24 * 60 * MINUTE;
export const SNOOZE_MAX_MS = 7 * 24 * 60 * MINUTE;

/** The facts the rules need, from the incident and its reminders' records. */
function factsOf(incident: Incident, records: ReadonlyMap<NudgeKind, NudgeRecord>): NudgeFacts {
  const checkin = records.get('checkin');
  const archive = records.get('archive');
  return {
    incident,
    lastUpdateAt: records.get('comms_update')?.since ?? null,
    checkins: checkin?.everyMs ? { everyMs: checkin.everyMs, since: checkin.since ?? incident.startedAt } : null,
    rcaRecorded: !!records.get('schedule_rca')?.stoppedAt,
    keepChannel: !!archive?.stoppedAt,
    // Archived by a person or automatically (one path: archive.service); a count from before the
    // incident recorded it still counts.
    channelArchived: incident.channelArchivedAt !== null || (archive?.sentCount ?? 0) > 0,
  };
}

/**
 * The process's reminders. Nothing polls: after every change a `nudge.check` job is queued for
 * the moment each reminder could next be due (the durable jobs, so exactly once across instances
 * and nothing lost to a restart); the check re-reads everything under the incident's lock and
 * sends only what is still due, recording it as an event that the Slack reactor delivers, the
 * timeline tells and the scheduler answers with the next check.
 */
export function createNudgeService(deps: ServiceDeps, settings: NudgeSettings) {
  const { store, clock } = deps;
  const systemActor: Actor = { user: systemUser, source: 'system' };

  /** Records `events` (already applied to the reminders' records) as a change to `incident`. */
  async function record(repos: Repositories, incident: Incident, actor: Actor, events: DomainEvent[]): Promise<void> {
    await recordEvents(repos, incident, events, actor, contextFor(deps, actor), deps.listeners);
  }

  /** A change to one reminder by a person: found, locked, open (`openOnly`), request claimed. */
  async function change(actor: Actor, idOrReference: string, work: (repos: Repositories, incident: Incident) => Promise<DomainEvent[]>, openOnly = true) {
    return store.transaction(async (repos) => {
      await claimRequest(repos, actor, clock.now());
      const incident = await findIncidentForUpdate(repos, idOrReference);
      if (openOnly && incident.status !== 'open') {
        throw new DomainError('incident.already_closed', `${incident.reference} is closed.`);
      }
      const events = await work(repos, incident);
      if (events.length > 0) await record(repos, incident, actor, events);
      return incident;
    });
  }

  const scheduler: ChangeListener = {
    async onChange(repos, { incident, events }) {
      // A status page update noted on the timeline keeps stakeholders informed as an `update`
      // does: the comms lead's cadence counts from it.
      if (events.some((e) => e.type === 'timeline.entry_added' && e.kind === 'statusPage')) {
        await repos.nudges.set(incident.id, 'comms_update', { since: clock.now() });
      }
      // Reminders are said in the comms channel: with none (Slack off, or not created yet) there
      // is nobody to remind. Linking a channel is a change, so they start then.
      if (!incident.channel) return;
      const records = await repos.nudges.forIncident(incident.id);
      const facts = factsOf(incident, records);
      for (const kind of nudgeKinds) {
        const due = nextNudgeAt(kind, facts, settings, records.get(kind) ?? neverSent);
        if (!due) continue;
        // One check per reminder and due time: repeated changes queue it once; a check that finds
        // the reminder answered, or due later after all, does nothing.
        const payload: NudgeCheckPayload = { incidentId: incident.id, kind };
        await repos.jobs.enqueue({ type: NUDGE_CHECK_JOB, payload, runAt: due, dedupeKey: `nudge:${incident.id}:${kind}:${due.toISOString()}` });
      }
    },
  };

  return {
    /** Hears every change and queues the next checks; registered with the other listeners. */
    scheduler,

    /** Sends the reminder if it is due now (the `nudge.check` job). */
    async check({ incidentId, kind }: NudgeCheckPayload): Promise<void> {
      await store.transaction(async (repos) => {
        const incident = await findIncidentForUpdate(repos, incidentId);
        if (!incident.channel) return;
        const records = await repos.nudges.forIncident(incident.id);
        const state = records.get(kind) ?? neverSent;
        const due = nextNudgeAt(kind, factsOf(incident, records), settings, state);
        const now = clock.now();
        if (!due || due.getTime() > now.getTime()) return;
        if (!(await repos.nudges.markSent(incident.id, kind, state.sentCount, now))) return;
        // The automatic archive is the same state change as a person's `archive`: it sets
        // channelArchivedAt, so the two never both archive; its Slack work follows that event.
        const current = kind === 'archive' ? (await archiveChannelWithin(deps, repos, incident, systemActor, 'automatic')).incident : incident;
        await record(repos, current, systemActor, [{ type: 'nudge.sent', kind, count: state.sentCount + 1 }]);
      });
    },

    /** When `kind` is next due on this incident, or null: what a reminder names ("archived on 8 May"). */
    async dueAt(idOrReference: string, kind: NudgeKind): Promise<Date | null> {
      const incident = await findIncident(store, idOrReference);
      const records = await store.nudges.forIncident(incident.id);
      return nextNudgeAt(kind, factsOf(incident, records), settings, records.get(kind) ?? neverSent);
    },

    /** A raised reminder reached the channel: the timeline now says it was sent. */
    async recordDelivered(incidentId: IncidentId, kind: NudgeKind): Promise<void> {
      await store.transaction(async (repos) => {
        const incident = await findIncident(repos, incidentId);
        await record(repos, incident, systemActor, [{ type: 'nudge.delivered', kind }]);
      });
    },

    /** Not before `forMs` from now (a button on the reminder, or a command). */
    async snooze(actor: Actor, idOrReference: string, kind: NudgeKind, forMs: number): Promise<Incident> {
      if (!Number.isFinite(forMs) || forMs < MINUTE || forMs > SNOOZE_MAX_MS) {
        throw new DomainError('nudge.invalid', 'Snooze for between 1 minute and 7 days.', { field: 'for' });
      }
      return change(actor, idOrReference, async (repos, incident) => {
        const until = new Date(clock.now().getTime() + forMs);
        await repos.nudges.set(incident.id, kind, { snoozedUntil: until });
        return [{ type: 'nudge.snoozed', kind, until: until.toISOString() }];
      }, false);
    },

    /**
     * Answers a reminder for good on this incident: `keep` the channel (no archive, no warning),
     * the RCA is booked. A repeat changes nothing.
     */
    async stop(actor: Actor, idOrReference: string, kind: NudgeKind): Promise<Incident> {
      return change(actor, idOrReference, async (repos, incident) => {
        const records = await repos.nudges.forIncident(incident.id);
        if (records.get(kind)?.stoppedAt) return [];
        const at = clock.now();
        await repos.nudges.set(incident.id, kind, { stoppedAt: at });
        if (kind === 'archive') await repos.nudges.set(incident.id, 'archive_warning', { stoppedAt: at });
        return [{ type: 'nudge.stopped', kind }];
      }, false);
    },

    /** The lead's team check-ins: every `everyMs` from now, or none (null). */
    async setCheckins(actor: Actor, idOrReference: string, everyMs: number | null): Promise<Incident> {
      if (everyMs !== null && (!Number.isFinite(everyMs) || everyMs < CHECKINS_MIN_MS || everyMs > CHECKINS_MAX_MS)) {
        throw new DomainError('nudge.invalid', 'Check-ins can be every 5 minutes to every 24 hours.', { field: 'every' });
      }
      return change(actor, idOrReference, async (repos, incident) => {
        const current = (await repos.nudges.forIncident(incident.id)).get('checkin')?.everyMs ?? null;
        if (current === everyMs) return [];
        await repos.nudges.set(incident.id, 'checkin', { everyMs, since: clock.now() });
        return [{ type: 'checkins.scheduled', everyMs }];
      });
    },

    /** A stakeholder update: told on the timeline and to the announcement channel; the comms cadence restarts. */
    async postUpdate(actor: Actor, idOrReference: string, text: string): Promise<Incident> {
      const clean = optionalText(text, 'update', LONG_TEXT_MAX, 'nudge.invalid');
      if (!clean) throw new DomainError('nudge.invalid', 'Write the update after the command, e.g. `update Payments are back; monitoring`.', { field: 'text' });
      return change(actor, idOrReference, async (repos, incident) => {
        await repos.nudges.set(incident.id, 'comms_update', { since: clock.now() });
        return [{ type: 'incident.update_posted', text: clean }];
      });
    },
  };
}

export type NudgeService = ReturnType<typeof createNudgeService>;
