import type { TransitionContext } from '../domain/context.js';
import type { SlackUserId, UserId } from '../domain/ids.js';
import type { Incident, PersonKind } from '../domain/incident.js';
import { addPerson, removePerson } from '../domain/incident-transitions.js';
import type { Transition } from '../domain/events.js';
import type { Actor, User } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';
import { resolveUser, type UserInput } from './user-directory.js';

/** The person `input` names if we know them; nobody is created just to be removed. */
async function findUser(repos: Repositories, input: UserInput): Promise<User | null> {
  if (input.id) return repos.users.findById(input.id as UserId);
  const slackUserId = input.slackUserId?.trim();
  if (slackUserId) return repos.users.findBySlackUserId(slackUserId as SlackUserId);
  const email = input.email?.trim().toLowerCase();
  return email ? repos.users.findByEmail(email) : null;
}

/**
 * Who is let in to an incident besides its reporter and role holders (a private incident is
 * visible to them): people added on the site or in Slack, and members of its Slack channel.
 * Both changes are idempotent: a repeat changes nothing and records nothing.
 */
export function createIncidentPeopleService(deps: ServiceDeps) {
  const { store, ids } = deps;

  async function apply(
    repos: Repositories,
    actor: Actor,
    ctx: TransitionContext,
    before: Incident,
    change: Transition<Incident>,
    write: () => Promise<boolean>,
  ): Promise<Incident> {
    // Besides the incident lock, the row's key: whatever the interleaving, one add records once.
    if (change.events.length === 0 || !(await write())) return before;
    await recordEvents(repos, change.state, change.events, actor, ctx, deps.listeners);
    return change.state;
  }

  return {
    /** Lets the person `input` names in to the incident (`how`: `added`, or `channel` for a member of its Slack channel). */
    async addPerson(actor: Actor, idOrReference: string, input: UserInput, how: PersonKind = 'added'): Promise<Incident> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const user = await resolveUser(repos, ids, input, 'person');
        const before = await findIncidentForUpdate(repos, idOrReference);
        const change = addPerson(before, user, how, ctx);
        const added = change.state.people.find((p) => p.user.id === user.id && p.how === how);
        return apply(repos, actor, ctx, before, change, async () => added !== undefined && repos.people.add(before.id, added));
      });
    },

    /**
     * Takes back one way the person was let in (`added`, or `channel` when they leave it). The
     * reporter and role holders stay involved whatever is removed.
     */
    async removePerson(actor: Actor, idOrReference: string, input: UserInput, how: PersonKind = 'added'): Promise<Incident> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const user = await findUser(repos, input);
        const before = await findIncidentForUpdate(repos, idOrReference);
        if (!user) return before;
        return apply(repos, actor, ctx, before, removePerson(before, user.id, how), () => repos.people.remove(before.id, user.id, how));
      });
    },
  };
}

export type IncidentPeopleService = ReturnType<typeof createIncidentPeopleService>;
