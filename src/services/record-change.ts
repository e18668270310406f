import type { TransitionContext } from '../domain/context.js';
import type { DomainEvent } from '../domain/events.js';
import type { IncidentId } from '../domain/ids.js';
import { narrate } from '../domain/narration.js';
import { addTimelineEntry, type TimelineChange } from '../domain/timeline.js';
import type { Actor } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';

/**
 * Writes what a transition produced besides its state: the audit trail, and the lines the app
 * tells on the timeline (role hand-overs, severity changes, close). Same transaction as the state.
 */
export async function recordEvents(
  repos: Repositories,
  incidentId: IncidentId,
  events: readonly DomainEvent[],
  actor: Actor,
  ctx: TransitionContext,
): Promise<void> {
  const all: DomainEvent[] = [...events];
  const entries: TimelineChange[] = [];
  for (const event of events) {
    const narration = narrate(event, ctx.severities);
    if (!narration) continue;
    const added = addTimelineEntry(incidentId, narration, actor.source, ctx);
    entries.push(added.state);
    all.push(...added.events);
  }
  await repos.timeline.insert(entries);
  await repos.audit.append(all.map((event) => ({ incidentId, at: ctx.at, actor, event })));
}
