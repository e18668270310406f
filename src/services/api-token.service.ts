import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import type { ApiTokenId, UserId } from '../domain/ids.js';
import type { Viewer } from '../domain/incident.js';
import type { Actor, User } from '../domain/user.js';
import type { IdGenerator } from '../ports/clock.port.js';
import type { ApiToken, Repositories } from '../ports/store.port.js';
import type { ServiceDeps } from './context.js';

const PREFIX = 'irt_';

/** Only a hash is stored: a leaked database does not leak working tokens. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** How a token is issued: whom it acts as, and whether it sees every incident. */
export interface ApiTokenScope {
  /** The email of an existing person the token acts as; by default it gets a user of its own. */
  readonly as?: string;
  /** Sees every incident, private ones included. */
  readonly admin?: boolean;
}

/** An authenticated API caller: who changes are attributed to, and what they may see. */
export interface ApiCaller {
  readonly actor: Actor;
  readonly viewer: Viewer;
}

/** Bearer tokens for the REST API: created, listed and revoked by an operator from the CLI. */
export function createApiTokenService(deps: ServiceDeps) {
  const { store, ids, clock } = deps;
  return {
    /**
     * Creates a token acting as a user of the same name, or as the existing person `scope.as`;
     * the secret is returned once, never stored.
     */
    async create(name: string, scope: ApiTokenScope = {}): Promise<{ token: ApiToken; secret: string }> {
      const clean = name.replace(/\s+/g, ' ').trim();
      if (clean.length === 0 || clean.length > 80) {
        throw new DomainError('token.invalid', 'A token name must be 1 to 80 characters.', { field: 'name' });
      }
      const secret = PREFIX + randomBytes(32).toString('base64url');
      const id = ids.newId() as ApiTokenId;
      const admin = scope.admin ?? false;
      const createdAt = clock.now();
      const user = await store.transaction(async (repos) => {
        const actingAs = scope.as === undefined ? await ownUser(repos, ids, clean) : await existingPerson(repos, scope.as);
        await repos.tokens.insert({ id, name: clean, hash: hashToken(secret), userId: actingAs.id, admin, createdAt });
        return actingAs;
      });
      return { token: { id, name: clean, user, admin, createdAt, revokedAt: null }, secret };
    },

    list: (): Promise<ApiToken[]> => store.tokens.list(),

    /** Revokes every live token with this id or name. */
    async revoke(idOrName: string): Promise<ApiToken[]> {
      const revoked = await store.tokens.revoke(idOrName, clock.now());
      if (revoked.length === 0) throw new DomainError('token.not_found', `No live token with id or name "${idOrName}".`);
      return revoked;
    },

    /** The caller a presented secret stands for, or null for an unknown or revoked one. */
    async authenticate(secret: string): Promise<ApiCaller | null> {
      if (!secret.startsWith(PREFIX)) return null;
      // Looked up by hash: an index search on a digest reveals nothing about the secret by timing.
      const token = await store.tokens.findActiveByHash(hashToken(secret));
      if (!token) return null;
      return { actor: { user: token.user, source: 'api' }, viewer: { userId: token.user.id, admin: token.admin } };
    },
  };
}

/** A new user named after the token, for a token that acts as nobody else. */
async function ownUser(repos: Repositories, ids: IdGenerator, tokenName: string): Promise<User> {
  const user: User = { id: ids.newId() as UserId, name: `${tokenName} (API)`, email: null, slackUserId: null };
  await repos.users.insertIfAbsent(user);
  return user;
}

/** The person a token will act as; only someone already known, so a typo cannot invent a user. */
async function existingPerson(repos: Repositories, email: string): Promise<User> {
  const person = await repos.users.findByEmail(email.trim());
  if (!person) {
    throw new DomainError('user.not_found', `Nobody with the email "${email.trim()}" is known; a token can only act as an existing person.`, {
      field: 'as',
    });
  }
  return person;
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
