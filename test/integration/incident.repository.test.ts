import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import type { User } from '../../src/domain/user.js';
import type { IncidentFilter } from '../../src/ports/store.port.js';
import { describeEngines } from '../support/engines.js';
import { at, buildAssignment, buildIncident, insertIncident, insertUser } from './fixtures.js';

class RollBack extends Error {}

describeEngines('incident repository', (ctx) => {
  let reporter: User;
  let lead: User;
  let scribe: User;
  let assigner: User;

  before(async () => {
    const store = ctx.store();
    reporter = await insertUser(store, 'reporter');
    lead = await insertUser(store, 'lead');
    scribe = await insertUser(store, 'scribe', { email: null, slackUserId: null });
    assigner = await insertUser(store, 'assigner');
  });

  ctx.test('allocateNumber hands out consecutive numbers, one per call, inside transactions', async () => {
    const store = ctx.store();
    const [a, b] = await store.transaction(async (repos) => [
      await repos.incidents.allocateNumber(),
      await repos.incidents.allocateNumber(),
    ]);
    const c = await store.transaction((repos) => repos.incidents.allocateNumber());
    assert.ok(a !== undefined && a >= 1);
    assert.deepEqual([b, c], [a + 1, a + 2]);
  });

  ctx.test('a rolled-back transaction gives its number back', async () => {
    const store = ctx.store();
    let taken = 0;
    await assert.rejects(
      store.transaction(async (repos) => {
        taken = await repos.incidents.allocateNumber();
        throw new RollBack('declaration failed half way');
      }),
      RollBack,
    );
    assert.ok(taken >= 1);
    const again = await store.transaction((repos) => repos.incidents.allocateNumber());
    assert.equal(again, taken);
  });

  ctx.test('a fully filled incident round-trips every field, role history included', async () => {
    const store = ctx.store();
    const number = await store.transaction((repos) => repos.incidents.allocateNumber());
    const incident = buildIncident(number, reporter, {
      id: 'incident-full' as IncidentId,
      reference: `OPS-${number}`,
      title: 'Payments are down — “quotes” and ünïcode',
      status: 'closed',
      closeReason: 'blocked',
      blockedUntil: new Date('2024-01-03T08:30:00.123Z'),
      reportOnly: true,
      occurredAt: new Date('2023-12-31T23:59:59.999Z'),
      private: true,
      summary: 'Card payments failed\nfor EU customers',
      impact: '12% of checkouts',
      severity: 'major',
      startedAt: new Date('2024-01-01T09:00:00.001Z'),
      endedAt: new Date('2024-01-01T11:45:00.000Z'),
      channel: { id: 'C0123', name: 'inc-payments' },
      roleAssignments: [
        buildAssignment('full-1', {
          role: 'lead',
          holder: scribe,
          assignedAt: at(1),
          assignedBy: reporter,
          endedAt: at(5),
          endedBy: assigner,
        }),
        buildAssignment('full-2', {
          role: 'lead',
          holder: lead,
          assignedAt: at(5),
          assignedBy: assigner,
          endedAt: null,
          endedBy: null,
        }),
        buildAssignment('full-3', {
          role: 'Database expert',
          holder: scribe,
          assignedAt: at(7),
          assignedBy: lead,
          endedAt: null,
          endedBy: null,
        }),
      ],
      createdAt: new Date('2024-01-01T09:00:00.001Z'),
      updatedAt: new Date('2024-01-01T11:45:00.000Z'),
    });
    await store.transaction((repos) => repos.incidents.insert(incident));

    assert.deepEqual(await store.incidents.findById(incident.id), incident);
    assert.deepEqual(await store.incidents.findByReference(`ops-${number}`), incident);
    assert.deepEqual(await store.incidents.findByReference(`Ops-${number}`), incident);
  });

  ctx.test('an incident with nothing optional round-trips its nulls and false flags', async () => {
    const store = ctx.store();
    const incident = await insertIncident(store, scribe);
    const found = await store.incidents.findById(incident.id);
    assert.deepEqual(found, incident);
    assert.equal(found?.channel, null);
    assert.equal(found?.reportOnly, false);
    assert.equal(found?.private, false);
  });

  ctx.test('findById and findByReference return null for unknown incidents', async () => {
    const store = ctx.store();
    assert.equal(await store.incidents.findById('incident-missing' as IncidentId), null);
    assert.equal(await store.incidents.findByReference('INC-999999'), null);
  });

  ctx.test('update saves changed fields and role hand-overs and bumps the version', async () => {
    const store = ctx.store();
    const original = await insertIncident(store, reporter, {
      roleAssignments: [
        buildAssignment('update-1', {
          role: 'lead',
          holder: lead,
          assignedAt: at(0),
          assignedBy: reporter,
          endedAt: null,
          endedBy: null,
        }),
      ],
    });
    const [first] = original.roleAssignments;
    assert.ok(first);
    const changed: Incident = {
      ...original,
      title: 'Renamed',
      summary: 'Now we know',
      severity: 'critical',
      private: true,
      channel: { id: 'C999', name: 'inc-renamed' },
      status: 'closed',
      closeReason: 'resolved',
      endedAt: at(30),
      updatedAt: at(30),
      roleAssignments: [
        { ...first, endedAt: at(20), endedBy: assigner },
        buildAssignment('update-2', {
          role: 'lead',
          holder: scribe,
          assignedAt: at(20),
          assignedBy: assigner,
          endedAt: null,
          endedBy: null,
        }),
      ],
    };
    assert.equal(await store.transaction((repos) => repos.incidents.update(changed)), true);
    assert.deepEqual(await store.incidents.findById(original.id), { ...changed, version: original.version + 1 });
  });

  ctx.test('update with a stale version returns false and changes nothing', async () => {
    const store = ctx.store();
    const original = await insertIncident(store, reporter);
    const winner: Incident = { ...original, title: 'First writer', updatedAt: at(10) };
    assert.equal(await store.incidents.update(winner), true);
    const afterWinner = await store.incidents.findById(original.id);

    const loser: Incident = {
      ...original,
      title: 'Second writer',
      summary: 'lost the race',
      updatedAt: at(11),
      roleAssignments: [
        buildAssignment('stale-1', {
          role: 'scribe',
          holder: scribe,
          assignedAt: at(11),
          assignedBy: reporter,
          endedAt: null,
          endedBy: null,
        }),
      ],
    };
    assert.equal(await store.transaction((repos) => repos.incidents.update(loser)), false);

    const stored = await store.incidents.findById(original.id);
    assert.deepEqual(stored, afterWinner);
    assert.equal(stored?.title, 'First writer');
    assert.equal(stored?.version, original.version + 1);
    assert.deepEqual(stored?.roleAssignments, []);
  });

  ctx.test('update of an incident that does not exist returns false', async () => {
    const ghost = buildIncident(999_999, reporter, { id: 'incident-ghost' as IncidentId });
    assert.equal(await ctx.store().incidents.update(ghost), false);
    assert.equal(await ctx.store().incidents.findById(ghost.id), null);
  });
});

