import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { Action } from '../../src/domain/action.js';
import type { ActionId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import type { User } from '../../src/domain/user.js';
import type { Store } from '../../src/ports/store.port.js';
import { describeEngines } from '../support/engines.js';
import { at, insertIncident, insertUser } from './fixtures.js';

describeEngines('action repository', (ctx) => {
  let store: Store;
  let lead: User;
  let owner: User;

  before(async () => {
    store = ctx.store();
    lead = await insertUser(store, 'lead');
    owner = await insertUser(store, 'owner');
  });

  function buildAction(incident: Incident, id: string, overrides: Partial<Action> = {}): Action {
    return {
      id: id as ActionId,
      incidentId: incident.id,
      text: `Follow up ${id}`,
      owner: null,
      done: false,
      doneAt: null,
      followUp: false,
      dueOn: null,
      createdBy: lead,
      createdAt: at(10),
      updatedAt: at(10),
      ...overrides,
    };
  }

  ctx.test('insert and findById round-trip an open action without owner', async () => {
    const incident = await insertIncident(store, lead);
    const action = buildAction(incident, 'action-open');
    await store.actions.insert(action);
    assert.deepEqual(await store.actions.findById(incident.id, action.id), action);
  });

  ctx.test('insert and findById round-trip a done action with an owner', async () => {
    const incident = await insertIncident(store, lead);
    const action = buildAction(incident, 'action-done', {
      text: 'Add a disk alert — at 80%',
      owner,
      done: true,
      doneAt: at(45),
      createdAt: at(11),
      updatedAt: at(45),
    });
    await store.actions.insert(action);
    assert.deepEqual(await store.actions.findById(incident.id, action.id), action);
  });

  ctx.test("findById is scoped to the incident: another incident's id finds nothing", async () => {
    const incident = await insertIncident(store, lead);
    const other = await insertIncident(store, lead);
    const action = buildAction(incident, 'action-scoped');
    await store.actions.insert(action);
    assert.equal(await store.actions.findById(other.id, action.id), null);
    assert.equal(await store.actions.findById(incident.id, 'action-missing' as ActionId), null);
  });

  ctx.test('update changes text, owner and completion, and only that action', async () => {
    const incident = await insertIncident(store, lead);
    const action = buildAction(incident, 'action-update', { owner });
    const sibling = buildAction(incident, 'action-sibling', { owner });
    await store.actions.insert(action);
    await store.actions.insert(sibling);

    const completed: Action = { ...action, text: 'Reworded', owner: lead, done: true, doneAt: at(50), updatedAt: at(50) };
    await store.actions.update(completed);
    assert.deepEqual(await store.actions.findById(incident.id, action.id), completed);
    assert.deepEqual(await store.actions.findById(incident.id, sibling.id), sibling);

    const reopened: Action = { ...completed, owner: null, done: false, doneAt: null, updatedAt: at(55) };
    await store.actions.update(reopened);
    assert.deepEqual(await store.actions.findById(incident.id, action.id), reopened);
  });

  ctx.test('update cannot change who created an action or when', async () => {
    const incident = await insertIncident(store, lead);
    const action = buildAction(incident, 'action-immutable');
    await store.actions.insert(action);
    await store.actions.update({ ...action, createdBy: owner, createdAt: at(99), updatedAt: at(60) });
    const stored = await store.actions.findById(incident.id, action.id);
    assert.equal(stored?.createdBy.id, lead.id);
    assert.deepEqual(stored?.createdAt, action.createdAt);
    assert.deepEqual(stored?.updatedAt, at(60));
  });

  ctx.test("listForIncident returns the incident's actions oldest first, and no one else's", async () => {
    const incident = await insertIncident(store, lead);
    const other = await insertIncident(store, lead);
    const later = buildAction(incident, 'action-list-a', { createdAt: at(30), updatedAt: at(30) });
    const earlier = buildAction(incident, 'action-list-z', { createdAt: at(20), updatedAt: at(20), owner });
    const tieB = buildAction(incident, 'action-list-tie-b', { createdAt: at(25), updatedAt: at(25) });
    const tieA = buildAction(incident, 'action-list-tie-a', { createdAt: at(25), updatedAt: at(25) });
    const elsewhere = buildAction(other, 'action-list-other', { createdAt: at(21), updatedAt: at(21) });
    for (const action of [later, earlier, tieB, tieA, elsewhere]) await store.actions.insert(action);

    assert.deepEqual(await store.actions.listForIncident(incident.id), [earlier, tieA, tieB, later]);
    assert.deepEqual(await store.actions.listForIncident(other.id), [elsewhere]);
  });

  ctx.test('an incident with no actions lists none', async () => {
    const incident = await insertIncident(store, lead);
    assert.deepEqual(await store.actions.listForIncident(incident.id), []);
  });
});
