import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import { narrate } from '../../src/domain/narration.js';
import {
  addFollowUp,
  checkCalendarDate,
  compareFollowUps,
  isOverdue,
  recordRcaOutcome,
  recordRcaSession,
  setRcaStatus,
  updateFollowUp,
  type Rca,
} from '../../src/domain/rca.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import { catchDomainError } from './assertions.js';
import { buildContext, buildIncident, buildUser, minutesFromNow } from './factories.js';

const alice = buildUser();
const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob', email: 'bob@example.com' });
const closedIncident = (): Incident => ({ ...buildIncident(), status: 'closed', closeReason: 'resolved', endedAt: minutesFromNow(-5) });
const noOutcome = { rootCause: null, contributingFactors: null, wentWell: null, wentBadly: null };

function started(): Rca {
  return recordRcaSession(closedIncident(), null, { heldOn: '2024-05-03', attendees: [alice] }, 0, buildContext()).state;
}

describe('recordRcaSession', () => {
  it('starts a draft RCA at version 1 with the date and attendees (each once), told on the timeline', () => {
    const ctx = buildContext();
    const { state, events } = recordRcaSession(closedIncident(), null, { heldOn: ' 2024-05-03 ', attendees: [alice, bob, alice] }, 0, ctx);
    assert.equal(state.version, 1);
    assert.equal(state.status, 'draft');
    assert.equal(state.heldOn, '2024-05-03');
    assert.deepEqual(state.attendees, [alice, bob]);
    assert.deepEqual(state.createdBy, ctx.actor);
    assert.deepEqual(events, [{ type: 'rca.session_recorded', heldOn: '2024-05-03', attendees: [{ id: alice.id, name: 'Alice' }, { id: bob.id, name: 'Bob' }], first: true }]);
    assert.deepEqual(narrate(events[0]!, defaultSeverityScale), { kind: 'fieldChange', text: 'RCA session recorded: 2024-05-03, with Alice, Bob' });
  });

  it('refuses while the incident is open, with a message that says what to do', () => {
    const error = catchDomainError(() => recordRcaSession(buildIncident(), null, { heldOn: '2024-05-03', attendees: [alice] }, 0, buildContext()));
    assert.equal(error.code, 'rca.incident_open');
    assert.match(error.message, /INC-1 is still open: close it first/);
  });

  it('refuses a date that is not a real calendar day, and no attendee', () => {
    for (const heldOn of ['2024-02-30', '03/05/2024', '', '2024-5-3']) {
      const error = catchDomainError(() => recordRcaSession(closedIncident(), null, { heldOn, attendees: [alice] }, 0, buildContext()));
      assert.equal(error.code, 'rca.invalid');
      assert.equal(error.details.field, 'session date');
    }
    const none = catchDomainError(() => recordRcaSession(closedIncident(), null, { heldOn: '2024-05-03', attendees: [] }, 0, buildContext()));
    assert.equal(none.details.field, 'attendees');
  });

  it('with a root cause (from Slack), records it too; without one, keeps the one there', () => {
    const withCause = recordRcaSession(closedIncident(), null, { heldOn: '2024-05-03', attendees: [alice], rootCause: 'DNS' }, undefined, buildContext());
    assert.equal(withCause.state.rootCause, 'DNS');
    assert.deepEqual(withCause.events.map((e) => e.type), ['rca.session_recorded', 'rca.outcome_recorded']);
    const changed = recordRcaSession(closedIncident(), withCause.state, { heldOn: '2024-05-04', attendees: [bob] }, undefined, buildContext());
    assert.equal(changed.state.rootCause, 'DNS');
    assert.equal(changed.state.version, 2);
    assert.deepEqual(changed.events, [{ type: 'rca.session_recorded', heldOn: '2024-05-04', attendees: [{ id: bob.id, name: 'Bob' }], first: false }]);
  });
});

describe('optimistic concurrency', () => {
  it('refuses a form filled from an older version, naming who saved since', () => {
    const rca = recordRcaOutcome(closedIncident(), started(), { ...noOutcome, rootCause: 'A' }, 1, buildContext({ actor: bob })).state;
    assert.equal(rca.version, 2);
    const error = catchDomainError(() => recordRcaOutcome(closedIncident(), rca, { ...noOutcome, rootCause: 'B' }, 1, buildContext()));
    assert.equal(error.code, 'rca.concurrent_update');
    assert.match(error.message, /Someone else saved this RCA .*by Bob.*Your changes were not saved/);
    // A form that says there was no RCA yet, when there is one, is stale too.
    assert.equal(catchDomainError(() => recordRcaSession(closedIncident(), rca, { heldOn: '2024-05-03', attendees: [alice] }, 0, buildContext())).code, 'rca.concurrent_update');
  });
});

describe('recordRcaOutcome', () => {
  it('records the changed fields only; the same outcome again changes nothing', () => {
    const rca = started();
    const { state, events } = recordRcaOutcome(closedIncident(), rca, { rootCause: 'Expired certificate\r\n', contributingFactors: ' ', wentWell: 'Fast failover', wentBadly: null }, 1, buildContext());
    assert.equal(state.rootCause, 'Expired certificate');
    assert.equal(state.contributingFactors, null);
    assert.equal(state.version, 2);
    assert.deepEqual(events, [{ type: 'rca.outcome_recorded', fields: ['rootCause', 'wentWell'] }]);
    assert.equal(narrate(events[0]!, defaultSeverityScale)?.text, 'RCA outcome recorded (root cause, what went well)');
    const again = recordRcaOutcome(closedIncident(), state, { rootCause: 'Expired certificate', contributingFactors: null, wentWell: 'Fast failover', wentBadly: null }, 2, buildContext());
    assert.equal(again.state, state);
    assert.deepEqual(again.events, []);
  });
});

