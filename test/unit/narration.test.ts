import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainEvent } from '../../src/domain/events.js';
import type { ActionId, TimelineEntryId, UserId } from '../../src/domain/ids.js';
import { editIncident } from '../../src/domain/incident-transitions.js';
import { narrate } from '../../src/domain/narration.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import { buildContext, buildIncident } from './factories.js';

const bob = { id: 'user-bob' as UserId, name: 'Bob' };
const carol = { id: 'user-carol' as UserId, name: 'Carol' };
const text = (event: DomainEvent) => narrate(event, defaultSeverityScale)?.text;

describe('narrate', () => {
  it('tells a live declaration and a report apart', () => {
    assert.deepEqual(narrate({ type: 'incident.declared', title: 'Checkout is failing', reportOnly: false, occurredAt: null }, defaultSeverityScale), {
      kind: 'declared',
      text: 'Declared: Checkout is failing',
    });
    assert.equal(
      text({ type: 'incident.declared', title: 'Disk filled up', reportOnly: true, occurredAt: '2024-05-01T10:00:00.000Z' }),
      'Reported (already happened): Disk filled up',
    );
  });

  it('shows severity changes by label', () => {
    assert.deepEqual(
      narrate({ type: 'incident.field_changed', field: 'severity', from: 'trivial', to: 'major' }, defaultSeverityScale),
      { kind: 'fieldChange', text: 'Severity set to Major (was Trivial)' },
    );
    assert.equal(text({ type: 'incident.field_changed', field: 'severity', from: null, to: 'critical' }), 'Severity set to Critical');
    assert.equal(text({ type: 'incident.field_changed', field: 'severity', from: 'major', to: null }), 'Severity cleared (was Major)');
  });

  it('narrates the severity change that editIncident records', () => {
    const ctx = buildContext();
    const { events } = editIncident(buildIncident({ severity: 'trivial' }, ctx), { severity: 'major' }, ctx);
    assert.deepEqual(events.map(text), ['Severity set to Major (was Trivial)']);
  });

  it('tells other field changes', () => {
    assert.equal(text({ type: 'incident.field_changed', field: 'title', from: 'a', to: 'Payments down' }), 'Title set to: Payments down');
    assert.equal(text({ type: 'incident.field_changed', field: 'summary', from: 'Old', to: null }), 'Summary cleared (was Old)');
    assert.equal(text({ type: 'incident.field_changed', field: 'impact', from: null, to: 'EU users' }), 'Impact set to: EU users');
    assert.equal(text({ type: 'incident.field_changed', field: 'private', from: false, to: true }), 'Made private');
    assert.equal(text({ type: 'incident.field_changed', field: 'private', from: true, to: false }), 'Made public');
  });

  it('names the previous holder on a role hand-over', () => {
    assert.deepEqual(narrate({ type: 'incident.role_assigned', role: 'lead', holder: carol, previous: bob }, defaultSeverityScale), {
      kind: 'role',
      text: 'Carol is now Incident lead (handed over from Bob)',
    });
    assert.equal(text({ type: 'incident.role_assigned', role: 'commsLead', holder: bob, previous: null }), 'Bob is now Communications lead');
    assert.equal(text({ type: 'incident.role_assigned', role: 'SME', holder: bob, previous: null }), 'Bob is now SME');
  });

  it('tells an unassignment', () => {
    assert.equal(
      text({ type: 'incident.role_unassigned', role: 'scribe', previous: bob }),
      'Bob is no longer Incident scribe; the role is unfilled',
    );
  });

  it('tells closing, with the date when blocked until one', () => {
    assert.deepEqual(narrate({ type: 'incident.closed', reason: 'resolved', blockedUntil: null, note: null }, defaultSeverityScale), {
      kind: 'closed',
      text: 'Closed: resolved',
    });
    assert.equal(
      text({ type: 'incident.closed', reason: 'blocked', blockedUntil: '2024-05-02T09:00:00.000Z', note: null }),
      'Closed: blocked until 2024-05-02T09:00:00.000Z',
    );
    assert.equal(text({ type: 'incident.closed', reason: 'blocked', blockedUntil: null, note: null }), 'Closed: blocked');
    assert.equal(
      text({ type: 'incident.closed', reason: 'resolved', blockedUntil: null, note: 'rolled back the deploy' }),
      'Closed: resolved — rolled back the deploy',
    );
  });

  it('tells reopening, promotion and a new action', () => {
    assert.deepEqual(narrate({ type: 'incident.reopened' }, defaultSeverityScale), { kind: 'reopened', text: 'Reopened' });
    assert.equal(text({ type: 'incident.promoted' }), 'Promoted from a report to a live incident');
    assert.deepEqual(
      narrate({ type: 'action.added', actionId: 'a-1' as ActionId, text: 'Add an alert', owner: bob }, defaultSeverityScale),
      { kind: 'action', text: 'Action: Add an alert (owner: Bob)' },
    );
  });

  it('tells nothing for timeline edits, so narration never feeds on itself', () => {
    const entryId = 'entry-1' as TimelineEntryId;
    assert.equal(narrate({ type: 'timeline.entry_added', entryId, kind: 'note' }, defaultSeverityScale), null);
    assert.equal(narrate({ type: 'timeline.entry_revised', entryId, revision: 2 }, defaultSeverityScale), null);
    assert.equal(narrate({ type: 'timeline.entry_removed', entryId, revision: 3 }, defaultSeverityScale), null);
  });

  it('tells nothing for action progress', () => {
    const actionId = 'a-1' as ActionId;
    assert.equal(narrate({ type: 'action.completed', actionId }, defaultSeverityScale), null);
    assert.equal(narrate({ type: 'action.reopened', actionId }, defaultSeverityScale), null);
    assert.equal(narrate({ type: 'action.updated', actionId, changes: { owner: 'Bob' } }, defaultSeverityScale), null);
  });
});
