import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { assertRejectsWithCode } from './fixtures.js';

const publication = {
  title: 'Payments are slow',
  status: 'investigating',
  message: 'Some card payments are taking longer than usual.',
  components: [{ name: 'Payments', state: 'degraded_performance' }],
  notifySubscribers: true,
  publishPrivate: false,
};

// The status page's storage and the publish use case on each engine, through the composed app (so
// the nudge scheduler hears the publication as it does in production).
describeEngines('status page: publishing and what is stored', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let actor: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T10:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, { STATUS_COMPONENTS: 'Use an LPA, Make an LPA ,Payments' }, { clock });
    actor = { user: await running.app.users.fromDevSignIn('Cora Comms'), source: 'web' };
  });
  after(() => running.close());

  ctx.test('nothing is public until published; components start operational', async () => {
    await running.app.incidents.declare(actor, { title: 'Never published' });
    const view = await running.app.statusPage.publicView();
    assert.deepEqual(view.current, []);
    assert.deepEqual(view.history, []);
    assert.equal(view.updatedAt, null);
    assert.deepEqual(view.components, [
      { name: 'Use an LPA', state: 'operational' },
      { name: 'Make an LPA', state: 'operational' },
      { name: 'Payments', state: 'operational' },
    ]);
  });

  ctx.test('publish creates, a second publish updates; read back identical, newest first', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Card payments failing at the bank' });
    const first = await running.app.statusPage.publish(actor, incident.reference, publication);
    clock.advance(20 * 60_000);
    const second = await running.app.statusPage.publish(actor, incident.id, {
      ...publication,
      status: 'identified',
      message: 'The bank has found the fault.',
      components: [{ name: 'Payments', state: 'partial_outage' }],
      notifySubscribers: false,
    });
    assert.equal(second.id, first.id);
    assert.deepEqual(await running.app.store.statusPage.findByIncident(incident.id), second);
    assert.deepEqual(second.updates.map((u) => [u.status, u.message]), [
      ['identified', 'The bank has found the fault.'],
      ['investigating', 'Some card payments are taking longer than usual.'],
    ]);
    assert.equal(second.notifySubscribers, false);
    assert.equal(second.updates[0]!.by.name, 'Cora Comms');
    const view = await running.app.statusPage.publicView();
    assert.deepEqual(view.current.map((p) => p.id), [first.id]);
    assert.deepEqual(view.components.find((c) => c.name === 'Payments'), { name: 'Payments', state: 'partial_outage' });
    assert.deepEqual(view.updatedAt, clock.now());

    const told = (await running.app.timeline.list(incident.reference)).filter((e) => e.kind === 'statusPage').map((e) => e.text);
    assert.deepEqual(told, [
      'Published to the status page: Investigating — Some card payments are taking longer than usual.',
      'Status page updated: Identified — The bank has found the fault.',
    ]);
  });

  ctx.test('publishing restarts the comms update cadence', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Cadence' });
    clock.advance(5 * 60_000);
    await running.app.statusPage.publish(actor, incident.id, publication);
    const records = await running.app.store.nudges.forIncident(incident.id);
    assert.deepEqual(records.get('comms_update')?.since, clock.now());
  });

  ctx.test('resolving moves it to the history', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Resolved one' });
    const published = await running.app.statusPage.publish(actor, incident.id, publication);
    clock.advance(60_000);
    await running.app.statusPage.publish(actor, incident.id, { ...publication, status: 'resolved', message: 'Fixed.', components: [{ name: 'Payments', state: 'operational' }] });
    const view = await running.app.statusPage.publicView();
    assert.ok(!view.current.some((p) => p.id === published.id));
    assert.deepEqual(view.history.find((p) => p.id === published.id)?.resolvedAt, clock.now());
  });

  ctx.test('a private incident is refused without the override, and nothing is stored or told', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Private one', private: true });
    await assertRejectsWithCode(running.app.statusPage.publish(actor, incident.id, publication), 'statuspage.private');
    assert.equal(await running.app.store.statusPage.findByIncident(incident.id), null);
    assert.ok(!(await running.app.timeline.list(incident.reference)).some((e) => e.kind === 'statusPage'));
    assert.ok(!(await running.app.incidents.audit(incident.reference)).some((r) => r.type === 'statuspage.published'));
  });

  ctx.test('with the override it is published, and the override is in the audit trail and on the timeline', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Private but published', private: true });
    await running.app.statusPage.publish(actor, incident.id, { ...publication, publishPrivate: true });
    assert.notEqual(await running.app.store.statusPage.findByIncident(incident.id), null);
    const audit = (await running.app.incidents.audit(incident.reference)).find((r) => r.type === 'statuspage.published');
    assert.equal(audit?.data.privateOverride, true);
    assert.equal(audit?.actor.name, 'Cora Comms');
    const line = (await running.app.timeline.list(incident.reference)).find((e) => e.kind === 'statusPage');
    assert.match(line?.text ?? '', /published although the incident is private/);
  });

  ctx.test('an unconfigured component, and a report-only incident, are refused', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Bad component' });
    await assertRejectsWithCode(
      running.app.statusPage.publish(actor, incident.id, { ...publication, components: [{ name: 'Billing', state: 'major_outage' }] }),
      'statuspage.invalid',
    );
    const report = await running.app.incidents.declare(actor, { title: 'Last week', reportOnly: true });
    await assertRejectsWithCode(running.app.statusPage.publish(actor, report.id, publication), 'statuspage.invalid');
  });

  ctx.test('a repeated request key publishes once', async () => {
    const incident = await running.app.incidents.declare(actor, { title: 'Double submit' });
    const keyed: Actor = { ...actor, requestKey: 'test:status:1' };
    await running.app.statusPage.publish(keyed, incident.id, publication);
    await assertRejectsWithCode(running.app.statusPage.publish(keyed, incident.id, publication), 'request.duplicate');
    assert.equal((await running.app.store.statusPage.findByIncident(incident.id))?.updates.length, 1);
  });
});
