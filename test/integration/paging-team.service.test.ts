import assert from 'node:assert/strict';
import type { Actor } from '../../src/domain/user.js';
import { createPagingTeamService } from '../../src/services/paging-team.service.js';
import { describeEngines } from '../support/engines.js';
import { assertRejectsWithCode, buildIdGenerator, buildServiceDeps, insertUser } from './fixtures.js';

const CONFIG_KEY = 'R0DATABASEDATABASEDATABASEDATA02';
const KEY = '0123456789abcdef0123456789ab9f3c';
const OTHER_KEY = 'fedcba9876543210fedcba987654d00d';

// The teams that can be paged, stored on each engine: configuration's and the site's in one list,
// one name space, and the one lookup of a team's routing key.
describeEngines('paging teams: configuration and the site, one lookup', (ctx) => {
  const service = (idPrefix: string) =>
    createPagingTeamService(buildServiceDeps(ctx, buildIdGenerator(idPrefix)), { configTeams: [{ name: 'database', description: 'Databases', routingKey: CONFIG_KEY }] });
  const adminActor = async (key: string): Promise<Actor> => ({ user: await insertUser(ctx.store(), key), source: 'web' });

  ctx.test('escalate lists configuration first, then active site teams by name; the key lookup follows', async () => {
    const teams = service('team-a');
    const actor = await adminActor('ada');
    await teams.add(actor, { name: 'network', description: 'Routers', routingKey: KEY, active: true });
    const storage = await teams.add(actor, { name: 'Storage', description: 'Disks', routingKey: OTHER_KEY, active: false });
    assert.deepEqual(await teams.escalationTeams(), [
      { name: 'database', description: 'Databases', fromConfig: true },
      { name: 'network', description: 'Routers', fromConfig: false },
    ]);
    assert.equal(await teams.routingKeyOf('database', 'page'), CONFIG_KEY);
    assert.equal(await teams.routingKeyOf('network', 'page'), KEY);
    assert.equal(await teams.routingKeyOf('Storage', 'page'), null, 'an inactive team is not paged');
    assert.equal(await teams.routingKeyOf('Storage', 'resolve'), OTHER_KEY, 'but its pages are resolved');
    assert.equal(await teams.routingKeyOf('nobody', 'resolve'), null);

    const listed = await teams.list();
    assert.deepEqual(listed.map((t) => [t.name, t.maskedRoutingKey, t.fromConfig]), [
      ['database', '•••• TA02', true],
      ['network', '•••• 9f3c', false],
      ['Storage', '•••• d00d', false],
    ]);
    assert.ok(!JSON.stringify(listed).includes(KEY), 'listings never carry a key');

    await teams.edit(actor, storage.id!, { name: 'storage', description: 'Disks and backups', routingKey: '', active: true });
    assert.equal(await teams.routingKeyOf('storage', 'page'), OTHER_KEY, 'a blank key keeps the old one');
    await teams.remove(actor, storage.id!);
    assert.equal(await teams.routingKeyOf('storage', 'resolve'), null);
    await assertRejectsWithCode(teams.get(storage.id!), 'team.not_found');
  });

  ctx.test('names are unique whatever the case, configuration included; keys are 32 lowercase letters and digits', async () => {
    const teams = service('team-b');
    const actor = await adminActor('bob');
    await assertRejectsWithCode(teams.add(actor, { name: 'DATABASE', description: 'x', routingKey: KEY, active: true }), 'team.name_taken');
    await teams.add(actor, { name: 'payments', description: 'Card payments', routingKey: KEY, active: true });
    await assertRejectsWithCode(teams.add(actor, { name: 'Payments', description: 'x', routingKey: KEY, active: true }), 'team.name_taken');
    await assertRejectsWithCode(teams.add(actor, { name: 'lead', description: 'x', routingKey: KEY, active: true }), 'team.invalid');
    await assertRejectsWithCode(teams.add(actor, { name: 'two words', description: 'x', routingKey: KEY, active: true }), 'team.invalid');
    await assertRejectsWithCode(teams.add(actor, { name: 'cards', description: 'x', routingKey: KEY.toUpperCase(), active: true }), 'team.invalid');
    await assertRejectsWithCode(teams.add(actor, { name: 'cards', description: 'x', routingKey: `${KEY}0`, active: true }), 'team.invalid');
  });
});
