import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { AuditRecord } from '../../src/domain/events.js';
import type { ActionId, ApiTokenId, TimelineEntryId } from '../../src/domain/ids.js';
import type { User } from '../../src/domain/user.js';
import type { ApiToken, Store } from '../../src/ports/store.port.js';
import { describeEngines } from '../support/engines.js';
import { at, insertIncident, insertUser } from './fixtures.js';

describeEngines('audit repository', (ctx) => {
  let store: Store;
  let lead: User;
  let bot: User;

  before(async () => {
    store = ctx.store();
    lead = await insertUser(store, 'lead');
    bot = await insertUser(store, 'bot', { email: null, slackUserId: null });
  });

  ctx.test('append then listForIncident returns the records in order, their data round-tripping as JSON', async () => {
    const incident = await insertIncident(store, lead);
    const records: AuditRecord[] = [
      {
        incidentId: incident.id,
        at: at(1),
        actor: { user: lead, source: 'slack' },
        event: { type: 'incident.declared', title: 'Checkout “down” — 100%', reportOnly: false, occurredAt: null },
      },
      {
        incidentId: incident.id,
        at: at(2),
        actor: { user: lead, source: 'slack' },
        event: { type: 'incident.role_assigned', role: 'lead', holder: { id: bot.id, name: bot.name }, previous: null },
      },
      {
        incidentId: incident.id,
        at: at(3),
        actor: { user: bot, source: 'api' },
        event: { type: 'incident.field_changed', field: 'private', from: false, to: true },
      },
      {
        incidentId: incident.id,
        at: at(3),
        actor: { user: bot, source: 'system' },
        event: { type: 'action.updated', actionId: 'action-1' as ActionId, changes: { text: 'new\nline', owner: null } },
      },
    ];
    await store.audit.append(records);

    const stored = await store.audit.listForIncident(incident.id);
    assert.deepEqual(stored[1]?.data, { role: 'lead', holder: { id: bot.id, name: bot.name }, previous: null });
    assert.equal(stored[2]?.data.to, true);
    assert.deepEqual(
      stored,
      records.map(({ incidentId, at: when, actor, event }) => {
        const { type, ...data } = event;
        return { incidentId, at: when, actor: actor.user, source: actor.source, type, data };
      }),
    );
  });

  ctx.test('later appends come after earlier ones, even with an earlier timestamp', async () => {
    const incident = await insertIncident(store, lead);
    const record = (minute: number, entryId: string): AuditRecord => ({
      incidentId: incident.id,
      at: at(minute),
      actor: { user: lead, source: 'web' },
      event: { type: 'timeline.entry_added', entryId: entryId as TimelineEntryId, kind: 'note' },
    });
    await store.audit.append([record(10, 'entry-1')]);
    await store.audit.append([record(5, 'entry-2'), record(5, 'entry-3')]);
    const stored = await store.audit.listForIncident(incident.id);
    assert.deepEqual(
      stored.map((r) => r.data.entryId),
      ['entry-1', 'entry-2', 'entry-3'],
    );
  });

  ctx.test('listForIncident is scoped to the incident, and an empty append writes nothing', async () => {
    const incident = await insertIncident(store, lead);
    const other = await insertIncident(store, lead);
    await store.audit.append([]);
    await store.audit.append([
      { incidentId: other.id, at: at(1), actor: { user: lead, source: 'api' }, event: { type: 'incident.reopened' } },
    ]);
    assert.deepEqual(await store.audit.listForIncident(incident.id), []);
    const theirs = await store.audit.listForIncident(other.id);
    assert.deepEqual(
      theirs.map((r) => [r.type, r.data]),
      [['incident.reopened', {}]],
    );
  });

  ctx.test('records appended in a rolled-back transaction are gone', async () => {
    const incident = await insertIncident(store, lead);
    await assert.rejects(
      store.transaction(async (repos) => {
        await repos.audit.append([
          { incidentId: incident.id, at: at(1), actor: { user: lead, source: 'api' }, event: { type: 'incident.promoted' } },
        ]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.deepEqual(await store.audit.listForIncident(incident.id), []);
  });
});

describeEngines('api token repository', (ctx) => {
  let store: Store;
  let alice: User;
  let bob: User;

  before(async () => {
    store = ctx.store();
    alice = await insertUser(store, 'alice', { email: null, slackUserId: null, name: 'ci (API)' });
    bob = await insertUser(store, 'bob');
  });

  const expected = (id: string, name: string, user: User, createdAt: Date, revokedAt: Date | null = null): ApiToken => ({
    id: id as ApiTokenId,
    name,
    user,
    admin: false,
    createdAt,
    revokedAt,
  });

  async function insertToken(id: string, name: string, user: User, createdAt: Date): Promise<ApiToken> {
    await store.tokens.insert({ id: id as ApiTokenId, name, hash: `hash-${id}`, userId: user.id, admin: false, createdAt });
    return expected(id, name, user, createdAt);
  }

  ctx.test('insert then findActiveByHash returns the token with its user; an unknown hash finds nothing', async () => {
    const token = await insertToken('token-find', 'ci', alice, at(1));
    assert.deepEqual(await store.tokens.findActiveByHash('hash-token-find'), token);
    assert.equal(await store.tokens.findActiveByHash('hash-nope'), null);
  });

  ctx.test('revoking by id returns the token revoked; it is then not found by hash but still listed', async () => {
    const token = await insertToken('token-revoke-id', 'deploys', bob, at(2));
    const keep = await insertToken('token-keep', 'other', bob, at(3));
    const revokedAt = at(30);

    assert.deepEqual(await store.tokens.revoke('token-revoke-id', revokedAt), [{ ...token, revokedAt }]);
    assert.equal(await store.tokens.findActiveByHash('hash-token-revoke-id'), null);
    assert.deepEqual(await store.tokens.findActiveByHash('hash-token-keep'), keep);
    const listed = (await store.tokens.list()).find((t) => t.id === token.id);
    assert.deepEqual(listed, { ...token, revokedAt });
  });

  ctx.test('revoking by name revokes every live token of that name and nothing else', async () => {
    const first = await insertToken('token-name-1', 'pager', alice, at(4));
    const second = await insertToken('token-name-2', 'pager', bob, at(5));
    const unrelated = await insertToken('token-name-3', 'pager-2', bob, at(6));
    const revokedAt = at(40);

    const revoked = await store.tokens.revoke('pager', revokedAt);
    assert.deepEqual(
      [...revoked].sort((a, b) => a.id.localeCompare(b.id)),
      [
        { ...first, revokedAt },
        { ...second, revokedAt },
      ],
    );
    assert.equal(await store.tokens.findActiveByHash('hash-token-name-1'), null);
    assert.equal(await store.tokens.findActiveByHash('hash-token-name-2'), null);
    assert.deepEqual(await store.tokens.findActiveByHash('hash-token-name-3'), unrelated);
  });

  ctx.test('revoking again, or an unknown id or name, revokes nothing and keeps the first revocation time', async () => {
    const token = await insertToken('token-twice', 'twice', alice, at(7));
    await store.tokens.revoke('twice', at(50));
    assert.deepEqual(await store.tokens.revoke('twice', at(51)), []);
    assert.deepEqual(await store.tokens.revoke('token-twice', at(52)), []);
    assert.deepEqual(await store.tokens.revoke('no-such-token', at(53)), []);
    const listed = (await store.tokens.list()).find((t) => t.id === token.id);
    assert.deepEqual(listed?.revokedAt, at(50));
  });

  ctx.test('list returns every token, live and revoked, oldest first', async () => {
    await insertToken('token-middle', 'middle', bob, at(100));
    const all = await store.tokens.list();
    const times = all.map((t) => t.createdAt.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    const late = await insertToken('token-last', 'last', alice, at(500));
    const early = await insertToken('token-first', 'first', bob, at(-500));
    const listed = await store.tokens.list();
    assert.deepEqual(listed[0], early);
    assert.deepEqual(listed.at(-1), late);
    assert.equal(listed.length, all.length + 2);
  });
});
