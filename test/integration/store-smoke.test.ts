import assert from 'node:assert/strict';
import { connect } from '../../src/db/connect.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { describeEngines } from '../support/engines.js';

// Proves the harness: each engine gets a fresh, migrated database the Store can use.
describeEngines('store smoke', (ctx) => {
  ctx.test('the store answers a ping', async () => {
    await ctx.store().ping();
  });

  ctx.test('incident numbers start at 1 and increase inside transactions', async () => {
    const store = ctx.store();
    const first = await store.transaction((repos) => repos.incidents.allocateNumber());
    const second = await store.transaction((repos) => repos.incidents.allocateNumber());
    assert.deepEqual([first, second], [1, 2]);
  });

  ctx.test('migrating an up-to-date database again is a no-op', async () => {
    const target = parseDatabaseUrl(ctx.databaseUrl, process.cwd());
    assert.ok(target, `unparseable DATABASE_URL ${ctx.databaseUrl}`);
    assert.equal(target.engine, ctx.engine);
    const connection = connect(target);
    try {
      assert.deepEqual(await migrateToLatest(connection.db, ctx.engine), []);
    } finally {
      await connection.db.destroy();
    }
  });

  ctx.test('afterCommit callbacks run once the transaction commits, and never for a rolled-back one', async () => {
    const store = ctx.store();
    const seen: string[] = [];
    await store.transaction(async (repos) => {
      repos.afterCommit(() => seen.push('committed'));
      assert.deepEqual(seen, [], 'not before the commit');
    });
    await assert.rejects(
      store.transaction(async (repos) => {
        repos.afterCommit(() => seen.push('rolled back'));
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.deepEqual(seen, ['committed']);
  });
});
