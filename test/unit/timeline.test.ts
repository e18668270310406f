import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncidentId, UserId } from '../../src/domain/ids.js';
import {
  addTimelineEntry,
  removeTimelineEntry,
  reviseTimelineEntry,
  type TimelineEntry,
} from '../../src/domain/timeline.js';
import { catchDomainError } from './assertions.js';
import { buildContext, buildUser, minutesFromNow } from './factories.js';

const incidentId = 'incident-1' as IncidentId;
const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob' });

function addNote(text = 'Rolled back the deploy'): TimelineEntry {
  return addTimelineEntry(incidentId, { kind: 'note', text }, 'slack', buildContext()).state.entry;
}

describe('addTimelineEntry', () => {
  it('writes revision 1 with a matching revision record', () => {
    const ctx = buildContext();
    const { state, events } = addTimelineEntry(
      incidentId,
      { kind: 'note', text: '  Rolled back the deploy \n', link: 'https://ci.example.com/runs/42' },
      'web',
      ctx,
    );
    const { entry, revision } = state;
    assert.equal(entry.id, 'id-1');
    assert.equal(entry.incidentId, incidentId);
    assert.equal(entry.revision, 1);
    assert.equal(entry.text, 'Rolled back the deploy');
    assert.equal(entry.link, 'https://ci.example.com/runs/42');
    assert.equal(entry.removed, false);
    assert.deepEqual(entry.occurredAt, ctx.at);
    assert.deepEqual(entry.author, ctx.actor);
    assert.equal(entry.source, 'web');
    assert.deepEqual(revision, {
      entryId: entry.id,
      revision: 1,
      occurredAt: ctx.at,
      kind: 'note',
      text: 'Rolled back the deploy',
      link: 'https://ci.example.com/runs/42',
      removed: false,
      revisedBy: ctx.actor,
      source: 'web',
      revisedAt: ctx.at,
    });
    assert.deepEqual(events, [{ type: 'timeline.entry_added', entryId: 'id-1', kind: 'note' }]);
  });

  it('requires text', () => {
    const error = catchDomainError(() => addTimelineEntry(incidentId, { kind: 'note', text: ' \n ' }, 'slack', buildContext()));
    assert.equal(error.code, 'timeline.entry_invalid');
    assert.equal(error.details.field, 'text');
  });

  it('accepts http and https links and treats a blank link as none', () => {
    const add = (link: string) => addTimelineEntry(incidentId, { kind: 'call', text: 'Bridge', link }, 'api', buildContext());
    assert.equal(add('http://meet.example.com/abc').state.entry.link, 'http://meet.example.com/abc');
    assert.equal(add('  ').state.entry.link, null);
  });

  it('refuses a javascript: link, so nothing rendered can run script', () => {
    const error = catchDomainError(() =>
      addTimelineEntry(incidentId, { kind: 'note', text: 'Look', link: 'javascript:alert(1)' }, 'api', buildContext()),
    );
    assert.equal(error.code, 'timeline.entry_invalid');
    assert.equal(error.details.field, 'link');
  });

  it('refuses a link that is not a web address', () => {
    const error = catchDomainError(() =>
      addTimelineEntry(incidentId, { kind: 'note', text: 'Look', link: 'not a url' }, 'api', buildContext()),
    );
    assert.equal(error.code, 'timeline.entry_invalid');
  });

  it('allows an entry up to 5 minutes ahead of the clock and refuses one beyond', () => {
    const add = (occurredAt: Date) => addTimelineEntry(incidentId, { kind: 'note', text: 'x', occurredAt }, 'slack', buildContext());
    assert.deepEqual(add(minutesFromNow(5)).state.entry.occurredAt, minutesFromNow(5));
    assert.deepEqual(add(minutesFromNow(-90)).state.entry.occurredAt, minutesFromNow(-90));
    const error = catchDomainError(() => add(minutesFromNow(6)));
    assert.equal(error.code, 'timeline.entry_invalid');
    assert.equal(error.details.field, 'occurredAt');
  });
});

