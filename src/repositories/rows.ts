import type { Kysely } from 'kysely';
import type { Database, UsersTable } from '../db/schema.js';
import type { SlackUserId, UserId } from '../domain/ids.js';
import type { User } from '../domain/user.js';

export type Db = Kysely<Database>;

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
export const date = (s: string): Date => new Date(s);
export const dateOrNull = (s: string | null): Date | null => (s === null ? null : new Date(s));
export const flag = (b: boolean): number => (b ? 1 : 0);

export function toUser(row: Pick<UsersTable, 'id' | 'name' | 'email' | 'slack_user_id'>): User {
  return {
    id: row.id as UserId,
    name: row.name,
    email: row.email,
    slackUserId: row.slack_user_id as SlackUserId | null,
  };
}

/** Loads many users in one query; every id must exist (foreign keys guarantee it). */
export async function loadUsers(db: Db, ids: Iterable<string>): Promise<Map<string, User>> {
  const unique = [...new Set(ids)];
  const users = new Map<string, User>();
  // Chunked so a page of incidents never builds a query past a driver's parameter limit.
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'name', 'email', 'slack_user_id'])
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) users.set(row.id, toUser(row));
  }
  return users;
}

/** The user with this id from a loaded map; a missing one is a broken invariant, not bad input. */
export function userFrom(users: Map<string, User>, id: string): User {
  const user = users.get(id);
  if (!user) throw new Error(`User ${id} is referenced but does not exist`);
  return user;
}
