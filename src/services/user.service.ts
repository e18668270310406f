import { DomainError } from '../domain/errors.js';
import type { SlackUserId, UserId } from '../domain/ids.js';
import type { User } from '../domain/user.js';
import type { ServiceDeps } from './context.js';
import { resolveUser } from './user-directory.js';

/** People as the surfaces know them: Slack ids first, names and emails filled in as learnt. */
export function createUserService(deps: ServiceDeps) {
  const { store, ids } = deps;
  return {
    /**
     * The person behind a Slack user id, created on first sight. `known` is false while we have
     * only the id (the name is then the id itself, until a profile lookup fills it in).
     */
    async fromSlack(slackUserId: string): Promise<{ user: User; known: boolean }> {
      const user = await store.transaction((repos) => resolveUser(repos, ids, { slackUserId }, 'user'));
      return { user, known: user.name !== slackUserId };
    },

    /** Names of the people with these Slack ids that we know (at most 100 looked up). */
    async namesBySlackId(slackUserIds: readonly string[]): Promise<Map<string, string>> {
      const names = new Map<string, string>();
      for (const id of [...new Set(slackUserIds)].slice(0, 100)) {
        const user = await store.users.findBySlackUserId(id as SlackUserId);
        if (user && user.name !== id) names.set(id, user.name);
      }
      return names;
    },

    /** The person behind a session, or null when they no longer exist. */
    async byId(id: string): Promise<User | null> {
      return store.users.findById(id as UserId);
    },

    /**
     * The local development sign-in: a person by the name typed, the same person each time (an
     * address under the reserved `.invalid` domain stands for them; no mail ever goes there).
     */
    async fromDevSignIn(name: string): Promise<User> {
      const clean = name.replace(/\s+/g, ' ').trim();
      if (clean.length === 0 || clean.length > 100) {
        throw new DomainError('user.invalid', 'Enter your name (up to 100 characters).', { field: 'name' });
      }
      const local = clean.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '') || 'user';
      return store.transaction((repos) => resolveUser(repos, ids, { email: `${local}@dev-sign-in.invalid`, name: clean }, 'name'));
    },

    /**
     * The person a sign-in provider vouched for, found by verified email: the same person as the
     * Slack user with that email (their roles and private incidents follow them to the site).
     */
    async fromSignIn(identity: { email: string; name: string }): Promise<User> {
      return store.transaction((repos) => resolveUser(repos, ids, { email: identity.email, name: identity.name }, 'email'));
    },

    /** Stores a Slack profile: the display name, and the email that links the person to web sign-in. */
    async updateFromSlackProfile(slackUserId: string, profile: { name: string; email: string | null }): Promise<User> {
      return store.transaction((repos) =>
        resolveUser(repos, ids, { slackUserId, name: profile.name, email: profile.email ?? undefined }, 'user'),
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
