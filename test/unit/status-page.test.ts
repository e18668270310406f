import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { narrate } from '../../src/domain/narration.js';
import { currentComponentStates, publishStatus, type ComponentState, type PublishInput } from '../../src/domain/status-page.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import { catchDomainError } from './assertions.js';
import { buildContext, buildIncident, minutesFromNow } from './factories.js';

const components = ['Use an LPA', 'Make an LPA', 'Payments'];

function input(overrides: Partial<PublishInput> = {}): PublishInput {
  return {
    title: 'Payments are slow',
    status: 'investigating',
    message: 'Some payments are taking longer than usual.',
    components: [{ name: 'Payments', state: 'degraded_performance' }],
    notifySubscribers: true,
    publishPrivate: false,
    ...overrides,
  };
}

function assertDomainError(fn: () => unknown, code: string): void {
  assert.equal(catchDomainError(fn).code, code);
}

describe('status page publishing', () => {
  it('the first publication creates the public incident with one update and says so on the timeline', () => {
    const incident = buildIncident();
    const { state, events } = publishStatus(incident, null, input(), components, buildContext());
    assert.equal(state.publicIncident.incidentId, incident.id);
    assert.equal(state.publicIncident.title, 'Payments are slow');
    assert.equal(state.publicIncident.status, 'investigating');
    assert.equal(state.publicIncident.notifySubscribers, true);
    assert.equal(state.publicIncident.resolvedAt, null);
    assert.deepEqual(state.publicIncident.updates, [state.update]);
    assert.deepEqual(state.update.components, [{ name: 'Payments', state: 'degraded_performance' }]);
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.equal(event.type, 'statuspage.published');
    assert.equal(event.type === 'statuspage.published' && event.first, true);
    assert.deepEqual(narrate(event, defaultSeverityScale), {
      kind: 'statusPage',
      text: 'Published to the status page: Investigating — Some payments are taking longer than usual.',
    });
  });

  it('a later publication adds an update to the same public incident, newest first', () => {
    const incident = buildIncident();
    const first = publishStatus(incident, null, input(), components, buildContext()).state.publicIncident;
    const later = buildContext({ at: minutesFromNow(30), newId: () => 'update-2' });
    const { state, events } = publishStatus(incident, first, input({ status: 'monitoring', message: 'A fix is out.' }), components, later);
    assert.equal(state.publicIncident.id, first.id);
    assert.equal(state.publicIncident.status, 'monitoring');
    assert.deepEqual(state.publicIncident.createdAt, first.createdAt);
    assert.deepEqual(state.publicIncident.updatedAt, minutesFromNow(30));
    assert.deepEqual(state.publicIncident.updates.map((u) => u.message), ['A fix is out.', 'Some payments are taking longer than usual.']);
    assert.equal(events[0]?.type === 'statuspage.published' && events[0].first, false);
    assert.match(narrate(events[0]!, defaultSeverityScale)?.text ?? '', /^Status page updated: Monitoring — A fix is out\.$/);
  });

  it('resolving stamps the resolution time once', () => {
    const incident = buildIncident();
    const first = publishStatus(incident, null, input(), components, buildContext()).state.publicIncident;
    const resolved = publishStatus(incident, first, input({ status: 'resolved' }), components, buildContext({ at: minutesFromNow(10) })).state.publicIncident;
    assert.deepEqual(resolved.resolvedAt, minutesFromNow(10));
    const again = publishStatus(incident, resolved, input({ status: 'resolved' }), components, buildContext({ at: minutesFromNow(20) })).state.publicIncident;
    assert.deepEqual(again.resolvedAt, minutesFromNow(10));
  });

  it('a private incident is refused without the explicit override', () => {
    const incident = buildIncident({ private: true });
    assertDomainError(() => publishStatus(incident, null, input(), components, buildContext()), 'statuspage.private');
  });

  it('with the override a private incident is published and the override is recorded and told', () => {
    const incident = buildIncident({ private: true });
    const { events } = publishStatus(incident, null, input({ publishPrivate: true }), components, buildContext());
    const event = events[0]!;
    assert.equal(event.type === 'statuspage.published' && event.privateOverride, true);
    assert.match(narrate(event, defaultSeverityScale)?.text ?? '', /\(published although the incident is private\)$/);
  });

  it('the override on a public incident records no override', () => {
    const { events } = publishStatus(buildIncident(), null, input({ publishPrivate: true }), components, buildContext());
    assert.equal(events[0]?.type === 'statuspage.published' && events[0].privateOverride, false);
  });

  it('refuses an unknown status, an unknown or repeated component, a bad state, and an empty message or title', () => {
    const incident = buildIncident();
    const publish = (overrides: Partial<PublishInput>) => () => publishStatus(incident, null, input(overrides), components, buildContext());
    assertDomainError(publish({ status: 'fixed' }), 'statuspage.invalid');
    assertDomainError(publish({ components: [{ name: 'Billing', state: 'operational' }] }), 'statuspage.invalid');
    assertDomainError(publish({ components: [{ name: 'Payments', state: 'broken' }] }), 'statuspage.invalid');
    assertDomainError(
      publish({ components: [{ name: 'Payments', state: 'operational' }, { name: 'Payments', state: 'major_outage' }] }),
      'statuspage.invalid',
    );
    assertDomainError(publish({ message: '  ' }), 'statuspage.invalid');
    assertDomainError(publish({ title: ' ' }), 'statuspage.invalid');
  });

  it('components never published are operational; published states win; unconfigured ones are left out', () => {
    const stored = new Map<string, ComponentState>([['Payments', 'major_outage'], ['Old thing', 'partial_outage']]);
    assert.deepEqual(currentComponentStates(components, stored), [
      { name: 'Use an LPA', state: 'operational' },
      { name: 'Make an LPA', state: 'operational' },
      { name: 'Payments', state: 'major_outage' },
    ]);
  });
});
