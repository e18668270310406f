import type { Action } from '../domain/action.js';
import { DomainError } from '../domain/errors.js';
import type { ActionId } from '../domain/ids.js';
import { isVisibleTo, type Incident, type Viewer } from '../domain/incident.js';
import { addFollowUp, compareFollowUps, updateFollowUp } from '../domain/rca.js';
import type { Actor } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';
import { resolveUser, type UserInput } from './user-directory.js';

export interface FollowUpRequest {
  readonly text: string;
  readonly owner: UserInput | null;
  readonly dueOn: string;
}

export interface FollowUpUpdate {
  readonly text?: string;
  readonly owner?: UserInput;
  readonly dueOn?: string;
  readonly done?: boolean;
}

/** An open follow-up with the incident it came from (the /follow-ups page's row). */
export interface OpenFollowUp {
  readonly incident: Incident;
  readonly followUp: Action;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Follow-ups agreed at the RCA: actions with an owner and a due date, flagged `followUp`, that
 * stay on the site's list until done. Changes are audited and told on the timeline.
 */
export function createFollowUpService(deps: ServiceDeps) {
  const { store, ids } = deps;

  async function ownerOf(repos: Repositories, input: UserInput) {
    if (input.email !== undefined && !EMAIL.test(input.email.trim())) {
      throw new DomainError('rca.invalid', `"${input.email}" is not an email address.`, { field: 'owner' });
    }
    return resolveUser(repos, ids, input, 'owner');
  }

  return {
    /** Adds a follow-up to the incident. */
    async add(actor: Actor, idOrReference: string, request: FollowUpRequest): Promise<Action> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        const owner = request.owner ? await ownerOf(repos, request.owner) : null;
        const added = addFollowUp(incident, { text: request.text, owner, dueOn: request.dueOn }, ctx);
        await repos.actions.insert(added.state);
        await recordEvents(repos, incident, added.events, actor, ctx, deps.listeners);
        return added.state;
      });
    },

    /** Edits a follow-up, completes it or reopens it. */
    async update(actor: Actor, idOrReference: string, actionId: string, update: FollowUpUpdate): Promise<Action> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        const action = await repos.actions.findById(incident.id, actionId as ActionId);
        if (!action || !action.followUp) throw new DomainError('action.not_found', `No follow-up "${actionId}" on ${incident.reference}.`);
        const owner = update.owner ? await ownerOf(repos, update.owner) : undefined;
        const updated = updateFollowUp(action, { text: update.text, owner, dueOn: update.dueOn, done: update.done }, ctx);
        if (updated.events.length === 0) return action;
        await repos.actions.update(updated.state);
        await recordEvents(repos, incident, updated.events, actor, ctx, deps.listeners);
        return updated.state;
      });
    },

    /** One follow-up of an incident. */
    async find(idOrReference: string, actionId: string): Promise<Action> {
      const incident = await findIncident(store, idOrReference);
      const action = await store.actions.findById(incident.id, actionId as ActionId);
      if (!action || !action.followUp) throw new DomainError('action.not_found', `No follow-up "${actionId}" on ${incident.reference}.`);
      return action;
    },

    /** Every follow-up not done yet on the incidents `viewer` may see, soonest due first. */
    async openFor(viewer: Viewer): Promise<OpenFollowUp[]> {
      const incidentIds = await store.rcas.incidentsWithOpenFollowUps();
      const rows: OpenFollowUp[] = [];
      for (const id of incidentIds) {
        const incident = await store.incidents.findById(id);
        if (!incident || !isVisibleTo(incident, viewer)) continue;
        const actions = await store.actions.listForIncident(id);
        for (const followUp of actions) if (followUp.followUp && !followUp.done) rows.push({ incident, followUp });
      }
      return rows.sort((a, b) => compareFollowUps(a.followUp, b.followUp) || a.incident.number - b.incident.number);
    },
  };
}

export type FollowUpService = ReturnType<typeof createFollowUpService>;
