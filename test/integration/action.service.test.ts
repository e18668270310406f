import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { SlackUserId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import type { Actor } from '../../src/domain/user.js';
import { createActionService, type ActionService } from '../../src/services/action.service.js';
import { createIncidentService } from '../../src/services/incident.service.js';
import { describeEngines } from '../support/engines.js';
import { assertRejectsWithCode, buildIdGenerator, buildServiceDeps, insertApiActor } from './fixtures.js';

describeEngines('action service', (ctx) => {
  let actions: ActionService;
  let lead: Actor;
  let incident: Incident;
  let other: Incident;

  before(async () => {
    const deps = buildServiceDeps(ctx, buildIdGenerator('act'));
    actions = createActionService(deps);
    lead = await insertApiActor(ctx.store(), 'lead');
    const incidents = createIncidentService(deps);
    incident = await incidents.declare(lead, { title: 'Actions here' });
    other = await incidents.declare(lead, { title: 'Somewhere else' });
  });

  ctx.test('add stores the action, creates a new owner once, and tells it on the timeline', async () => {
    const store = ctx.store();
    ctx.clock.set(new Date('2024-04-04T16:00:00.000Z'));
    const owner = { slackUserId: 'U-OWNER', name: 'Olga' };
    const first = await actions.add(lead, incident.reference, { text: 'Add a disk alert', owner });
    const second = await actions.add(lead, incident.id, { text: 'Write the post-mortem', owner: { slackUserId: 'U-OWNER' } });

    assert.deepEqual(await store.actions.findById(incident.id, first.id), first);
    assert.deepEqual(first.createdAt, ctx.clock.now());
    assert.equal(first.done, false);
    assert.equal(first.owner?.name, 'Olga');
    assert.equal(second.owner?.id, first.owner?.id);
    assert.equal((await store.users.findBySlackUserId('U-OWNER' as SlackUserId))?.id, first.owner?.id);

    const texts = (await store.timeline.listForIncident(incident.id)).map((e) => [e.kind, e.text]);
    assert.deepEqual(texts.slice(-2), [
      ['action', 'Action: Add a disk alert (owner: Olga)'],
      ['action', 'Action: Write the post-mortem (owner: Olga)'],
    ]);
    assert.deepEqual(
      (await actions.list(incident.id)).map((a) => a.id),
      [first.id, second.id],
    );
  });

  ctx.test('update completes an action at the clock time and reopening clears it', async () => {
    const store = ctx.store();
    const action = await actions.add(lead, incident.id, { text: 'Rotate the keys' });
    ctx.clock.advance(30 * 60_000);
    const done = await actions.update(lead, incident.id, action.id, { done: true, text: 'Rotate the API keys' });
    assert.deepEqual(await store.actions.findById(incident.id, action.id), done);
    assert.equal(done.done, true);
    assert.deepEqual(done.doneAt, ctx.clock.now());
    assert.equal(done.text, 'Rotate the API keys');

    const reopened = await actions.update(lead, incident.id, action.id, { done: false, owner: null });
    assert.deepEqual(await store.actions.findById(incident.id, action.id), reopened);
    assert.equal(reopened.doneAt, null);

    const types = (await store.audit.listForIncident(incident.id))
      .filter((r) => r.data.actionId === action.id)
      .map((r) => r.type);
    assert.deepEqual(types, ['action.added', 'action.updated', 'action.completed', 'action.reopened']);
  });

  ctx.test("an action cannot be changed through another incident, nor a missing one at all", async () => {
    const action = await actions.add(lead, incident.id, { text: 'Stay put' });
    await assertRejectsWithCode(actions.update(lead, other.id, action.id, { done: true }), 'action.not_found');
    await assertRejectsWithCode(actions.update(lead, incident.id, 'act_missing', { done: true }), 'action.not_found');
    assert.equal((await ctx.store().actions.findById(incident.id, action.id))?.done, false);
    assert.deepEqual(await actions.list(other.id), []);
  });

  ctx.test('a refused action writes nothing, not even its new owner', async () => {
    const before = await actions.list(incident.id);
    await assertRejectsWithCode(actions.add(lead, incident.id, { text: '   ', owner: { slackUserId: 'U-GHOST' } }), 'action.invalid');
    assert.deepEqual(await actions.list(incident.id), before);
    assert.equal(await ctx.store().users.findBySlackUserId('U-GHOST' as SlackUserId), null);
  });
});
