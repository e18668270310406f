import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addAction, updateAction, type Action } from '../../src/domain/action.js';
import type { IncidentId, UserId } from '../../src/domain/ids.js';
import { catchDomainError } from './assertions.js';
import { buildContext, buildUser, minutesFromNow } from './factories.js';

const incidentId = 'incident-1' as IncidentId;
const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob' });
const carol = buildUser({ id: 'user-carol' as UserId, name: 'Carol' });

function buildAction(owner: Action['owner'] = bob): Action {
  return addAction(incidentId, { text: 'Add an alert on queue depth', owner }, buildContext()).state;
}

describe('addAction', () => {
  it('records an open action with its owner', () => {
    const ctx = buildContext();
    const { state, events } = addAction(incidentId, { text: '  Add an alert on queue depth \n', owner: bob }, ctx);
    assert.deepEqual(state, {
      id: 'id-1',
      incidentId,
      text: 'Add an alert on queue depth',
      owner: bob,
      done: false,
      doneAt: null,
      followUp: false,
      dueOn: null,
      createdBy: ctx.actor,
      createdAt: ctx.at,
      updatedAt: ctx.at,
    });
    assert.deepEqual(events, [
      { type: 'action.added', actionId: 'id-1', text: 'Add an alert on queue depth', owner: { id: 'user-bob', name: 'Bob' } },
    ]);
  });

  it('records an action with no owner', () => {
    const { state, events } = addAction(incidentId, { text: 'Write the review' }, buildContext());
    assert.equal(state.owner, null);
    assert.deepEqual(events, [{ type: 'action.added', actionId: 'id-1', text: 'Write the review', owner: null }]);
  });

  it('refuses an action with no description', () => {
    const error = catchDomainError(() => addAction(incidentId, { text: '   ' }, buildContext()));
    assert.equal(error.code, 'action.invalid');
    assert.equal(error.details.field, 'text');
  });
});

describe('updateAction', () => {
  it('completes an action, setting doneAt and emitting action.completed', () => {
    const ctx = buildContext({ at: minutesFromNow(60) });
    const { state, events } = updateAction(buildAction(), { done: true }, ctx);
    assert.equal(state.done, true);
    assert.deepEqual(state.doneAt, ctx.at);
    assert.deepEqual(state.updatedAt, ctx.at);
    assert.deepEqual(events, [{ type: 'action.completed', actionId: 'id-1' }]);
  });

  it('reopens a completed action, clearing doneAt', () => {
    const done = updateAction(buildAction(), { done: true }, buildContext()).state;
    const { state, events } = updateAction(done, { done: false }, buildContext({ at: minutesFromNow(5) }));
    assert.equal(state.done, false);
    assert.equal(state.doneAt, null);
    assert.deepEqual(events, [{ type: 'action.reopened', actionId: 'id-1' }]);
  });

  it('returns the same action and no events when nothing changes', () => {
    const action = buildAction();
    const { state, events } = updateAction(
      action,
      { text: ' Add an alert on queue depth ', owner: buildUser({ id: 'user-bob' as UserId, name: 'Bob' }), done: false },
      buildContext({ at: minutesFromNow(5) }),
    );
    assert.deepEqual(events, []);
    assert.equal(state, action);
  });

  it('emits action.updated with the new owner name when the owner changes', () => {
    const { state, events } = updateAction(buildAction(), { owner: carol }, buildContext());
    assert.deepEqual(state.owner, carol);
    assert.deepEqual(events, [{ type: 'action.updated', actionId: 'id-1', changes: { owner: 'Carol' } }]);
  });

  it('emits action.updated with null when the owner is removed', () => {
    const { state, events } = updateAction(buildAction(), { owner: null }, buildContext());
    assert.equal(state.owner, null);
    assert.deepEqual(events, [{ type: 'action.updated', actionId: 'id-1', changes: { owner: null } }]);
  });

  it('reports an edit and a completion together as two events', () => {
    const { state, events } = updateAction(buildAction(), { text: 'Alert on queue age', done: true }, buildContext());
    assert.equal(state.text, 'Alert on queue age');
    assert.deepEqual(events, [
      { type: 'action.updated', actionId: 'id-1', changes: { text: 'Alert on queue age' } },
      { type: 'action.completed', actionId: 'id-1' },
    ]);
  });

  it('refuses to blank the description', () => {
    assert.equal(catchDomainError(() => updateAction(buildAction(), { text: '' }, buildContext())).code, 'action.invalid');
  });
});
