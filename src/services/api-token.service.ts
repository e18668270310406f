import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import type { ApiTokenId, UserId } from '../domain/ids.js';
import type { Actor, User } from '../domain/user.js';
import type { ApiToken } from '../ports/store.port.js';
import type { ServiceDeps } from './context.js';

const PREFIX = 'irt_';

/** Only a hash is stored: a leaked database does not leak working tokens. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Bearer tokens for the REST API: created, listed and revoked by an operator from the CLI. */
export function createApiTokenService(deps: ServiceDeps) {
  const { store, ids, clock } = deps;
  return {
    /** Creates a token acting as a user of the same name; the secret is returned once, never stored. */
    async create(name: string): Promise<{ token: ApiToken; secret: string }> {
      const clean = name.replace(/\s+/g, ' ').trim();
      if (clean.length === 0 || clean.length > 80) {
        throw new DomainError('token.invalid', 'A token name must be 1 to 80 characters.', { field: 'name' });
      }
      const secret = PREFIX + randomBytes(32).toString('base64url');
      const user: User = { id: ids.newId() as UserId, name: `${clean} (API)`, email: null, slackUserId: null };
      const id = ids.newId() as ApiTokenId;
      const createdAt = clock.now();
      await store.transaction(async (repos) => {
        await repos.users.insertIfAbsent(user);
        await repos.tokens.insert({ id, name: clean, hash: hashToken(secret), userId: user.id, createdAt });
      });
      return { token: { id, name: clean, user, createdAt, revokedAt: null }, secret };
    },

    list: (): Promise<ApiToken[]> => store.tokens.list(),

    /** Revokes every live token with this id or name. */
    async revoke(idOrName: string): Promise<ApiToken[]> {
      const revoked = await store.tokens.revoke(idOrName, clock.now());
      if (revoked.length === 0) throw new DomainError('token.not_found', `No live token with id or name "${idOrName}".`);
      return revoked;
    },

    /** The actor a presented secret stands for, or null for an unknown or revoked one. */
    async authenticate(secret: string): Promise<Actor | null> {
      if (!secret.startsWith(PREFIX)) return null;
      // Looked up by hash: an index search on a digest reveals nothing about the secret by timing.
      const token = await store.tokens.findActiveByHash(hashToken(secret));
      return token ? { user: token.user, source: 'api' } : null;
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
