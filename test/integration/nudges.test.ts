import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { nudgeLabels, type NudgeKind } from '../../src/domain/nudges.js';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { advanceAndRunDueJobs } from '../support/run-due-jobs.js';

const MINUTE = 60_000;

// The reminders end to end below Slack: real jobs, a real worker, real storage, and a clock the
// test moves. (Slack's delivery of them is tested in test/e2e.)
describeEngines('nudges: reminders on the durable jobs, timed by the clock', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let actor: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T10:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock, workerPollMs: 20 });
    actor = { user: await running.app.users.fromDevSignIn('Rita Reporter'), source: 'web' };
  });
  after(() => running.close());

  /** Moves the clock by `minutes` minutes and runs what became due. */
  const advance = (minutes: number) => advanceAndRunDueJobs(running.app, clock, minutes * MINUTE);

  /**
   * What the record says of an incident's reminders: each raised one (the audit trail: without
   * Slack nothing delivers them, so the timeline does not call them sent) and the timeline's lines.
   */
  async function reminders(reference: string): Promise<string[]> {
    const raised = (await running.app.incidents.audit(reference)).flatMap((r) => (r.type === 'nudge.sent' ? [`Reminder raised: ${nudgeLabels[r.data.kind as NudgeKind]}`] : []));
    const told = (await running.app.timeline.list(reference)).filter((e) => e.kind === 'reminder').map((e) => e.text);
    return [...raised, ...told];
  }

  async function declareWithChannel(title: string): Promise<string> {
    const incident = await running.app.incidents.declare(actor, { title });
    await running.app.incidents.linkChannel(actor, incident.reference, { id: `C${incident.number}`, name: `inc-${incident.number}` });
    return incident.reference;
  }

  ctx.test('no lead: on time, repeating, stopping when someone leads; never after close', async () => {
    const reference = await declareWithChannel('Payments failing');
    await advance(4);
    assert.deepEqual(await reminders(reference), [], 'not before 5 minutes');
    await advance(1);
    assert.equal((await reminders(reference)).filter((t) => /incident lead/.test(t)).length, 1, 'at 5 minutes');
    await advance(9);
    assert.equal((await reminders(reference)).filter((t) => /incident lead/.test(t)).length, 1, 'not again before 15 minutes');
    await advance(1);
    assert.equal((await reminders(reference)).filter((t) => /incident lead/.test(t)).length, 2, 'again at 15 minutes');

    await running.app.incidents.update(actor, reference, { roles: { lead: { email: 'lena@example.org', name: 'Lena' } } });
    await advance(30);
    assert.equal((await reminders(reference)).filter((t) => /incident lead/.test(t)).length, 2, 'answered: no more');

    await running.app.incidents.update(actor, reference, { status: 'closed', closeReason: 'resolved' });
    const sentBefore = (await reminders(reference)).length;
    await advance(60);
    assert.equal((await reminders(reference)).length, sentBefore, 'closed: nothing more within the hour');
  });

  ctx.test('snoozed: quiet until the snooze ends, then on again', async () => {
    const reference = await declareWithChannel('Search is slow');
    await running.app.incidents.update(actor, reference, { roles: { lead: { email: 'lee@example.org', name: 'Lee' } } });
    await advance(9);
    await running.app.nudges.snooze(actor, reference, 'no_scribe', 30 * MINUTE);
    await advance(20);
    assert.ok(!(await reminders(reference)).some((t) => /Reminder raised: nobody is scribe/.test(t)), 'snoozed at 10 minutes');
    await advance(10);
    assert.equal((await reminders(reference)).filter((t) => /Reminder raised: nobody is scribe/.test(t)).length, 1, 'at the end of the snooze');
    assert.ok((await reminders(reference)).some((t) => /Reminder snoozed until \d\d:\d\d UTC: nobody is scribe/.test(t)));
  });

  ctx.test('team check-ins on the lead’s schedule, until turned off', async () => {
    const reference = await declareWithChannel('Uploads stuck');
    await running.app.nudges.setCheckins(actor, reference, 30 * MINUTE);
    const checkins = async () => (await reminders(reference)).filter((t) => t === 'Reminder raised: team check-in').length;
    await advance(29);
    assert.equal(await checkins(), 0);
    await advance(1);
    assert.equal(await checkins(), 1);
    await advance(30);
    assert.equal(await checkins(), 2);
    await running.app.nudges.setCheckins(actor, reference, null);
    await advance(60);
    assert.equal(await checkins(), 2);
    await assert.rejects(running.app.nudges.setCheckins(actor, reference, MINUTE), /every 5 minutes to every 24 hours/);
  });

  ctx.test('a reminder due once is sent once, however many checks run at the same time', async () => {
    const reference = await declareWithChannel('Exactly once');
    const incident = await running.app.incidents.get(reference);
    // Four checks at once, and the worker's own when it wakes: one reminder.
    clock.advance(5 * MINUTE);
    await Promise.all([1, 2, 3, 4].map(() => running.app.nudges.check({ incidentId: incident.id, kind: 'no_lead' })));
    await advance(0);
    assert.equal((await reminders(reference)).filter((t) => /incident lead/.test(t)).length, 1);
  });

  ctx.test('a stakeholder update is on the timeline and restarts the comms cadence', async () => {
    const reference = await declareWithChannel('Login errors');
    await running.app.incidents.update(actor, reference, { severity: 'critical' });
    await advance(20);
    await running.app.nudges.postUpdate(actor, reference, 'Logins failing for some users; fix in progress');
    const updates = (await running.app.timeline.list(reference)).filter((e) => e.kind === 'update');
    assert.deepEqual(updates.map((e) => e.text), ['Stakeholder update: Logins failing for some users; fix in progress']);
    const due = async () => (await reminders(reference)).filter((t) => /stakeholder update is due/.test(t)).length;
    await advance(29);
    assert.equal(await due(), 0, 'the cadence counts from the update, not the start');
    await advance(1);
    assert.equal(await due(), 1);
    await assert.rejects(running.app.nudges.postUpdate(actor, reference, '   '), /Write the update/);
    // A status page update noted on the timeline counts as an update too: without it the next
    // reminder would come at 80 minutes (30 after the last); with it at 60, it comes at 90.
    await advance(10);
    await running.app.timeline.add(actor, reference, { kind: 'statusPage', text: 'Statuspage: investigating' });
    await advance(29);
    assert.equal(await due(), 1, 'counted from the status page update');
    await advance(1);
    assert.equal(await due(), 2);
  });
});

