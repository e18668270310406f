import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { UserId } from '../../src/domain/ids.js';
import { isVisibleTo, type Incident } from '../../src/domain/incident.js';
import type { Actor } from '../../src/domain/user.js';
import { createIncidentService, type IncidentService } from '../../src/services/incident.service.js';
import { describeEngines } from '../support/engines.js';
import { assertRejectsWithCode, buildIdGenerator, buildServiceDeps, insertApiActor } from './fixtures.js';

describeEngines('incident people: service and storage', (ctx) => {
  let service: IncidentService;
  let reporter: Actor;
  let incident: Incident;

  before(async () => {
    service = createIncidentService(buildServiceDeps(ctx, buildIdGenerator('ppl')));
    reporter = await insertApiActor(ctx.store(), 'people-reporter');
    incident = await service.declare({ ...reporter, source: 'web' }, { title: 'Payroll export leaked', private: true });
  });

  const visibleTo = async (userId: UserId) => (await ctx.store().incidents.list({ visibleTo: userId }, { limit: 100 })).map((i) => i.id);
  const personEvents = async () => (await service.audit(incident.reference)).filter((r) => r.type.startsWith('incident.person_'));

  ctx.test('adding by email stores the person with the incident, audits and narrates it', async () => {
    ctx.clock.set(new Date('2024-04-02T10:00:00.000Z'));
    const actor: Actor = { ...reporter, source: 'web' };
    const added = await service.addPerson(actor, incident.reference, { email: 'Priya@Example.org', name: 'Priya Shah' });
    const priya = added.people[0]!.user;
    assert.equal(priya.email, 'priya@example.org');

    const stored = await service.get(incident.id);
    assert.deepEqual(stored.people, [{ user: priya, how: 'added', addedBy: reporter.user, addedAt: ctx.clock.now() }]);
    assert.deepEqual(stored.people, added.people);
    assert.equal(isVisibleTo(stored, { userId: priya.id, admin: false }), true);

    assert.deepEqual(
      (await personEvents()).map((r) => [r.type, r.data, r.actor.id, r.source]),
      [['incident.person_added', { person: { id: priya.id, name: 'Priya Shah' }, how: 'added' }, reporter.user.id, 'web']],
    );
    const timeline = await ctx.store().timeline.listForIncident(incident.id);
    assert.ok(timeline.some((e) => e.text === 'Priya Shah was added to the people involved' && e.source === 'web'));
  });

  ctx.test('adding someone already added changes nothing and records nothing', async () => {
    const before = await personEvents();
    const again = await service.addPerson(reporter, incident.reference, { email: 'priya@example.org' });
    assert.equal(again.people.length, 1);
    assert.deepEqual(await personEvents(), before);
  });

  ctx.test('the list shows a private incident to its people (added or in the channel) and to nobody else', async () => {
    const outsider = await insertApiActor(ctx.store(), 'people-outsider');
    const priya = (await service.get(incident.id)).people[0]!.user;
    assert.ok((await visibleTo(priya.id)).includes(incident.id));
    assert.ok(!(await visibleTo(outsider.user.id)).includes(incident.id));

    await service.addPerson(reporter, incident.id, { id: outsider.user.id }, 'channel');
    assert.ok((await visibleTo(outsider.user.id)).includes(incident.id));
    // Removing the `added` way leaves the channel membership, and the other way round.
    await service.removePerson(reporter, incident.id, { id: outsider.user.id }, 'added');
    assert.ok((await visibleTo(outsider.user.id)).includes(incident.id));
    await service.removePerson(reporter, incident.id, { id: outsider.user.id }, 'channel');
    assert.ok(!(await visibleTo(outsider.user.id)).includes(incident.id));
  });

  ctx.test('removing a person hides the incident from them again and is recorded once', async () => {
    const priya = (await service.get(incident.id)).people.find((p) => p.how === 'added')!.user;
    await service.removePerson(reporter, incident.reference, { email: 'priya@example.org' });
    assert.ok(!(await visibleTo(priya.id)).includes(incident.id));
    const removals = async () => (await personEvents()).filter((r) => r.type === 'incident.person_removed' && (r.data.person as { id: string }).id === priya.id);
    assert.equal((await removals()).length, 1);
    await service.removePerson(reporter, incident.reference, { email: 'priya@example.org' });
    assert.equal((await removals()).length, 1, 'a repeat records nothing');
    const timeline = await ctx.store().timeline.listForIncident(incident.id);
    assert.ok(timeline.some((e) => e.text === 'Priya Shah was removed from the people involved'));
  });

  ctx.test('removing the reporter or a role holder shuts nobody out and records nothing', async () => {
    const lead = await insertApiActor(ctx.store(), 'people-lead');
    await service.update(reporter, incident.id, { roles: { lead: { id: lead.user.id } } });
    const before = await personEvents();
    for (const user of [reporter.user, lead.user]) {
      await service.removePerson(reporter, incident.id, { id: user.id });
      await service.removePerson(reporter, incident.id, { id: user.id }, 'channel');
      assert.ok((await visibleTo(user.id)).includes(incident.id));
    }
    assert.deepEqual(await personEvents(), before);
  });

  ctx.test('removing someone unknown creates nobody', async () => {
    await service.removePerson(reporter, incident.id, { email: 'nobody.at.all@example.org' });
    assert.equal(await ctx.store().users.findByEmail('nobody.at.all@example.org'), null);
  });

  ctx.test('a repeated request (same key) is refused and adds nothing twice', async () => {
    const keyed: Actor = { ...reporter, requestKey: 'test:people:1' };
    await service.addPerson(keyed, incident.id, { email: 'kim@example.org' });
    await assertRejectsWithCode(service.addPerson(keyed, incident.id, { email: 'kim@example.org' }), 'request.duplicate');
    assert.equal((await service.get(incident.id)).people.filter((p) => p.user.email === 'kim@example.org').length, 1);
  });

  ctx.test('an unknown incident is not found', async () => {
    await assertRejectsWithCode(service.addPerson(reporter, 'INC-999999', { email: 'kim@example.org' }), 'incident.not_found');
  });
});
