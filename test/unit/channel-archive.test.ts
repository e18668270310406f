import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveChannel } from '../../src/domain/channel-archive.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Incident } from '../../src/domain/incident.js';
import { narrate } from '../../src/domain/narration.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import { buildContext, buildIncident, fixedNow, minutesFromNow } from './factories.js';

function closedWithChannel(): Incident {
  return { ...buildIncident(), status: 'closed', closeReason: 'resolved', endedAt: minutesFromNow(-60), channel: { id: 'C1', name: 'inc-1-db' } };
}

describe('archiveChannel', () => {
  it('records when, and an event naming who (or automatic), narrated for the timeline', () => {
    const { state, events } = archiveChannel(closedWithChannel(), 'person', buildContext());
    assert.equal(state.channelArchivedAt?.toISOString(), fixedNow().toISOString());
    assert.deepEqual(events, [{ type: 'incident.channel_archived', channel: { id: 'C1', name: 'inc-1-db' }, automatic: false, by: { id: 'user-alice', name: 'Alice' } }]);
    assert.equal(narrate(events[0]!, defaultSeverityScale)?.text, 'Slack channel #inc-1-db archived by Alice');
    const automatic = archiveChannel(closedWithChannel(), 'automatic', buildContext());
    assert.equal(narrate(automatic.events[0]!, defaultSeverityScale)?.text, 'Slack channel #inc-1-db archived automatically after close');
  });

  it('already archived: no change and no event, so a repeat archives nothing', () => {
    const once = archiveChannel(closedWithChannel(), 'person', buildContext()).state;
    const again = archiveChannel(once, 'automatic', buildContext({ at: minutesFromNow(5) }));
    assert.equal(again.state, once);
    assert.deepEqual(again.events, []);
  });

  it('refuses an open incident ("close it first") and an incident without a channel', () => {
    const open = { ...closedWithChannel(), status: 'open' as const, closeReason: null, endedAt: null };
    assert.throws(() => archiveChannel(open, 'person', buildContext()), (e: unknown) => e instanceof DomainError && e.code === 'incident.already_open' && /close it first/.test(e.message));
    assert.throws(() => archiveChannel({ ...closedWithChannel(), channel: null }, 'person', buildContext()), (e: unknown) => e instanceof DomainError && /no Slack channel/.test(e.message));
  });
});
