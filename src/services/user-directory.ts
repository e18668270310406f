import { DomainError } from '../domain/errors.js';
import type { SlackUserId, UserId } from '../domain/ids.js';
import type { User } from '../domain/user.js';
import type { IdGenerator } from '../ports/clock.port.js';
import type { Repositories } from '../ports/store.port.js';

/** How a caller names a person: by our id, or by Slack id or email (created on first mention). */
export interface UserInput {
  readonly id?: string;
  readonly slackUserId?: string;
  readonly email?: string;
  readonly name?: string;
}

/**
 * Finds the person `input` names, creating them on first mention and filling in what we did not
 * know yet (a Slack id for a web user with the same email, say), so one person stays one user.
 */
export async function resolveUser(
  repos: Repositories,
  ids: IdGenerator,
  input: UserInput,
  field: string,
): Promise<User> {
  if (input.id) {
    const user = await repos.users.findById(input.id as UserId);
    if (!user) throw new DomainError('user.not_found', `No user has the id "${input.id}".`, { field });
    return user;
  }
  const slackUserId = (input.slackUserId?.trim() || null) as SlackUserId | null;
  const email = input.email?.trim().toLowerCase() || null;
  if (!slackUserId && !email) {
    throw new DomainError('user.invalid', 'Name the person by id, slackUserId or email.', { field });
  }
  const name = input.name?.replace(/\s+/g, ' ').trim() || null;

  for (let attempt = 0; attempt < 2; attempt++) {
    const existing =
      (slackUserId && (await repos.users.findBySlackUserId(slackUserId))) ||
      (email && (await repos.users.findByEmail(email))) ||
      null;
    if (existing) return fillIn(repos, existing, { name, email, slackUserId });
    const created: User = {
      id: ids.newId() as UserId,
      name: name ?? email?.split('@')[0] ?? slackUserId ?? 'unknown',
      email,
      slackUserId,
    };
    if (await repos.users.insertIfAbsent(created)) return created;
    // Someone else created this person a moment ago: read theirs.
  }
  throw new DomainError('user.invalid', 'That email and Slack id belong to two different people.', { field });
}

async function fillIn(
  repos: Repositories,
  user: User,
  known: { name: string | null; email: string | null; slackUserId: SlackUserId | null },
): Promise<User> {
  // An email already on another record stays there: two people cannot share one.
  const emailFree = known.email !== null && user.email === null && !(await repos.users.findByEmail(known.email));
  const next: User = {
    ...user,
    name: known.name ?? user.name,
    email: emailFree ? known.email : user.email,
    slackUserId: user.slackUserId ?? known.slackUserId,
  };
  if (next.name === user.name && next.email === user.email && next.slackUserId === user.slackUserId) return user;
  await repos.users.update(next);
  return next;
}
