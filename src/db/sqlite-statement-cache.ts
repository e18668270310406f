import type { Database as BetterSqlite } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many distinct SQL texts stay prepared; the app has a few hundred, `IN (…)` lists add more. */
const DEFAULT_CAPACITY = 1000;

/**
 * better-sqlite3 behind Kysely with its prepared statements kept, keyed by SQL text. Kysely
 * prepares every query afresh, and preparing was about 5 % of the CPU under Slack load. Safe
 * because Kysely's SQLite driver runs one query at a time on its one connection (a stream holds
 * the connection until it ends), and SQLite re-prepares a cached statement itself after a schema
 * change. Least recently used statements are dropped past `capacity`.
 */
export function cacheStatements(database: BetterSqlite, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached) {
        // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql) as unknown as SqliteStatement;
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}
