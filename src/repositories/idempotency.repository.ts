import type { IdempotencyRepository } from '../ports/store.port.js';
import { iso, type Db } from './rows.js';

export function createIdempotencyRepository(db: Db): IdempotencyRepository {
  return {
    async claim(key, at) {
      // DO NOTHING: a duplicate is an answer, not an error (which would abort a PostgreSQL transaction).
      const result = await db
        .insertInto('idempotency_keys')
        .values({ key, created_at: iso(at) })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
  };
}
