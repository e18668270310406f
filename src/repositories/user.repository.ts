import type { SlackUserId, UserId } from '../domain/ids.js';
import type { User } from '../domain/user.js';
import type { UserRepository } from '../ports/store.port.js';
import { toUser, type Db } from './rows.js';

export function createUserRepository(db: Db, now: () => Date): UserRepository {
  const select = () => db.selectFrom('users').select(['id', 'name', 'email', 'slack_user_id']);
  return {
    async findById(id: UserId) {
      const row = await select().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async findBySlackUserId(id: SlackUserId) {
      const row = await select().where('slack_user_id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async findByEmail(email: string) {
      const row = await select().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async insertIfAbsent(user: User) {
      const at = now().toISOString();
      // DO NOTHING rather than an error: on PostgreSQL a unique violation would abort the whole
      // transaction, and two requests naming the same new person at once is normal.
      const result = await db
        .insertInto('users')
        .values({
          id: user.id,
          name: user.name,
          email: user.email?.toLowerCase() ?? null,
          slack_user_id: user.slackUserId,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async update(user: User) {
      await db
        .updateTable('users')
        .set({
          name: user.name,
          email: user.email?.toLowerCase() ?? null,
          slack_user_id: user.slackUserId,
          updated_at: now().toISOString(),
        })
        .where('id', '=', user.id)
        .execute();
    },
  };
}
