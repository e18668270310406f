import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { assertRejectsWithCode } from './fixtures.js';

const MINUTE = 60_000;

// The RCA and follow-up use cases on each engine, through the composed app (so the nudge
// scheduler and the audit trail hear the changes as in production).
describeEngines('RCA: report, session, outcome, follow-ups', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let lead: Actor;
  let other: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T10:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock });
    lead = { user: await running.app.users.fromDevSignIn('Lena Lead'), source: 'web' };
    other = { user: await running.app.users.fromDevSignIn('Otto Other'), source: 'web' };
  });
  after(() => running.close());

  async function closedIncident(title: string) {
    const incident = await running.app.incidents.declare(lead, { title, summary: 'Cards fail', impact: 'No payments', severity: 'major' });
    clock.advance(4 * MINUTE);
    await running.app.incidents.update(lead, incident.id, { roles: { lead: { id: lead.user.id } } });
    clock.advance(6 * MINUTE);
    await running.app.nudges.postUpdate(lead, incident.id, 'Payments failing; investigating');
    clock.advance(50 * MINUTE);
    await running.app.incidents.update(lead, incident.id, { status: 'closed', closeReason: 'resolved' });
    return incident;
  }

  ctx.test('report: durations, timeline oldest first, actions and follow-ups apart; unknown incident not found', async () => {
    const incident = await closedIncident('Report me');
    await running.app.actions.add(lead, incident.id, { text: 'Restart the gateway' });
    await running.app.followUps.add(lead, incident.reference, { text: 'Alert on gateway errors', owner: { email: 'otto@example.com' }, dueOn: '2024-06-01' });
    const report = await running.app.rca.report(incident.reference);
    assert.equal(report.incident.id, incident.id);
    assert.equal(report.rca, null);
    assert.deepEqual(report.durations, { toLeadMs: 4 * MINUTE, toFirstUpdateMs: 10 * MINUTE, toCloseMs: 60 * MINUTE });
    assert.deepEqual(report.actions.map((a) => a.text), ['Restart the gateway']);
    assert.deepEqual(report.followUps.map((a) => [a.text, a.owner?.email, a.dueOn, a.followUp]), [['Alert on gateway errors', 'otto@example.com', '2024-06-01', true]]);
    const times = report.timeline.map((e) => e.occurredAt.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.ok(report.timeline.some((e) => e.text === 'Follow-up: Alert on gateway errors (owner: otto, due 2024-06-01)'));
    await assertRejectsWithCode(running.app.rca.report('INC-999'), 'incident.not_found');
  });

  ctx.test('refused while open; a session is recorded, audited, told, and stops the RCA reminder', async () => {
    const open = await running.app.incidents.declare(lead, { title: 'Still open' });
    await assertRejectsWithCode(running.app.rca.recordSession(lead, open.id, { heldOn: '2024-05-03', attendees: [{ id: lead.user.id }] }), 'rca.incident_open');
    assert.equal(await running.app.store.rcas.find(open.id), null);

    const incident = await closedIncident('Session');
    const rca = await running.app.rca.recordSession(lead, incident.reference, {
      heldOn: '2024-05-03',
      attendees: [{ id: lead.user.id }, { email: 'new.person@example.com' }],
      expectedVersion: 0,
    });
    assert.equal(rca.version, 1);
    assert.equal(rca.status, 'draft');
    const stored = await running.app.store.rcas.find(incident.id);
    assert.deepEqual(stored, rca);
    assert.deepEqual(stored?.attendees.map((a) => a.name).sort(), ['Lena Lead', 'new.person']);
    const records = await running.app.store.nudges.forIncident(incident.id);
    assert.ok(records.get('schedule_rca')?.stoppedAt, 'the schedule-the-RCA reminder is stopped');
    const audit = (await running.app.store.audit.listForIncident(incident.id)).map((a) => a.type);
    assert.ok(audit.includes('rca.session_recorded'));
    assert.ok(audit.includes('nudge.stopped'));
    const lines = (await running.app.timeline.list(incident.id)).map((e) => e.text);
    assert.ok(lines.includes('RCA session recorded: 2024-05-03, with Lena Lead, new.person'), lines.join('\n'));
  });

  ctx.test('outcome and status under optimistic concurrency: a stale version is refused and nothing is written', async () => {
    const incident = await closedIncident('Concurrency');
    await running.app.rca.recordSession(lead, incident.id, { heldOn: '2024-05-03', attendees: [{ id: lead.user.id }] });
    await assertRejectsWithCode(running.app.rca.setStatus(lead, incident.id, 'complete', 1), 'rca.invalid');
    const v2 = await running.app.rca.recordOutcome(lead, incident.id, { rootCause: 'Expired certificate', contributingFactors: 'No alert', wentWell: null, wentBadly: null }, 1);
    assert.equal(v2.version, 2);
    await assertRejectsWithCode(
      running.app.rca.recordOutcome(other, incident.id, { rootCause: 'Something else', contributingFactors: null, wentWell: 'x', wentBadly: null }, 1),
      'rca.concurrent_update',
    );
    const after = await running.app.store.rcas.find(incident.id);
    assert.equal(after?.rootCause, 'Expired certificate');
    assert.equal(after?.wentWell, null);
    const complete = await running.app.rca.setStatus(other, incident.id, 'complete', 2);
    assert.equal(complete.status, 'complete');
    assert.equal(complete.updatedBy.name, 'Otto Other');
    const draft = await running.app.rca.setStatus(lead, incident.id, 'draft', 3);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.version, 4);
  });

  ctx.test('a repeated request (same key) records the session once', async () => {
    const incident = await closedIncident('Retry');
    const keyed: Actor = { ...lead, source: 'slack', requestKey: 'view:V123' };
    await running.app.rca.recordSession(keyed, incident.id, { heldOn: '2024-05-04', attendees: [{ id: lead.user.id }], rootCause: 'DNS' });
    await assertRejectsWithCode(running.app.rca.recordSession(keyed, incident.id, { heldOn: '2024-05-04', attendees: [{ id: lead.user.id }] }), 'request.duplicate');
    const rca = await running.app.store.rcas.find(incident.id);
    assert.equal(rca?.version, 1);
    assert.equal(rca?.rootCause, 'DNS');
  });

  ctx.test('follow-ups: edit, complete, reopen; the open list follows visibility and due dates', async () => {
    const incident = await closedIncident('Follow-ups');
    const later = await running.app.followUps.add(lead, incident.id, { text: 'Later', owner: { id: lead.user.id }, dueOn: '2024-07-01' });
    const sooner = await running.app.followUps.add(lead, incident.id, { text: 'Sooner', owner: { id: lead.user.id }, dueOn: '2024-05-10' });
    await assertRejectsWithCode(running.app.followUps.add(lead, incident.id, { text: 'No owner', owner: null, dueOn: '2024-05-10' }), 'rca.invalid');
    await assertRejectsWithCode(running.app.followUps.add(lead, incident.id, { text: 'Bad date', owner: { id: lead.user.id }, dueOn: '2024-02-30' }), 'rca.invalid');
    const edited = await running.app.followUps.update(lead, incident.id, later.id, { dueOn: '2024-06-01', owner: { id: other.user.id } });
    assert.equal(edited.dueOn, '2024-06-01');
    assert.equal(edited.owner?.id, other.user.id);

    const secret = await running.app.incidents.declare(lead, { title: 'Private one', private: true });
    await running.app.incidents.update(lead, secret.id, { status: 'closed', closeReason: 'resolved' });
    const hidden = await running.app.followUps.add(lead, secret.id, { text: 'Secret follow-up', owner: { id: lead.user.id }, dueOn: '2024-05-02' });

    const forLead = (await running.app.followUps.openFor({ userId: lead.user.id, admin: false })).map((r) => r.followUp.id);
    assert.ok(forLead.indexOf(hidden.id) < forLead.indexOf(sooner.id) && forLead.indexOf(sooner.id) < forLead.indexOf(later.id));
    const forOther = (await running.app.followUps.openFor({ userId: other.user.id, admin: false })).map((r) => r.followUp.id);
    assert.ok(!forOther.includes(hidden.id));
    assert.ok(forOther.includes(sooner.id));

    await running.app.followUps.update(lead, incident.id, sooner.id, { done: true });
    assert.ok(!(await running.app.followUps.openFor({ userId: lead.user.id, admin: false })).some((r) => r.followUp.id === sooner.id));
    await running.app.followUps.update(lead, incident.id, sooner.id, { done: false });
    assert.ok((await running.app.followUps.openFor({ userId: lead.user.id, admin: false })).some((r) => r.followUp.id === sooner.id));
    const lines = (await running.app.timeline.list(incident.id)).map((e) => e.text);
    assert.ok(lines.includes('Follow-up done: Sooner'));
    assert.ok(lines.includes('Follow-up reopened: Sooner'));
    const plain = await running.app.actions.add(lead, incident.id, { text: 'Not a follow-up' });
    await assertRejectsWithCode(running.app.followUps.update(lead, incident.id, plain.id, { done: true }), 'action.not_found');
  });
});
