import assert from 'node:assert/strict';
import { before } from 'node:test';
import { holderOf } from '../../src/domain/incident.js';
import type { SlackUserId } from '../../src/domain/ids.js';
import type { Actor } from '../../src/domain/user.js';
import type { Store } from '../../src/ports/store.port.js';
import { createIncidentService, type IncidentService } from '../../src/services/incident.service.js';
import { describeEngines } from '../support/engines.js';
import { assertRejectsWithCode, buildIdGenerator, buildServiceDeps, byAssignmentId, insertApiActor } from './fixtures.js';

describeEngines('incident service', (ctx) => {
  let service: IncidentService;
  let actor: Actor;

  before(async () => {
    service = createIncidentService(buildServiceDeps(ctx, buildIdGenerator('svc')));
    actor = await insertApiActor(ctx.store(), 'declarer');
  });

  ctx.test('declare starts the incident at the clock time and stores exactly what it returns', async () => {
    const store = ctx.store();
    ctx.clock.set(new Date('2024-03-10T14:15:16.789Z'));
    const declared = await service.declare(actor, { title: '  Checkout is failing ', severity: 'Major', summary: 'Card payments fail' });

    assert.deepEqual(declared.startedAt, ctx.clock.now());
    assert.deepEqual(declared.createdAt, ctx.clock.now());
    assert.equal(declared.reference, `INC-${declared.number}`);
    assert.equal(declared.title, 'Checkout is failing');
    assert.equal(declared.severity, 'major');
    assert.equal(declared.reporter.id, actor.user.id);
    assert.equal(declared.version, 1);
    assert.deepEqual(await store.incidents.findById(declared.id), declared);

    const audit = await service.audit(declared.reference);
    assert.deepEqual(
      audit.map((r) => [r.type, r.at.toISOString(), r.actor.id, r.source]),
      [
        ['incident.declared', '2024-03-10T14:15:16.789Z', actor.user.id, 'api'],
        ['timeline.entry_added', '2024-03-10T14:15:16.789Z', actor.user.id, 'api'],
      ],
    );
    const timeline = await store.timeline.listForIncident(declared.id);
    assert.deepEqual(
      timeline.map((e) => [e.kind, e.text, e.occurredAt.toISOString()]),
      [['declared', 'Declared: Checkout is failing', '2024-03-10T14:15:16.789Z']],
    );
  });

  ctx.test('get finds an incident by id and by reference in any case', async () => {
    const declared = await service.declare(actor, { title: 'Find me' });
    assert.equal((await service.get(declared.id)).id, declared.id);
    assert.equal((await service.get(declared.reference.toLowerCase())).id, declared.id);
    await assertRejectsWithCode(service.get('INC-999999'), 'incident.not_found');
  });

  ctx.test('declare with roles named by Slack id creates each person once', async () => {
    const store = ctx.store();
    const slackUserId = 'U-NEWLEAD' as SlackUserId;
    const first = await service.declare(actor, {
      title: 'Roles by Slack id',
      roles: { lead: { slackUserId, name: 'Nina Lead' }, scribe: { slackUserId }, SME: { slackUserId: 'U-EXPERT' } },
    });
    const lead = holderOf(first, 'lead');
    assert.ok(lead);
    assert.equal(lead.slackUserId, slackUserId);
    assert.equal(lead.name, 'Nina Lead');
    assert.equal(holderOf(first, 'scribe')?.id, lead.id);
    assert.notEqual(holderOf(first, 'SME')?.id, lead.id);

    const second = await service.declare(actor, { title: 'Same person again', roles: { commsLead: { slackUserId } } });
    assert.equal(holderOf(second, 'commsLead')?.id, lead.id);
    assert.equal((await store.users.findBySlackUserId(slackUserId))?.id, lead.id);

    const stored = await store.incidents.findById(first.id);
    assert.deepEqual(byAssignmentId(stored?.roleAssignments ?? []), byAssignmentId(first.roleAssignments));
    for (const assignment of stored?.roleAssignments ?? []) {
      assert.deepEqual(assignment.assignedAt, first.startedAt);
      assert.equal(assignment.assignedBy.id, actor.user.id);
    }
  });

  ctx.test('a reporter named by email in another case is the same person', async () => {
    const first = await service.declare(actor, { title: 'Reported by Omar', reporter: { email: 'Omar@Example.com' } });
    const second = await service.declare(actor, { title: 'Omar again', reporter: { email: 'omar@example.com' } });
    assert.equal(first.reporter.id, second.reporter.id);
    assert.notEqual(first.reporter.id, actor.user.id);
  });

  ctx.test('a refused declaration writes nothing: no incident, no new user, and its number is reused', async () => {
    const store = ctx.store();
    const before = await service.declare(actor, { title: 'Before the refusal' });
    await assertRejectsWithCode(
      service.declare(actor, { title: 'Bad severity', severity: 'apocalyptic', roles: { lead: { slackUserId: 'U-NEVER' } } }),
      'incident.severity_invalid',
    );
    await assertRejectsWithCode(
      service.declare(actor, { title: 'Bad role', roles: { lead: { slackUserId: 'U-NEVER' }, reporter: { slackUserId: 'U-NEVER' } } }),
      'role.invalid',
    );
    assert.equal(await store.users.findBySlackUserId('U-NEVER' as SlackUserId), null);
    const after = await service.declare(actor, { title: 'After the refusal' });
    assert.equal(after.number, before.number + 1);
  });

  ctx.test('update applies fields, roles and close together, stamped with the clock time', async () => {
    const store = ctx.store();
    ctx.clock.set(new Date('2024-03-11T08:00:00.000Z'));
    const declared = await service.declare(actor, { title: 'To be closed' });
    ctx.clock.advance(90_000);
    const updated = await service.update(actor, declared.reference, {
      summary: 'Root cause found',
      severity: 'critical',
      roles: { lead: { email: 'closer@example.com', name: 'Closer' } },
      status: 'closed',
      closeReason: 'resolved',
    });

    const stored = await store.incidents.findById(declared.id);
    assert.deepEqual(stored, updated);
    assert.equal(stored?.version, 2);
    assert.equal(stored?.summary, 'Root cause found');
    assert.equal(stored?.severity, 'critical');
    assert.equal(stored?.status, 'closed');
    assert.equal(stored?.closeReason, 'resolved');
    assert.deepEqual(stored?.endedAt, ctx.clock.now());
    assert.deepEqual(stored?.updatedAt, ctx.clock.now());
    assert.deepEqual(stored?.startedAt, new Date('2024-03-11T08:00:00.000Z'));
    assert.equal(holderOf(stored!, 'lead')?.email, 'closer@example.com');
    assert.deepEqual(stored?.roleAssignments[0]?.assignedAt, ctx.clock.now());

    const audit = await service.audit(declared.id);
    const changes = audit.filter((r) => r.at.getTime() === ctx.clock.now().getTime());
    assert.deepEqual(
      changes.filter((r) => !r.type.startsWith('timeline.')).map((r) => r.type),
      ['incident.field_changed', 'incident.field_changed', 'incident.role_assigned', 'incident.closed'],
    );
  });

  ctx.test('an update with a refused part writes nothing at all', async () => {
    const store = ctx.store();
    const declared = await service.declare(actor, { title: 'Closed already', summary: 'Original summary' });
    const closed = await service.update(actor, declared.id, { status: 'closed', closeReason: 'resolved' });
    const auditBefore = await service.audit(declared.id);
    const timelineBefore = await store.timeline.listForIncident(declared.id, { includeRemoved: true });

    ctx.clock.advance(60_000);
    await assertRejectsWithCode(
      service.update(actor, declared.id, {
        summary: 'Changed summary',
        roles: { scribe: { slackUserId: 'U-REFUSED' } },
        status: 'closed',
      }),
      'incident.already_closed',
    );

    const stored = await store.incidents.findById(declared.id);
    assert.deepEqual(stored, closed);
    assert.equal(stored?.summary, 'Original summary');
    assert.equal(stored?.version, 2);
    assert.deepEqual(await service.audit(declared.id), auditBefore);
    assert.deepEqual(await store.timeline.listForIncident(declared.id, { includeRemoved: true }), timelineBefore);
    assert.equal(await store.users.findBySlackUserId('U-REFUSED' as SlackUserId), null);
  });

  ctx.test('an update that changes nothing writes nothing and keeps the version', async () => {
    const declared = await service.declare(actor, { title: 'Unchanged', summary: 'Same' });
    const auditBefore = await service.audit(declared.id);
    const result = await service.update(actor, declared.id, { summary: 'Same', title: 'Unchanged' });
    assert.deepEqual(result, declared);
    assert.equal((await ctx.store().incidents.findById(declared.id))?.version, 1);
    assert.equal((await service.audit(declared.id)).length, auditBefore.length);
  });

  ctx.test('20 concurrent updates of one incident all succeed, each applied exactly once', async () => {
    const store = ctx.store();
    const declared = await service.declare(actor, { title: 'Hot incident' });
    const summaries = Array.from({ length: 20 }, (_, i) => `summary ${i + 1}`);

    const results = await Promise.allSettled(summaries.map((summary) => service.update(actor, declared.id, { summary })));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    assert.deepEqual(failures, [], `${failures.length} of 20 updates failed`);

    const final = await store.incidents.findById(declared.id);
    assert.equal(final?.version, 1 + summaries.length);
    const changed = (await service.audit(declared.id)).filter((r) => r.type === 'incident.field_changed');
    assert.equal(changed.length, 20);
    assert.deepEqual(new Set(changed.map((r) => r.data.to)), new Set(summaries));
    // Each change starts from the previous one's value: none was built on a stale read.
    assert.deepEqual(
      changed.map((r) => r.data.from),
      [null, ...changed.slice(0, -1).map((r) => r.data.to)],
    );
    assert.ok(final?.summary && summaries.includes(final.summary));
    assert.equal(final.summary, changed.at(-1)?.data.to);
  });
});

