import assert from 'node:assert/strict';
import type { SlackUserId, UserId } from '../../src/domain/ids.js';
import { SYSTEM_USER_ID } from '../../src/domain/user.js';
import { describeEngines } from '../support/engines.js';
import { buildUser, insertUser } from './fixtures.js';

describeEngines('user repository', (ctx) => {
  ctx.test('insertIfAbsent adds a new user, found by id, Slack id and email', async () => {
    const store = ctx.store();
    const user = buildUser('ada');
    assert.equal(await store.users.insertIfAbsent(user), true);
    assert.deepEqual(await store.users.findById(user.id), user);
    assert.deepEqual(await store.users.findBySlackUserId('U-ada' as SlackUserId), user);
    assert.deepEqual(await store.users.findByEmail('ada@example.com'), user);
  });

  ctx.test('a user with neither email nor Slack id round-trips its nulls', async () => {
    const store = ctx.store();
    const user = buildUser('nobody', { email: null, slackUserId: null });
    assert.equal(await store.users.insertIfAbsent(user), true);
    assert.deepEqual(await store.users.findById(user.id), user);
  });

  ctx.test('several users without email or Slack id can coexist', async () => {
    const store = ctx.store();
    const first = buildUser('anon-1', { email: null, slackUserId: null });
    const second = buildUser('anon-2', { email: null, slackUserId: null });
    assert.equal(await store.users.insertIfAbsent(first), true);
    assert.equal(await store.users.insertIfAbsent(second), true);
    assert.deepEqual(await store.users.findById(second.id), second);
  });

  ctx.test('the migration seeds the system user', async () => {
    const system = await ctx.store().users.findById(SYSTEM_USER_ID);
    assert.equal(system?.id, SYSTEM_USER_ID);
  });

  ctx.test('unknown ids, Slack ids and emails find nobody', async () => {
    const store = ctx.store();
    assert.equal(await store.users.findById('user-missing' as UserId), null);
    assert.equal(await store.users.findBySlackUserId('U-missing' as SlackUserId), null);
    assert.equal(await store.users.findByEmail('missing@example.com'), null);
  });

  ctx.test('insertIfAbsent returns false for a duplicate id, Slack id or email and keeps the first', async () => {
    const store = ctx.store();
    const original = await insertUser(store, 'grace');
    const sameId = buildUser('other-1', { id: original.id });
    const sameSlack = buildUser('other-2', { slackUserId: original.slackUserId });
    const sameEmail = buildUser('other-3', { email: original.email });
    const sameEmailOtherCase = buildUser('other-4', { email: 'GRACE@Example.com' });

    for (const duplicate of [sameId, sameSlack, sameEmail, sameEmailOtherCase]) {
      assert.equal(await store.users.insertIfAbsent(duplicate), false, `${duplicate.id} was added`);
    }
    assert.deepEqual(await store.users.findById(original.id), original);
    for (const duplicate of [sameSlack, sameEmail, sameEmailOtherCase]) {
      assert.equal(await store.users.findById(duplicate.id), null);
    }
  });

  ctx.test('a refused duplicate inside a transaction leaves the transaction usable and committable', async () => {
    const store = ctx.store();
    const existing = await insertUser(store, 'linus');
    const added = buildUser('ken');
    const result = await store.transaction(async (repos) => {
      const duplicate = await repos.users.insertIfAbsent(buildUser('linus-2', { slackUserId: existing.slackUserId }));
      // On PostgreSQL a raised unique violation would abort the transaction: these would then fail.
      const found = await repos.users.findBySlackUserId(existing.slackUserId!);
      const inserted = await repos.users.insertIfAbsent(added);
      const duplicateEmail = await repos.users.insertIfAbsent(buildUser('linus-3', { email: existing.email }));
      const foundAdded = await repos.users.findById(added.id);
      return { duplicate, found, inserted, duplicateEmail, foundAdded };
    });
    assert.deepEqual(result, { duplicate: false, found: existing, inserted: true, duplicateEmail: false, foundAdded: added });
    assert.deepEqual(await store.users.findById(added.id), added);
  });

  ctx.test('findByEmail ignores case, whichever case the email was stored in', async () => {
    const store = ctx.store();
    const user = buildUser('mixed', { email: 'Mixed.Case@Example.COM' });
    assert.equal(await store.users.insertIfAbsent(user), true);
    for (const query of ['mixed.case@example.com', 'MIXED.CASE@EXAMPLE.COM', 'Mixed.Case@Example.COM']) {
      assert.equal((await store.users.findByEmail(query))?.id, user.id, `not found by ${query}`);
    }
  });

  ctx.test('update changes name, email and Slack id; the old Slack id and email find nobody', async () => {
    const store = ctx.store();
    const user = await insertUser(store, 'margaret');
    const changed = {
      ...user,
      name: 'Margaret H.',
      email: 'mh@example.com',
      slackUserId: 'U-margaret-new' as SlackUserId,
    };
    await store.users.update(changed);
    assert.deepEqual(await store.users.findById(user.id), changed);
    assert.deepEqual(await store.users.findBySlackUserId(changed.slackUserId), changed);
    assert.deepEqual(await store.users.findByEmail('MH@example.com'), changed);
    assert.equal(await store.users.findBySlackUserId(user.slackUserId!), null);
    assert.equal(await store.users.findByEmail(user.email!), null);
  });

  ctx.test('update can clear the email and Slack id', async () => {
    const store = ctx.store();
    const user = await insertUser(store, 'clearme');
    const cleared = { ...user, email: null, slackUserId: null };
    await store.users.update(cleared);
    assert.deepEqual(await store.users.findById(user.id), cleared);
  });

  ctx.test('update leaves other users alone', async () => {
    const store = ctx.store();
    const a = await insertUser(store, 'alone-a');
    const b = await insertUser(store, 'alone-b');
    await store.users.update({ ...a, name: 'Renamed A' });
    assert.deepEqual(await store.users.findById(b.id), b);
    assert.equal((await store.users.findById(a.id))?.name, 'Renamed A');
  });
});
