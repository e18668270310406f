import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncidentId, UserId } from '../../src/domain/ids.js';
import { holderOf } from '../../src/domain/incident.js';
import {
  assignRole,
  chain,
  closeIncident,
  declareIncident,
  editIncident,
  promoteToLive,
  reopenIncident,
} from '../../src/domain/incident-transitions.js';
import { catchDomainError } from './assertions.js';
import { buildContext, buildIncident, buildUser, fixedNow, minutesFromNow } from './factories.js';

const later = () => buildContext({ at: minutesFromNow(30), actor: buildUser({ id: 'user-bob' as UserId, name: 'Bob' }) });

describe('declareIncident', () => {
  it('builds the reference from the prefix and the number', () => {
    const incident = buildIncident({ number: 7, referencePrefix: 'INC' });
    assert.equal(incident.reference, 'INC-7');
    assert.equal(incident.number, 7);
  });

  it('collapses white space and new lines in the title to one line', () => {
    const { state, events } = declareIncident(
      { id: 'incident-1' as IncidentId, number: 1, referencePrefix: 'INC', title: '  Checkout\n  is\tfailing \r\n ', reportOnly: false },
      buildContext(),
    );
    assert.equal(state.title, 'Checkout is failing');
    assert.deepEqual(events, [{ type: 'incident.declared', title: 'Checkout is failing', reportOnly: false, occurredAt: null }]);
  });

  it('rejects an empty title', () => {
    const error = catchDomainError(() => buildIncident({ title: ' \n\t ' }));
    assert.equal(error.code, 'incident.title_invalid');
    assert.equal(error.details.field, 'title');
  });

  it('accepts a title of 200 characters and rejects one of 201', () => {
    assert.equal(buildIncident({ title: 'a'.repeat(200) }).title.length, 200);
    const error = catchDomainError(() => buildIncident({ title: 'a'.repeat(201) }));
    assert.equal(error.code, 'incident.title_invalid');
    assert.match(error.message, /at most 200/);
  });

  it('refuses an occurrence time on a live incident', () => {
    const error = catchDomainError(() => buildIncident({ reportOnly: false, occurredAt: minutesFromNow(-60) }));
    assert.equal(error.code, 'incident.field_invalid');
    assert.equal(error.details.field, 'occurredAt');
  });

  it('refuses an occurrence time in the future, even for a report', () => {
    const error = catchDomainError(() => buildIncident({ reportOnly: true, occurredAt: minutesFromNow(1) }));
    assert.equal(error.code, 'incident.field_invalid');
    assert.equal(error.details.field, 'occurredAt');
  });

  it('keeps a past occurrence time on a report and records it in the event', () => {
    const occurredAt = minutesFromNow(-120);
    const { state, events } = declareIncident(
      { id: 'incident-1' as IncidentId, number: 1, referencePrefix: 'INC', title: 'Disk filled up', reportOnly: true, occurredAt },
      buildContext(),
    );
    assert.equal(state.reportOnly, true);
    assert.deepEqual(state.occurredAt, occurredAt);
    assert.deepEqual(events, [
      { type: 'incident.declared', title: 'Disk filled up', reportOnly: true, occurredAt: occurredAt.toISOString() },
    ]);
  });

  it('parses the severity by key or label in any case', () => {
    assert.equal(buildIncident({ severity: 'major' }).severity, 'major');
    assert.equal(buildIncident({ severity: 'MAJOR' }).severity, 'major');
    assert.equal(buildIncident({ severity: 'Critical' }).severity, 'critical');
    assert.equal(buildIncident({ severity: ' tRiViAl ' }).severity, 'trivial');
    assert.equal(buildIncident().severity, null);
  });

  it('rejects an unknown severity, listing the allowed keys', () => {
    const error = catchDomainError(() => buildIncident({ severity: 'sev1' }));
    assert.equal(error.code, 'incident.severity_invalid');
    assert.equal(error.category, 'invalid');
    assert.deepEqual(error.details.allowed, ['critical', 'major', 'trivial']);
    assert.match(error.message, /critical, major, trivial/);
  });

  it('starts the incident open at the moment of declaration', () => {
    const ctx = buildContext();
    const incident = buildIncident({}, ctx);
    assert.deepEqual(incident.startedAt, ctx.at);
    assert.deepEqual(incident.createdAt, ctx.at);
    assert.equal(incident.status, 'open');
    assert.equal(incident.endedAt, null);
    assert.equal(incident.closeReason, null);
    assert.deepEqual(incident.roleAssignments, []);
  });

  it('makes the declarer the reporter unless someone else is named', () => {
    const ctx = buildContext();
    assert.deepEqual(buildIncident({}, ctx).reporter, ctx.actor);
    const carol = buildUser({ id: 'user-carol' as UserId, name: 'Carol' });
    assert.deepEqual(buildIncident({ reporter: carol }, ctx).reporter, carol);
  });

  it('emits exactly one incident.declared event', () => {
    const { events } = declareIncident(
      { id: 'incident-1' as IncidentId, number: 1, referencePrefix: 'INC', title: 'Checkout is failing', reportOnly: false },
      buildContext(),
    );
    assert.deepEqual(events, [{ type: 'incident.declared', title: 'Checkout is failing', reportOnly: false, occurredAt: null }]);
  });
});