describe('setRcaStatus', () => {
  it('needs a root cause to complete; completes and goes back to draft', () => {
    const rca = started();
    assert.equal(catchDomainError(() => setRcaStatus(closedIncident(), rca, 'complete', 1, buildContext())).details.field, 'rootCause');
    const withCause = recordRcaOutcome(closedIncident(), rca, { ...noOutcome, rootCause: 'X' }, 1, buildContext()).state;
    const complete = setRcaStatus(closedIncident(), withCause, 'complete', 2, buildContext());
    assert.equal(complete.state.status, 'complete');
    assert.deepEqual(complete.events, [{ type: 'rca.completed' }]);
    assert.deepEqual(setRcaStatus(closedIncident(), complete.state, 'complete', 3, buildContext()).events, []);
    const draft = setRcaStatus(closedIncident(), complete.state, 'draft', 3, buildContext());
    assert.equal(draft.state.status, 'draft');
    assert.equal(draft.state.version, 4);
    assert.deepEqual(draft.events, [{ type: 'rca.reopened' }]);
  });
});

describe('follow-ups', () => {
  it('need an owner and a real due date; are actions flagged followUp', () => {
    const incident = closedIncident();
    assert.equal(catchDomainError(() => addFollowUp(incident, { text: 'Alert', owner: null, dueOn: '2024-06-01' }, buildContext())).details.field, 'owner');
    assert.equal(catchDomainError(() => addFollowUp(incident, { text: 'Alert', owner: bob, dueOn: 'soon' }, buildContext())).details.field, 'due date');
    assert.equal(catchDomainError(() => addFollowUp(incident, { text: ' ', owner: bob, dueOn: '2024-06-01' }, buildContext())).code, 'action.invalid');
    const { state, events } = addFollowUp(incident, { text: 'Add an expiry alert', owner: bob, dueOn: '2024-06-01' }, buildContext());
    assert.equal(state.followUp, true);
    assert.equal(state.dueOn, '2024-06-01');
    assert.deepEqual(events, [{ type: 'follow_up.added', actionId: state.id, text: 'Add an expiry alert', owner: { id: bob.id, name: 'Bob' }, dueOn: '2024-06-01' }]);
    assert.equal(narrate(events[0]!, defaultSeverityScale)?.text, 'Follow-up: Add an expiry alert (owner: Bob, due 2024-06-01)');
  });

  it('edit, complete and reopen; unchanged values produce no event', () => {
    const added = addFollowUp(closedIncident(), { text: 'Alert', owner: bob, dueOn: '2024-06-01' }, buildContext()).state;
    const edited = updateFollowUp(added, { dueOn: '2024-07-01', owner: alice, text: 'Alert' }, buildContext());
    assert.equal(edited.state.dueOn, '2024-07-01');
    assert.deepEqual(edited.events, [{ type: 'follow_up.updated', actionId: added.id, changes: { owner: 'Alice', dueOn: '2024-07-01' } }]);
    const done = updateFollowUp(edited.state, { done: true }, buildContext());
    assert.equal(done.state.done, true);
    assert.deepEqual(done.events, [{ type: 'follow_up.completed', actionId: added.id, text: 'Alert' }]);
    assert.deepEqual(updateFollowUp(done.state, { done: false }, buildContext()).events, [{ type: 'follow_up.reopened', actionId: added.id, text: 'Alert' }]);
    const same = updateFollowUp(added, { dueOn: '2024-06-01', text: 'Alert' }, buildContext());
    assert.equal(same.state, added);
    assert.deepEqual(same.events, []);
  });

  it('are overdue only when not done and due before today; sorted soonest first, undated last', () => {
    assert.equal(isOverdue({ done: false, dueOn: '2024-04-30' }, '2024-05-01'), true);
    assert.equal(isOverdue({ done: false, dueOn: '2024-05-01' }, '2024-05-01'), false);
    assert.equal(isOverdue({ done: true, dueOn: '2024-04-30' }, '2024-05-01'), false);
    const at = minutesFromNow(0);
    const rows = [
      { dueOn: null, createdAt: at, name: 'undated' },
      { dueOn: '2024-06-01', createdAt: minutesFromNow(1), name: 'june later' },
      { dueOn: '2024-05-02', createdAt: at, name: 'may' },
      { dueOn: '2024-06-01', createdAt: at, name: 'june' },
    ];
    assert.deepEqual([...rows].sort(compareFollowUps).map((r) => r.name), ['may', 'june', 'june later', 'undated']);
  });

  it('checkCalendarDate accepts only real yyyy-mm-dd days', () => {
    assert.equal(checkCalendarDate('2024-02-29', 'd', 'rca.invalid'), '2024-02-29');
    assert.equal(catchDomainError(() => checkCalendarDate('2023-02-29', 'd', 'rca.invalid')).code, 'rca.invalid');
  });
});
