import type { TransitionContext } from '../domain/context.js';
import type { DomainEvent } from '../domain/events.js';
import type { Incident } from '../domain/incident.js';
import type { ChangeListener } from '../ports/change-listener.port.js';
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
  incident: Incident,
  events: readonly DomainEvent[],
  actor: Actor,
  ctx: TransitionContext,
  listeners: readonly ChangeListener[] = [],
): Promise<void> {
  const incidentId = incident.id;
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
  for (const listener of listeners) await listener.onChange(repos, { incident, events: all, actor });
}