describe('editIncident', () => {
  it('records one field_changed event per real change and stamps updatedAt', () => {
    const incident = buildIncident({ severity: 'trivial' });
    const ctx = later();
    const { state, events } = editIncident(incident, { title: 'Payments down', severity: 'Major' }, ctx);
    assert.equal(state.title, 'Payments down');
    assert.equal(state.severity, 'major');
    assert.deepEqual(state.updatedAt, ctx.at);
    assert.deepEqual(events, [
      { type: 'incident.field_changed', field: 'title', from: 'Checkout is failing', to: 'Payments down' },
      { type: 'incident.field_changed', field: 'severity', from: 'trivial', to: 'major' },
    ]);
  });

  it('returns the same incident and no events when nothing really changes', () => {
    const incident = buildIncident({ severity: 'major', summary: 'Card payments fail' });
    const { state, events } = editIncident(
      incident,
      { title: ' Checkout  is\nfailing ', severity: 'MAJOR', summary: 'Card payments fail', private: false },
      later(),
    );
    assert.deepEqual(events, []);
    assert.equal(state, incident);
  });

  it('treats a blank summary as none', () => {
    const incident = buildIncident({ summary: 'Card payments fail' });
    const { state, events } = editIncident(incident, { summary: '  \n ' }, later());
    assert.equal(state.summary, null);
    assert.deepEqual(events, [{ type: 'incident.field_changed', field: 'summary', from: 'Card payments fail', to: null }]);
  });

  it('keeps new lines in a multi-line summary', () => {
    const { state } = editIncident(buildIncident(), { summary: 'Line one\r\nLine two' }, later());
    assert.equal(state.summary, 'Line one\nLine two');
  });

  it('clears the severity when given null', () => {
    const incident = buildIncident({ severity: 'critical' });
    const { state, events } = editIncident(incident, { severity: null }, later());
    assert.equal(state.severity, null);
    assert.deepEqual(events, [{ type: 'incident.field_changed', field: 'severity', from: 'critical', to: null }]);
  });

  it('records a change of privacy as booleans', () => {
    const { state, events } = editIncident(buildIncident(), { private: true }, later());
    assert.equal(state.private, true);
    assert.deepEqual(events, [{ type: 'incident.field_changed', field: 'private', from: false, to: true }]);
  });

  it('rejects an invalid title or severity without changing anything', () => {
    const incident = buildIncident();
    assert.equal(catchDomainError(() => editIncident(incident, { title: '' }, later())).code, 'incident.title_invalid');
    assert.equal(catchDomainError(() => editIncident(incident, { severity: 'sev9' }, later())).code, 'incident.severity_invalid');
    assert.equal(incident.title, 'Checkout is failing');
  });
});