describeEngines('incident service: lost races', (ctx) => {
  ctx.test('an update that keeps losing the race gives up with incident.concurrent_update and writes nothing', async () => {
    const real = ctx.store();
    const ids = buildIdGenerator('lost');
    const actor = await insertApiActor(real, 'loser');
    const declared = await createIncidentService(buildServiceDeps(ctx, ids)).declare(actor, { title: 'Contended' });
    let attempts = 0;
    // Every optimistic save loses, as when other writers keep getting there first.
    const contended: Store = {
      ...real,
      transaction: (work) =>
        real.transaction((repos) =>
          work({
            ...repos,
            incidents: {
              ...repos.incidents,
              update: async () => {
                attempts += 1;
                return false;
              },
            },
          }),
        ),
    };
    const losing = createIncidentService({ ...buildServiceDeps(ctx, ids), store: contended });

    await assertRejectsWithCode(losing.update(actor, declared.id, { summary: 'never saved' }), 'incident.concurrent_update');
    assert.ok(attempts > 1, 'the update was not retried');
    assert.deepEqual(await real.incidents.findById(declared.id), declared);
    assert.deepEqual(
      (await real.audit.listForIncident(declared.id)).map((r) => r.type),
      ['incident.declared', 'timeline.entry_added'],
    );
  });
});

describeEngines('incident service: concurrent declarations', (ctx) => {
  ctx.test('50 concurrent declarations get 50 distinct, gap-free numbers', async () => {
    const service = createIncidentService(buildServiceDeps(ctx, buildIdGenerator('burst')));
    const actor = await insertApiActor(ctx.store(), 'burst');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => service.declare(actor, { title: `Burst ${i + 1}` })),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    assert.deepEqual(failures, [], `${failures.length} of 50 declarations failed`);

    const numbers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.number] : [])).sort((a, b) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const stored = await ctx.store().incidents.list({}, { limit: 100 });
    assert.deepEqual(
      stored.map((i) => i.reference),
      numbers.map((n) => `INC-${n}`).reverse(),
    );
  });
});