describeEngines('incident repository: list', (ctx) => {
  // Ten incidents numbered 1..10 in a database of their own, so every filter's answer is exact.
  const seeded = new Map<number, Incident>();

  before(async () => {
    const store = ctx.store();
    const reporter = await insertUser(store, 'lister');
    const specs: Partial<Incident>[] = [
      { title: 'Checkout 100% broken', severity: 'critical', startedAt: at(0) },
      { title: 'Slow search', severity: 'major', status: 'closed', closeReason: 'resolved', startedAt: at(60) },
      { title: 'Old outage', reportOnly: true, occurredAt: at(-600), startedAt: at(120) },
      { title: 'Secret thing', private: true, severity: 'trivial', startedAt: at(180) },
      { title: 'Disk full', summary: 'The DB_HOST disk filled up', startedAt: at(240) },
      { title: 'Login errors', impact: 'Users see Error 500 at LOGIN', severity: 'major', startedAt: at(300) },
      { title: 'Checkout 100 percent fine', startedAt: at(360), status: 'closed', closeReason: 'blocked' },
      { title: 'DBxHOST typo', startedAt: at(420), private: true, reportOnly: true },
      { title: 'Queue backlog', severity: 'critical', startedAt: at(480) },
      { title: 'Email delays', startedAt: at(540) },
    ];
    for (const spec of specs) {
      const incident = await insertIncident(store, reporter, { createdAt: spec.startedAt, updatedAt: spec.startedAt, ...spec });
      seeded.set(incident.number, incident);
    }
    assert.deepEqual([...seeded.keys()], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  const numbersOf = async (filter: IncidentFilter, limit = 50, beforeNumber?: number) =>
    (await ctx.store().incidents.list(filter, { limit, beforeNumber })).map((i) => i.number);

  ctx.test('with no filter it lists every incident, newest number first', async () => {
    assert.deepEqual(await numbersOf({}), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  ctx.test('listed incidents are fully hydrated', async () => {
    const listed = await ctx.store().incidents.list({}, { limit: 50 });
    assert.deepEqual(listed, [...seeded.values()].reverse());
  });

  ctx.test('filters by status', async () => {
    assert.deepEqual(await numbersOf({ status: 'closed' }), [7, 2]);
    assert.deepEqual(await numbersOf({ status: 'open' }), [10, 9, 8, 6, 5, 4, 3, 1]);
  });

  ctx.test('filters by one or several severities; an empty list does not filter', async () => {
    assert.deepEqual(await numbersOf({ severities: ['critical'] }), [9, 1]);
    assert.deepEqual(await numbersOf({ severities: ['major', 'trivial'] }), [6, 4, 2]);
    assert.deepEqual(await numbersOf({ severities: ['unknown'] }), []);
    assert.equal((await numbersOf({ severities: [] })).length, 10);
  });

  ctx.test('filters by reportOnly and private, true and false', async () => {
    assert.deepEqual(await numbersOf({ reportOnly: true }), [8, 3]);
    assert.deepEqual(await numbersOf({ reportOnly: false }), [10, 9, 7, 6, 5, 4, 2, 1]);
    assert.deepEqual(await numbersOf({ private: true }), [8, 4]);
    assert.deepEqual(await numbersOf({ private: false }), [10, 9, 7, 6, 5, 3, 2, 1]);
  });

  ctx.test('text search looks in title, summary, impact and reference, ignoring case', async () => {
    assert.deepEqual(await numbersOf({ text: 'CHECKOUT' }), [7, 1]);
    assert.deepEqual(await numbersOf({ text: 'filled UP' }), [5]);
    assert.deepEqual(await numbersOf({ text: 'error 500 at login' }), [6]);
    assert.deepEqual(await numbersOf({ text: 'inc-3' }), [3]);
    assert.deepEqual(await numbersOf({ text: 'nothing like this' }), []);
  });

  ctx.test('text search treats % and _ as literal characters, not wildcards', async () => {
    assert.deepEqual(await numbersOf({ text: '100%' }), [1]);
    assert.deepEqual(await numbersOf({ text: '%' }), [1]);
    assert.deepEqual(await numbersOf({ text: 'db_host' }), [5]);
    assert.deepEqual(await numbersOf({ text: '_' }), [5]);
    assert.deepEqual(await numbersOf({ text: 'checkout%fine' }), []);
  });

  ctx.test('text search treats a backslash as a literal character', async () => {
    assert.deepEqual(await numbersOf({ text: '\\' }), []);
    assert.deepEqual(await numbersOf({ text: 'db\\_host' }), []);
  });

  ctx.test('filters by start time from and to', async () => {
    assert.deepEqual(await numbersOf({ startedFrom: at(170), startedTo: at(310) }), [6, 5, 4]);
    assert.deepEqual(await numbersOf({ startedFrom: at(500) }), [10]);
    assert.deepEqual(await numbersOf({ startedTo: at(30) }), [1]);
  });

  ctx.test('startedFrom includes an incident started exactly then', async () => {
    assert.deepEqual(await numbersOf({ startedFrom: at(540) }), [10]);
  });

  ctx.test('combines filters with AND', async () => {
    assert.deepEqual(await numbersOf({ status: 'open', severities: ['critical', 'major'], text: 'e' }), [9, 6, 1]);
    assert.deepEqual(await numbersOf({ private: true, reportOnly: true, text: 'typo' }), [8]);
  });

  ctx.test('pages newest first with limit and beforeNumber', async () => {
    assert.deepEqual(await numbersOf({}, 4), [10, 9, 8, 7]);
    assert.deepEqual(await numbersOf({}, 4, 7), [6, 5, 4, 3]);
    assert.deepEqual(await numbersOf({}, 4, 3), [2, 1]);
    assert.deepEqual(await numbersOf({}, 4, 1), []);
    assert.deepEqual(await numbersOf({ status: 'open' }, 2, 9), [8, 6]);
  });
});
