import { buildCallLink } from '../domain/call.js';
import type { Incident } from '../domain/incident.js';
import { addTimelineEntry } from '../domain/timeline.js';
import type { Actor } from '../domain/user.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';

/** The `sourceRef` of an incident's call entry: at most one live call per incident. */
export const CALL_SOURCE_REF = 'call';

export interface StartedCall {
  readonly incident: Incident;
  readonly link: string;
  /** True when the incident already had a call: the same link, nothing new recorded. */
  readonly reused: boolean;
}

/** Conference calls: one link per incident, made from the configured template and kept on the timeline. */
export function createCallService(deps: ServiceDeps, urlTemplate: string) {
  return {
    /**
     * Starts the incident's call, or returns the one it has. Under the incident's lock, so two
     * presses at once record (and bookmark) one call.
     */
    async start(actor: Actor, idOrReference: string): Promise<StartedCall> {
      return deps.store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        const existing = await repos.timeline.findBySourceRef(incident.id, CALL_SOURCE_REF);
        if (existing?.link) return { incident, link: existing.link, reused: true };
        const link = buildCallLink(urlTemplate, { reference: incident.reference, channel: incident.channel?.name ?? null });
        const added = addTimelineEntry(
          incident.id,
          { kind: 'call', text: 'Conference call started', link, sourceRef: CALL_SOURCE_REF },
          actor.source,
          ctx,
        );
        await repos.timeline.insert([added.state]);
        await recordEvents(repos, incident, added.events, actor, ctx, deps.listeners);
        return { incident, link: added.state.entry.link ?? link, reused: false };
      });
    },
  };
}

export type CallService = ReturnType<typeof createCallService>;