// Each reminder at its default time (defaultNudgeSettings): silent a minute before, sent at the
// minute. Every case starts on a Wednesday at 10:00 UTC (11:00 in London, inside working hours),
// a week after the previous one, so the working-hours reminders are due exactly too.
describeEngines('nudges: each reminder fires on time', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let actor: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T10:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock, workerPollMs: 20 });
    actor = { user: await running.app.users.fromDevSignIn('Rita Reporter'), source: 'web' };
  });
  after(() => running.close());

  const advance = (minutes: number) => advanceAndRunDueJobs(running.app, clock, minutes * MINUTE);

  /** How often the reminder was raised on the incident (the audit trail's `nudge.sent`). */
  async function raisedCount(reference: string, kind: NudgeKind): Promise<number> {
    return (await running.app.incidents.audit(reference)).filter((r) => r.type === 'nudge.sent' && r.data.kind === kind).length;
  }

  const WEEK = 7 * 24 * 60;
  let week = 0;
  const cases: { kind: NudgeKind; dueMinutes: number; setUp?: (reference: string) => Promise<unknown> }[] = [
    { kind: 'no_lead', dueMinutes: 5 },
    { kind: 'no_scribe', dueMinutes: 10 },
    { kind: 'missing_details', dueMinutes: 15 },
    { kind: 'comms_update', dueMinutes: 30, setUp: (r) => running.app.incidents.update(actor, r, { severity: 'critical' }) },
    { kind: 'take_break', dueMinutes: 120 },
    { kind: 'can_close', dueMinutes: 24 * 60 },
    { kind: 'schedule_rca', dueMinutes: 120, setUp: (r) => running.app.incidents.update(actor, r, { status: 'closed', closeReason: 'resolved' }) },
    { kind: 'archive_warning', dueMinutes: 6 * 24 * 60, setUp: (r) => running.app.incidents.update(actor, r, { status: 'closed', closeReason: 'resolved' }) },
    { kind: 'archive', dueMinutes: 7 * 24 * 60, setUp: (r) => running.app.incidents.update(actor, r, { status: 'closed', closeReason: 'resolved' }) },
  ];

  for (const { kind, dueMinutes, setUp } of cases) {
    ctx.test(`${kind}: at ${dueMinutes} minutes, not a minute before`, async () => {
      week += 1;
      clock.set(new Date(Date.parse('2024-05-01T10:00:00.000Z') + week * 2 * WEEK * MINUTE));
      const incident = await running.app.incidents.declare(actor, { title: `On time: ${kind}` });
      await running.app.incidents.linkChannel(actor, incident.reference, { id: `CT${incident.number}`, name: `inc-t${incident.number}` });
      await setUp?.(incident.reference);
      const sent = async () => raisedCount(incident.reference, kind);
      await advance(dueMinutes - 1);
      assert.equal(await sent(), 0, 'not yet');
      await advance(1);
      assert.equal(await sent(), 1, 'on time');
    });
  }

  ctx.test('lead_is_scribe: at once when one person takes both roles, and only once', async () => {
    clock.advance(60 * MINUTE);
    const incident = await running.app.incidents.declare(actor, { title: 'One person, two roles' });
    await running.app.incidents.linkChannel(actor, incident.reference, { id: 'CLS', name: 'inc-ls' });
    const sam = { email: 'sam@example.org', name: 'Sam' };
    await running.app.incidents.update(actor, incident.reference, { roles: { lead: sam, scribe: sam } });
    const sent = async () => raisedCount(incident.reference, 'lead_is_scribe');
    await advance(0);
    assert.equal(await sent(), 1);
    await advance(120);
    assert.equal(await sent(), 1, 'once');
  });
});
