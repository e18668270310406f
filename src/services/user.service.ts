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

    /** Stores a Slack profile: the display name, and the email that links the person to web sign-in. */
    async updateFromSlackProfile(slackUserId: string, profile: { name: string; email: string | null }): Promise<User> {
      return store.transaction((repos) =>
        resolveUser(repos, ids, { slackUserId, name: profile.name, email: profile.email ?? undefined }, 'user'),
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