describe('reviseTimelineEntry', () => {
  it('adds a revision per correction; twice gives revision 3 with the latest text', () => {
    const entry = addNote();
    const first = reviseTimelineEntry(entry, { text: 'Rolled back deploy 118' }, 'web', buildContext({ at: minutesFromNow(1) }));
    assert.ok(first.state);
    const secondCtx = buildContext({ at: minutesFromNow(2), actor: bob });
    const second = reviseTimelineEntry(first.state.entry, { text: 'Rolled back deploy 117' }, 'web', secondCtx);
    assert.ok(second.state);

    const revised = second.state.entry;
    assert.equal(revised.revision, 3);
    assert.equal(revised.text, 'Rolled back deploy 117');
    assert.equal(revised.author.id, 'user-alice');
    assert.deepEqual(revised.updatedBy, bob);
    assert.deepEqual(revised.updatedAt, secondCtx.at);
    assert.equal(second.state.revision.revision, 3);
    assert.equal(second.state.revision.text, 'Rolled back deploy 117');
    assert.deepEqual(second.state.revision.revisedBy, bob);
    assert.deepEqual(first.events, [{ type: 'timeline.entry_revised', entryId: entry.id, revision: 2 }]);
    assert.deepEqual(second.events, [{ type: 'timeline.entry_revised', entryId: entry.id, revision: 3 }]);
    assert.equal(entry.text, 'Rolled back the deploy');
  });

  it('returns no state and no events for a correction that changes nothing', () => {
    const entry = addNote();
    const { state, events } = reviseTimelineEntry(
      entry,
      { text: ' Rolled back the deploy ', occurredAt: entry.occurredAt, link: null },
      'web',
      buildContext(),
    );
    assert.equal(state, null);
    assert.deepEqual(events, []);
  });

  it('corrects the time and the link', () => {
    const entry = addNote();
    const { state } = reviseTimelineEntry(
      entry,
      { occurredAt: minutesFromNow(-10), link: 'https://status.example.com' },
      'web',
      buildContext(),
    );
    assert.deepEqual(state?.entry.occurredAt, minutesFromNow(-10));
    assert.equal(state?.entry.link, 'https://status.example.com/');
    assert.equal(state?.entry.text, 'Rolled back the deploy');
  });

  it('refuses an entry whose time is an Invalid Date, rather than failing the write (found by the Slack payload fuzz suite)', () => {
    const error = catchDomainError(() => addTimelineEntry(incidentId, { kind: 'note', text: 'x', occurredAt: new Date(Number.NaN) }, 'slack', buildContext()));
    assert.equal(error.code, 'timeline.entry_invalid');
    assert.equal(error.details.field, 'occurredAt');
  });

  it('refuses a correction dated in the future or with empty text', () => {
    const entry = addNote();
    assert.equal(
      catchDomainError(() => reviseTimelineEntry(entry, { occurredAt: minutesFromNow(60) }, 'web', buildContext())).code,
      'timeline.entry_invalid',
    );
    assert.equal(
      catchDomainError(() => reviseTimelineEntry(entry, { text: '' }, 'web', buildContext())).code,
      'timeline.entry_invalid',
    );
  });
});

describe('removeTimelineEntry', () => {
  it('marks the entry removed with a new revision that keeps its content', () => {
    const entry = addNote();
    const ctx = buildContext({ at: minutesFromNow(3), actor: bob });
    const { state, events } = removeTimelineEntry(entry, 'slack', ctx);
    assert.equal(state.entry.removed, true);
    assert.equal(state.entry.revision, 2);
    assert.equal(state.entry.text, 'Rolled back the deploy');
    assert.equal(state.revision.removed, true);
    assert.equal(state.revision.revision, 2);
    assert.deepEqual(state.revision.revisedBy, bob);
    assert.deepEqual(events, [{ type: 'timeline.entry_removed', entryId: entry.id, revision: 2 }]);
  });

  it('refuses to revise or remove a removed entry, as a conflict', () => {
    const removed = removeTimelineEntry(addNote(), 'slack', buildContext()).state.entry;
    const revising = catchDomainError(() => reviseTimelineEntry(removed, { text: 'Back again' }, 'web', buildContext()));
    assert.equal(revising.code, 'timeline.entry_removed');
    assert.equal(revising.category, 'conflict');
    const removing = catchDomainError(() => removeTimelineEntry(removed, 'web', buildContext()));
    assert.equal(removing.code, 'timeline.entry_removed');
  });
});
