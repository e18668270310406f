import { addAction, updateAction, type Action } from '../domain/action.js';
import { DomainError } from '../domain/errors.js';
import type { ActionId } from '../domain/ids.js';
import type { Actor } from '../domain/user.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident } from './find-incident.js';
import { recordEvents } from './record-change.js';
import { resolveUser, type UserInput } from './user-directory.js';

export interface ActionUpdate {
  readonly text?: string;
  readonly owner?: UserInput | null;
  readonly done?: boolean;
}

/** Follow-up actions: recorded during the incident, tracked until done. */
export function createActionService(deps: ServiceDeps) {
  const { store, ids } = deps;
  return {
    async list(idOrReference: string): Promise<Action[]> {
      const incident = await findIncident(store, idOrReference);
      return store.actions.listForIncident(incident.id);
    },

    /** Adds an action; it also goes on the timeline, as the scribe's `action` command does. */
    async add(actor: Actor, idOrReference: string, request: { text: string; owner?: UserInput | null }): Promise<Action> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncident(repos, idOrReference);
        const owner = request.owner ? await resolveUser(repos, ids, request.owner, 'owner') : null;
        const added = addAction(incident.id, { text: request.text, owner }, ctx);
        await repos.actions.insert(added.state);
        await recordEvents(repos, incident, added.events, actor, ctx, deps.listeners);
        return added.state;
      });
    },

    async update(actor: Actor, idOrReference: string, actionId: string, update: ActionUpdate): Promise<Action> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncident(repos, idOrReference);
        const action = await repos.actions.findById(incident.id, actionId as ActionId);
        if (!action) throw new DomainError('action.not_found', `No action "${actionId}" on ${incident.reference}.`);
        const owner =
          update.owner === undefined ? undefined : update.owner === null ? null : await resolveUser(repos, ids, update.owner, 'owner');
        const updated = updateAction(action, { text: update.text, owner, done: update.done }, ctx);
        if (updated.events.length === 0) return action;
        await repos.actions.update(updated.state);
        await recordEvents(repos, incident, updated.events, actor, ctx, deps.listeners);
        return updated.state;
      });
    },
  };
}

export type ActionService = ReturnType<typeof createActionService>;
