import { archiveChannel, type ArchiveTrigger } from '../domain/channel-archive.js';
import { DomainError } from '../domain/errors.js';
import type { Incident } from '../domain/incident.js';
import type { Actor } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import { claimRequest, contextFor, inTransaction, StaleWrite, type ServiceDeps } from './context.js';
import { findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';

/** What an archive request did: `archived` false when the channel already was (then `incident.channelArchivedAt` says since when). */
export interface ArchiveOutcome {
  readonly incident: Incident;
  readonly archived: boolean;
}

/**
 * Archives the channel of `incident` (locked by the caller) inside the caller's transaction: the
 * one path for a person's `archive` and the reminder engine's automatic archive, so the two can
 * never both archive. The Slack work (the last message, `conversations.archive`) is enqueued by
 * the listeners hearing `incident.channel_archived` in this same transaction.
 */
export async function archiveChannelWithin(
  deps: ServiceDeps,
  repos: Repositories,
  incident: Incident,
  actor: Actor,
  trigger: ArchiveTrigger,
): Promise<ArchiveOutcome> {
  const ctx = contextFor(deps, actor);
  const archived = archiveChannel(incident, trigger, ctx);
  if (archived.events.length === 0) return { incident, archived: false };
  if (!(await repos.incidents.update(archived.state))) throw new StaleWrite();
  const saved = { ...archived.state, version: archived.state.version + 1 };
  await recordEvents(repos, saved, archived.events, actor, ctx, deps.listeners);
  return { incident: saved, archived: true };
}

/** Archiving an incident's comms channel after close: a state change like any other, from any surface. */
export function createArchiveService(deps: ServiceDeps) {
  return {
    /**
     * Archives the channel now (the `archive` command, the close message's button). Refused on an
     * open incident; a repeat (retried request, second press) changes nothing and says so.
     */
    async archiveChannel(actor: Actor, idOrReference: string): Promise<ArchiveOutcome> {
      return inTransaction(
        deps.store,
        async (repos) => {
          await claimRequest(repos, actor, deps.clock.now());
          const incident = await findIncidentForUpdate(repos, idOrReference);
          return archiveChannelWithin(deps, repos, incident, actor, 'person');
        },
        () => new DomainError('incident.concurrent_update', `${idOrReference} is being changed by others right now; try again.`),
      );
    },
  };
}

export type ArchiveService = ReturnType<typeof createArchiveService>;
