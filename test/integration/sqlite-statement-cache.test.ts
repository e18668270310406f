import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cacheStatements } from '../../src/db/sqlite-statement-cache.js';

// SQLite only by nature (PostgreSQL statements are pg's business); in memory, a few milliseconds.

test('the same SQL text gets the same prepared statement; another text its own', () => {
  const database = cacheStatements(new SQLite(':memory:'));
  const a = database.prepare('select 1 as one');
  assert.equal(database.prepare('select 1 as one'), a);
  assert.notEqual(database.prepare('select 2 as two'), a);
  database.close();
});

test('past its capacity the least recently used statement is dropped, a recently used one kept', () => {
  const database = cacheStatements(new SQLite(':memory:'), 2);
  const first = database.prepare('select 1');
  const second = database.prepare('select 2');
  assert.equal(database.prepare('select 1'), first); // now the most recently used
  database.prepare('select 3'); // evicts "select 2"
  assert.equal(database.prepare('select 1'), first);
  assert.notEqual(database.prepare('select 2'), second);
  database.close();
});

test('through Kysely: reads and writes repeat correctly, and a cached statement follows a schema change', async () => {
  const db = new Kysely<{ notes: { id: number; text: string; extra?: string | null } }>({
    dialect: new SqliteDialect({ database: cacheStatements(new SQLite(':memory:')) }),
  });
  await sql`create table notes (id integer primary key, text text not null)`.execute(db);
  for (let i = 1; i <= 3; i++) await db.insertInto('notes').values({ id: i, text: `note ${i}` }).execute();
  const read = () => db.selectFrom('notes').selectAll().where('id', '>=', 2).orderBy('id').execute();
  assert.deepEqual(await read(), [
    { id: 2, text: 'note 2' },
    { id: 3, text: 'note 3' },
  ]);
  await sql`alter table notes add column extra text`.execute(db);
  // The same SQL text, prepared before the column existed: SQLite re-prepares it on its own.
  assert.deepEqual(await read(), [
    { id: 2, text: 'note 2', extra: null },
    { id: 3, text: 'note 3', extra: null },
  ]);
  const streamed: number[] = [];
  for await (const row of db.selectFrom('notes').select('id').orderBy('id').stream()) streamed.push(row.id);
  assert.deepEqual(streamed, [1, 2, 3]);
  await db.destroy();
});
