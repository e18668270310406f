import { DomainError } from '../domain/errors.js';
import {
  checkRoutingKey,
  checkTeamDescription,
  checkTeamName,
  maskSecret,
  type EscalationTeam,
  type PagingTeam,
  type PagingTeamId,
} from '../domain/paging-team.js';
import type { Actor } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import { claimRequest, type ServiceDeps } from './context.js';

/** A team from PAGERDUTY_TEAMS: read-only here. */
export interface ConfiguredTeam {
  readonly name: string;
  readonly description: string;
  readonly routingKey: string;
}

/** A team as the admin page shows it: the key masked, never whole. */
export interface TeamListing {
  /** Null for a team from configuration (it cannot be changed on the site). */
  readonly id: PagingTeamId | null;
  readonly name: string;
  readonly description: string;
  readonly maskedRoutingKey: string;
  readonly active: boolean;
  readonly fromConfig: boolean;
}

export interface TeamInput {
  readonly name: string;
  readonly description: string;
  /** Blank when changing a team: keep the key it has (the page never shows it back). */
  readonly routingKey: string;
  readonly active: boolean;
}

function listing(team: PagingTeam): TeamListing {
  return { id: team.id, name: team.name, description: team.description, maskedRoutingKey: maskSecret(team.routingKey), active: team.active, fromConfig: false };
}

/**
 * The specialist teams that can be paged: those from configuration (read-only) and those managed
 * on the site's admin page. The one place a team's name becomes its PagerDuty routing key.
 */
export function createPagingTeamService(deps: ServiceDeps, options: { readonly configTeams: readonly ConfiguredTeam[] }) {
  const { store, clock, ids } = deps;
  const configTeams = options.configTeams;
  const configured = (name: string) => configTeams.find((t) => t.name.toLowerCase() === name.toLowerCase());

  async function findOrFail(repos: Repositories, id: string): Promise<PagingTeam> {
    const team = await repos.pagingTeams.findById(id as PagingTeamId);
    if (!team) throw new DomainError('team.not_found', 'There is no such team: it may have been removed.');
    return team;
  }

  async function checkNameFree(repos: Repositories, name: string, self: PagingTeamId | null): Promise<void> {
    const clash = configured(name) ? 'from configuration' : null;
    const stored = await repos.pagingTeams.findByName(name);
    if (clash || (stored && stored.id !== self)) {
      throw new DomainError('team.name_taken', `There is already a team called ${clash ? `${configured(name)!.name} (${clash})` : stored!.name}: choose another name`, { field: 'name' });
    }
  }

  return {
    /** The teams `escalate` offers besides the lead: configuration's, then the site's active ones. */
    async escalationTeams(): Promise<EscalationTeam[]> {
      const stored = (await store.pagingTeams.list()).filter((t) => t.active);
      return [
        ...configTeams.map((t) => ({ name: t.name, description: t.description, fromConfig: true })),
        ...stored.map((t) => ({ name: t.name, description: t.description, fromConfig: false })),
      ];
    },

    /**
     * The routing key of the team called `name`, or null when there is none. An inactive team is
     * found only for `resolve`: a page it already sent must still be closed at PagerDuty.
     */
    async routingKeyOf(name: string, use: 'page' | 'resolve'): Promise<string | null> {
      const fromConfig = configTeams.find((t) => t.name === name);
      if (fromConfig) return fromConfig.routingKey;
      const team = await store.pagingTeams.findByName(name);
      if (!team || (!team.active && use === 'page')) return null;
      return team.routingKey;
    },

    /** Every team for the admin page: configuration's first, then the site's by name. */
    async list(): Promise<TeamListing[]> {
      return [
        ...configTeams.map((t) => ({ id: null, name: t.name, description: t.description, maskedRoutingKey: maskSecret(t.routingKey), active: true, fromConfig: true })),
        ...(await store.pagingTeams.list()).map(listing),
      ];
    },

    /** One site-managed team (key masked); `team.not_found` when there is none. */
    async get(id: string): Promise<TeamListing> {
      return listing(await findOrFail(store, id));
    },

    /** Adds a team; its name must be free among all teams, and it needs a routing key. */
    async add(actor: Actor, input: TeamInput): Promise<TeamListing> {
      const name = checkTeamName(input.name);
      const description = checkTeamDescription(input.description);
      const routingKey = checkRoutingKey(input.routingKey);
      return store.transaction(async (repos) => {
        await claimRequest(repos, actor, clock.now());
        await checkNameFree(repos, name, null);
        const now = clock.now();
        const team: PagingTeam = { id: ids.newId() as PagingTeamId, name, description, routingKey, active: input.active, createdBy: actor.user.id, createdAt: now, updatedAt: now };
        await repos.pagingTeams.insert(team);
        return listing(team);
      });
    },

    /** Changes a site-managed team; a blank routing key keeps the one it has. */
    async edit(actor: Actor, id: string, input: TeamInput): Promise<TeamListing> {
      const name = checkTeamName(input.name);
      const description = checkTeamDescription(input.description);
      const newKey = input.routingKey.trim() === '' ? null : checkRoutingKey(input.routingKey);
      return store.transaction(async (repos) => {
        await claimRequest(repos, actor, clock.now());
        const team = await findOrFail(repos, id);
        await checkNameFree(repos, name, team.id);
        const changed: PagingTeam = { ...team, name, description, routingKey: newKey ?? team.routingKey, active: input.active, updatedAt: clock.now() };
        await repos.pagingTeams.update(changed);
        return listing(changed);
      });
    },

    /** Removes a site-managed team (pages it sent can no longer be resolved by us: make it inactive for that). */
    async remove(actor: Actor, id: string): Promise<TeamListing> {
      return store.transaction(async (repos) => {
        await claimRequest(repos, actor, clock.now());
        const team = await findOrFail(repos, id);
        await repos.pagingTeams.remove(team.id);
        return listing(team);
      });
    },
  };
}

export type PagingTeamService = ReturnType<typeof createPagingTeamService>;
