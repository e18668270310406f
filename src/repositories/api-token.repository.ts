import type { ApiTokenId } from '../domain/ids.js';
import type { ApiToken, ApiTokenRepository } from '../ports/store.port.js';
import { date, dateOrNull, flag, iso, toUser, type Db } from './rows.js';

export function createApiTokenRepository(db: Db): ApiTokenRepository {
  const select = () =>
    db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id', 't.name', 't.admin', 't.created_at', 't.revoked_at', 'u.id as user_id', 'u.name as user_name', 'u.email', 'u.slack_user_id']);

  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;
  const toToken = (r: Row): ApiToken => ({
    id: r.id as ApiTokenId,
    name: r.name,
    user: toUser({ id: r.user_id, name: r.user_name, email: r.email, slack_user_id: r.slack_user_id }),
    admin: r.admin === 1,
    createdAt: date(r.created_at),
    revokedAt: dateOrNull(r.revoked_at),
  });

  return {
    async insert(token) {
      await db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          name: token.name,
          token_hash: token.hash,
          user_id: token.userId,
          admin: flag(token.admin),
          created_at: iso(token.createdAt),
          revoked_at: null,
        })
        .execute();
    },
    async findActiveByHash(hash) {
      const row = await select().where('t.token_hash', '=', hash).where('t.revoked_at', 'is', null).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async list() {
      return (await select().orderBy('t.created_at').execute()).map(toToken);
    },
    async revoke(idOrName, at) {
      const rows = await select()
        .where((eb) => eb.or([eb('t.id', '=', idOrName), eb('t.name', '=', idOrName)]))
        .where('t.revoked_at', 'is', null)
        .execute();
      if (rows.length === 0) return [];
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: iso(at) })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map((r) => ({ ...toToken(r), revokedAt: at }));
    },
  };
}
