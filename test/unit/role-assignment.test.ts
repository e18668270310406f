import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserId } from '../../src/domain/ids.js';
import { currentAssignments, holderOf } from '../../src/domain/incident.js';
import { assignRole, leadOf } from '../../src/domain/incident-transitions.js';
import { buildContext, buildIncident, buildUser, minutesFromNow } from './factories.js';

const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob' });
const carol = buildUser({ id: 'user-carol' as UserId, name: 'Carol' });

describe('assignRole', () => {
  it('makes the first assignment of a role', () => {
    const ctx = buildContext();
    const { state, events } = assignRole(buildIncident({}, ctx), 'lead', bob, ctx);
    assert.deepEqual(state.roleAssignments, [
      { id: 'id-1', role: 'lead', holder: bob, assignedAt: ctx.at, assignedBy: ctx.actor, endedAt: null, endedBy: null },
    ]);
    assert.deepEqual(state.updatedAt, ctx.at);
    assert.equal(leadOf(state)?.id, bob.id);
    assert.deepEqual(events, [{ type: 'incident.role_assigned', role: 'lead', holder: { id: 'user-bob', name: 'Bob' }, previous: null }]);
  });

  it('hands over by ending the previous assignment and keeping it in the history', () => {
    const first = buildContext();
    const withBob = assignRole(buildIncident({}, first), 'lead', bob, first).state;
    const second = buildContext({ at: minutesFromNow(45), actor: carol });
    const { state, events } = assignRole(withBob, 'lead', carol, second);

    assert.equal(state.roleAssignments.length, 2);
    const [ended, current] = state.roleAssignments;
    assert.equal(ended?.holder.id, bob.id);
    assert.deepEqual(ended?.endedAt, second.at);
    assert.deepEqual(ended?.endedBy, carol);
    assert.equal(current?.holder.id, carol.id);
    assert.equal(current?.endedAt, null);
    assert.equal(holderOf(state, 'lead')?.id, carol.id);
    assert.deepEqual(currentAssignments(state).map((a) => a.holder.id), [carol.id]);
    assert.deepEqual(events, [
      { type: 'incident.role_assigned', role: 'lead', holder: { id: 'user-carol', name: 'Carol' }, previous: { id: 'user-bob', name: 'Bob' } },
    ]);
  });

  it('does nothing when the same person is assigned again', () => {
    const ctx = buildContext();
    const withBob = assignRole(buildIncident({}, ctx), 'lead', bob, ctx).state;
    const { state, events } = assignRole(withBob, 'lead', bob, buildContext({ at: minutesFromNow(5) }));
    assert.deepEqual(events, []);
    assert.equal(state, withBob);
  });

  it('unassigns with null, ending the assignment', () => {
    const ctx = buildContext();
    const withBob = assignRole(buildIncident({}, ctx), 'scribe', bob, ctx).state;
    const { state, events } = assignRole(withBob, 'scribe', null, buildContext({ at: minutesFromNow(5) }));
    assert.equal(holderOf(state, 'scribe'), null);
    assert.equal(state.roleAssignments.length, 1);
    assert.deepEqual(state.roleAssignments[0]?.endedAt, minutesFromNow(5));
    assert.deepEqual(events, [{ type: 'incident.role_unassigned', role: 'scribe', previous: { id: 'user-bob', name: 'Bob' } }]);
  });

  it('does nothing when unassigning a role nobody holds', () => {
    const incident = buildIncident();
    const { state, events } = assignRole(incident, 'scribe', null, buildContext());
    assert.deepEqual(events, []);
    assert.equal(state, incident);
  });

  it('keeps roles apart: a new scribe does not end the lead', () => {
    const ctx = buildContext();
    const { state } = assignRole(assignRole(buildIncident({}, ctx), 'lead', bob, ctx).state, 'scribe', carol, ctx);
    assert.equal(holderOf(state, 'lead')?.id, bob.id);
    assert.equal(holderOf(state, 'scribe')?.id, carol.id);
  });

  it('compares custom role names without case and keeps the first spelling', () => {
    const ctx = buildContext();
    const withSme = assignRole(buildIncident({}, ctx), 'SME', bob, ctx).state;

    const same = assignRole(withSme, 'sme', bob, ctx);
    assert.deepEqual(same.events, []);

    const { state, events } = assignRole(withSme, 'sme', carol, ctx);
    assert.deepEqual(state.roleAssignments.map((a) => a.role), ['SME', 'SME']);
    assert.equal(holderOf(state, 'Sme')?.id, carol.id);
    assert.deepEqual(events, [
      { type: 'incident.role_assigned', role: 'SME', holder: { id: 'user-carol', name: 'Carol' }, previous: { id: 'user-bob', name: 'Bob' } },
    ]);
  });
});
