import assert from 'node:assert/strict';
import type { ActionId, IncidentId } from '../../src/domain/ids.js';
import type { Action } from '../../src/domain/action.js';
import type { User } from '../../src/domain/user.js';
import { createIncidentService } from '../../src/services/incident.service.js';
import { createMetricsService } from '../../src/services/metrics.service.js';
import { createTimelineService } from '../../src/services/timeline.service.js';
import { describeEngines } from '../support/engines.js';
import { buildIdGenerator, buildServiceDeps, insertUser } from './fixtures.js';

const MINUTE = 60_000;
const range = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-08T00:00:00Z') };

function followUp(key: string, incidentId: IncidentId, by: User, fields: Partial<Action>): Action {
  const at = new Date('2026-11-10T10:00:00Z');
  return {
    id: `action-${key}` as ActionId,
    incidentId,
    text: `Follow-up ${key}`,
    owner: null,
    done: false,
    doneAt: null,
    followUp: true,
    dueOn: null,
    createdBy: by,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

// The metrics' SQL on each engine: drills left out, only what the viewer may see, the first
// stakeholder update read from the timeline (removed entries and other kinds ignored), follow-ups.
describeEngines('metrics: what is counted', (ctx) => {
  const setUp = async () => {
    const deps = buildServiceDeps(ctx, buildIdGenerator('m'));
    const incidents = createIncidentService(deps);
    const timeline = createTimelineService(deps);
    const metrics = createMetricsService(deps);
    const store = ctx.store();
    const reporter = await insertUser(store, 'reporter');
    const outsider = await insertUser(store, 'outsider');
    const added = await insertUser(store, 'added');
    const actor = { user: reporter, source: 'web' as const };
    const at = (iso: string, minutes = 0) => ctx.clock.set(new Date(Date.parse(iso) + minutes * MINUTE));

    // A: public, major, lead at 5 min, a note at 2, a removed status page line at 3, the first
    // real update at 20 and another at 30; closed after 2 h.
    at('2026-11-02T09:00:00Z');
    const a = await incidents.declare(actor, { title: 'Payments down', severity: 'major' });
    at('2026-11-02T09:00:00Z', 2);
    await timeline.add(actor, a.reference, { kind: 'note', text: 'Looking' });
    at('2026-11-02T09:00:00Z', 3);
    const wrong = await timeline.add(actor, a.reference, { kind: 'statusPage', text: 'Wrong incident' });
    at('2026-11-02T09:00:00Z', 4);
    await timeline.remove(actor, a.reference, wrong.id);
    at('2026-11-02T09:00:00Z', 5);
    await incidents.update(actor, a.reference, { roles: { lead: { email: 'lead@example.com', name: 'Lead' } } });
    at('2026-11-02T09:00:00Z', 30);
    await timeline.add(actor, a.reference, { kind: 'statusPage', text: 'Second update' });
    // Back-dated to 20 minutes: the update's time is when it happened, not when it was logged.
    await timeline.add(actor, a.reference, { kind: 'statusPage', text: 'First update', occurredAt: new Date('2026-11-02T09:20:00Z') });
    at('2026-11-02T09:00:00Z', 120);
    await incidents.update(actor, a.reference, { status: 'closed', closeReason: 'resolved' });

    // B: private, critical, lead named at declare, still open; only its people (and admins) see it.
    at('2026-11-05T12:00:00Z');
    const b = await incidents.declare(actor, { title: 'Secret breach', severity: 'critical', private: true, roles: { lead: { email: 'lead@example.com' } } });
    await incidents.addPerson(actor, b.reference, { id: added.id });

    // C: a drill, with everything done: never counted, its follow-up neither.
    at('2026-11-03T08:00:00Z');
    const c = await incidents.declare(actor, { title: 'Game day', severity: 'critical', drill: true, roles: { lead: { email: 'lead@example.com' } } });
    at('2026-11-03T08:00:00Z', 10);
    await incidents.update(actor, c.reference, { status: 'closed', closeReason: 'resolved' });

    // D: outside the range (started on its end, which is excluded).
    at('2026-11-08T00:00:00Z');
    const d = await incidents.declare(actor, { title: 'Next week' });

    await store.transaction(async (repos) => {
      await repos.actions.insert(followUp('a-open', a.id, reporter, { dueOn: '2026-11-09' }));
      await repos.actions.insert(followUp('a-late', a.id, reporter, { dueOn: '2026-11-01' }));
      await repos.actions.insert(followUp('a-done', a.id, reporter, { done: true, doneAt: new Date('2026-11-09T00:00:00Z'), dueOn: '2026-11-01' }));
      await repos.actions.insert(followUp('a-plain', a.id, reporter, { followUp: false }));
      await repos.actions.insert(followUp('b-late', b.id, reporter, { dueOn: '2026-11-02' }));
      await repos.actions.insert(followUp('c-late', c.id, reporter, { dueOn: '2026-11-02' }));
      await repos.actions.insert(followUp('d-late', d.id, reporter, { dueOn: '2026-11-02' }));
    });
    ctx.clock.set(new Date('2026-11-09T15:00:00Z'));
    return { metrics, reporter, outsider, added };
  };
  let fixture: Awaited<ReturnType<typeof setUp>> | undefined;
  const data = async () => (fixture ??= await setUp());

  ctx.test('an admin sees every incident in the range but the drill, with times from the timeline and role history', async () => {
    const { metrics, outsider } = await data();
    const report = await metrics.report({ userId: outsider.id, admin: true }, range);
    assert.equal(report.incidentCount, 2);
    assert.deepEqual(report.totals, [1, 1, 0, 0], 'critical B, major A; the critical drill is not counted');
    assert.deepEqual(report.buckets[1]!.counts, [0, 1, 0, 0]);
    assert.deepEqual(report.buckets[4]!.counts, [1, 0, 0, 0]);
    assert.deepEqual(report.durations.toLead, { count: 2, medianMs: 0, p90Ms: 5 * MINUTE });
    assert.deepEqual(report.durations.toFirstUpdate, { count: 1, medianMs: 20 * MINUTE, p90Ms: 20 * MINUTE });
    assert.deepEqual(report.durations.toClose, { count: 1, medianMs: 120 * MINUTE, p90Ms: 120 * MINUTE }, 'B is open');
    // A: one open not yet due, one overdue; B: one overdue. Done, plain actions, the drill's and D's are not counted.
    assert.deepEqual(report.followUps, { open: 3, overdue: 2 });
  });

  ctx.test('someone outside a private incident gets figures without it; its people get them with it', async () => {
    const { metrics, outsider, added, reporter } = await data();
    const outside = await metrics.report({ userId: outsider.id, admin: false }, range);
    assert.equal(outside.incidentCount, 1);
    assert.deepEqual(outside.totals, [0, 1, 0, 0]);
    assert.deepEqual(outside.durations.toLead, { count: 1, medianMs: 5 * MINUTE, p90Ms: 5 * MINUTE });
    assert.deepEqual(outside.followUps, { open: 2, overdue: 1 });
    for (const person of [added, reporter]) {
      const inside = await metrics.report({ userId: person.id, admin: false }, range);
      assert.equal(inside.incidentCount, 2, person.name);
      assert.deepEqual(inside.followUps, { open: 3, overdue: 2 }, person.name);
    }
  });

  ctx.test('the range is [from, to) on the declared time', async () => {
    const { metrics, outsider } = await data();
    const viewer = { userId: outsider.id, admin: true };
    const nextWeek = await metrics.report(viewer, { from: new Date('2026-11-08T00:00:00Z'), to: new Date('2026-11-09T00:00:00Z') });
    assert.equal(nextWeek.incidentCount, 1);
    assert.deepEqual(nextWeek.followUps, { open: 1, overdue: 1 });
    const justBefore = await metrics.report(viewer, { from: new Date('2026-11-02T09:00:00.001Z'), to: new Date('2026-11-08T00:00:00Z') });
    assert.equal(justBefore.incidentCount, 1, 'A started a millisecond before the range');
  });
});