describe('closeIncident', () => {
  it('closes as resolved with the end time and reason', () => {
    const ctx = later();
    const { state, events } = closeIncident(buildIncident(), { reason: 'resolved' }, ctx);
    assert.equal(state.status, 'closed');
    assert.equal(state.closeReason, 'resolved');
    assert.equal(state.blockedUntil, null);
    assert.deepEqual(state.endedAt, ctx.at);
    assert.deepEqual(events, [{ type: 'incident.closed', reason: 'resolved', blockedUntil: null, note: null }]);
  });

  it('closes as blocked until a future date', () => {
    const until = minutesFromNow(24 * 60);
    const { state, events } = closeIncident(buildIncident(), { reason: 'blocked', blockedUntil: until }, buildContext());
    assert.equal(state.closeReason, 'blocked');
    assert.deepEqual(state.blockedUntil, until);
    assert.deepEqual(events, [{ type: 'incident.closed', reason: 'blocked', blockedUntil: until.toISOString(), note: null }]);
  });

  it('closes as blocked with no date', () => {
    const { state } = closeIncident(buildIncident(), { reason: 'blocked' }, buildContext());
    assert.equal(state.closeReason, 'blocked');
    assert.equal(state.blockedUntil, null);
  });

  it('refuses a blocked-until date with the reason resolved', () => {
    const error = catchDomainError(() =>
      closeIncident(buildIncident(), { reason: 'resolved', blockedUntil: minutesFromNow(60) }, buildContext()),
    );
    assert.equal(error.code, 'incident.close_reason_invalid');
    assert.equal(error.details.field, 'blockedUntil');
  });

  it('refuses a blocked-until date in the past or exactly now', () => {
    for (const blockedUntil of [minutesFromNow(-1), fixedNow()]) {
      const error = catchDomainError(() => closeIncident(buildIncident(), { reason: 'blocked', blockedUntil }, buildContext()));
      assert.equal(error.code, 'incident.close_reason_invalid');
      assert.equal(error.details.field, 'blockedUntil');
    }
  });

  it('refuses to close an incident that is already closed, as a conflict', () => {
    const closed = closeIncident(buildIncident({ number: 7 }), { reason: 'resolved' }, buildContext()).state;
    const error = catchDomainError(() => closeIncident(closed, { reason: 'resolved' }, later()));
    assert.equal(error.code, 'incident.already_closed');
    assert.equal(error.category, 'conflict');
    assert.match(error.message, /INC-7/);
  });
});

describe('reopenIncident', () => {
  it('opens a closed incident and clears how it ended', () => {
    const closed = closeIncident(buildIncident(), { reason: 'blocked', blockedUntil: minutesFromNow(60) }, buildContext()).state;
    const ctx = later();
    const { state, events } = reopenIncident(closed, ctx);
    assert.equal(state.status, 'open');
    assert.equal(state.closeReason, null);
    assert.equal(state.endedAt, null);
    assert.equal(state.blockedUntil, null);
    assert.deepEqual(state.updatedAt, ctx.at);
    assert.deepEqual(events, [{ type: 'incident.reopened' }]);
  });

  it('refuses to reopen an open incident, as a conflict', () => {
    const error = catchDomainError(() => reopenIncident(buildIncident(), buildContext()));
    assert.equal(error.code, 'incident.already_open');
    assert.equal(error.category, 'conflict');
  });
});

describe('promoteToLive', () => {
  it('turns a report into a live incident', () => {
    const report = buildIncident({ reportOnly: true });
    const { state, events } = promoteToLive(report, later());
    assert.equal(state.reportOnly, false);
    assert.deepEqual(events, [{ type: 'incident.promoted' }]);
  });

  it('refuses to promote a live incident', () => {
    const error = catchDomainError(() => promoteToLive(buildIncident({ reportOnly: false }), buildContext()));
    assert.equal(error.code, 'incident.not_report_only');
    assert.equal(error.category, 'conflict');
  });
});

describe('chain', () => {
  it('runs the steps in order on each result and concatenates their events', () => {
    const ctx = buildContext();
    const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob' });
    // reopen only succeeds if it sees the state close produced, so order is proven, not assumed.
    const { state, events } = chain(buildIncident({}, ctx), [
      (s) => editIncident(s, { title: 'Payments down' }, ctx),
      (s) => closeIncident(s, { reason: 'resolved' }, ctx),
      (s) => reopenIncident(s, ctx),
      (s) => assignRole(s, 'lead', bob, ctx),
    ]);
    assert.equal(state.title, 'Payments down');
    assert.equal(state.status, 'open');
    assert.equal(holderOf(state, 'lead')?.id, 'user-bob');
    assert.deepEqual(
      events.map((e) => e.type),
      ['incident.field_changed', 'incident.closed', 'incident.reopened', 'incident.role_assigned'],
    );
  });

  it('returns the state untouched and no events for no steps', () => {
    const incident = buildIncident();
    const { state, events } = chain(incident, []);
    assert.equal(state, incident);
    assert.deepEqual(events, []);
  });
});
