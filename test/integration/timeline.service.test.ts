import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { Incident } from '../../src/domain/incident.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Actor } from '../../src/domain/user.js';
import type { Store } from '../../src/ports/store.port.js';
import { createIncidentService } from '../../src/services/incident.service.js';
import { createTimelineService, type TimelineService } from '../../src/services/timeline.service.js';
import { describeEngines } from '../support/engines.js';
import { assertRejectsWithCode, buildIdGenerator, buildServiceDeps, insertApiActor } from './fixtures.js';

describeEngines('timeline service', (ctx) => {
  let timeline: TimelineService;
  let scribe: Actor;
  let editor: Actor;
  let incident: Incident;

  before(async () => {
    const deps = buildServiceDeps(ctx, buildIdGenerator('tl'));
    timeline = createTimelineService(deps);
    scribe = await insertApiActor(ctx.store(), 'scribe');
    editor = { user: (await insertApiActor(ctx.store(), 'editor')).user, source: 'web' };
    incident = await createIncidentService(deps).declare(scribe, { title: 'Timeline service' });
  });

  ctx.test('add dates a new entry at the clock time unless told otherwise, and audits it', async () => {
    ctx.clock.set(new Date('2024-02-02T10:20:30.400Z'));
    const entry = await timeline.add(scribe, incident.reference, { text: 'Restarted the workers' });
    assert.equal(entry.kind, 'note');
    assert.equal(entry.revision, 1);
    assert.deepEqual(entry.occurredAt, ctx.clock.now());
    assert.deepEqual(entry.createdAt, ctx.clock.now());
    assert.deepEqual(await ctx.store().timeline.findById(incident.id, entry.id), entry);

    const earlier = new Date('2024-02-02T09:00:00.000Z');
    const backdated = await timeline.add(scribe, incident.id, { kind: 'call', text: 'Bridge opened', occurredAt: earlier });
    assert.deepEqual(backdated.occurredAt, earlier);
    assert.deepEqual(backdated.createdAt, ctx.clock.now());

    const added = (await ctx.store().audit.listForIncident(incident.id)).filter((r) => r.type === 'timeline.entry_added');
    assert.deepEqual(
      added.slice(-2).map((r) => [r.data.entryId, r.at.toISOString(), r.actor.id]),
      [
        [entry.id, '2024-02-02T10:20:30.400Z', scribe.user.id],
        [backdated.id, '2024-02-02T10:20:30.400Z', scribe.user.id],
      ],
    );
  });

  ctx.test('revising twice keeps three revisions, each with who revised it and when', async () => {
    ctx.clock.set(new Date('2024-02-03T08:00:00.000Z'));
    const entry = await timeline.add(scribe, incident.id, { text: 'xxx suggested the disk might be full' });
    ctx.clock.advance(5 * 60_000);
    const second = await timeline.revise(editor, incident.id, entry.id, { text: 'Sam suggested the disk might be full' });
    ctx.clock.advance(7 * 60_000 + 250);
    const third = await timeline.revise(scribe, incident.reference, entry.id, {
      text: 'Sam suggested the disk was full',
      link: 'https://example.org/graph',
    });
    assert.equal(second.revision, 2);
    assert.equal(third.revision, 3);

    const history = await timeline.history(incident.reference, entry.id);
    assert.deepEqual(
      history.map((r) => [r.revision, r.text, r.link, r.revisedBy.id, r.source, r.revisedAt.toISOString()]),
      [
        [1, 'xxx suggested the disk might be full', null, scribe.user.id, 'api', '2024-02-03T08:00:00.000Z'],
        [2, 'Sam suggested the disk might be full', null, editor.user.id, 'web', '2024-02-03T08:05:00.000Z'],
        [3, 'Sam suggested the disk was full', 'https://example.org/graph', scribe.user.id, 'api', '2024-02-03T08:12:00.250Z'],
      ],
    );
    const current = await ctx.store().timeline.findById(incident.id, entry.id);
    assert.deepEqual(current, third);
    assert.equal(current?.author.id, scribe.user.id);
    assert.deepEqual(current?.occurredAt, new Date('2024-02-03T08:00:00.000Z'));
    assert.deepEqual(current?.updatedAt, new Date('2024-02-03T08:12:00.250Z'));
  });

  ctx.test('a correction that changes nothing adds no revision', async () => {
    const entry = await timeline.add(scribe, incident.id, { text: 'Same text' });
    const result = await timeline.revise(editor, incident.id, entry.id, { text: '  Same text  ' });
    assert.equal(result.revision, 1);
    assert.equal((await timeline.history(incident.id, entry.id)).length, 1);
  });

  ctx.test('remove hides the entry, keeps it in history, and refuses a second removal or a revision', async () => {
    const entry = await timeline.add(scribe, incident.id, { kind: 'custom', text: 'Posted in the wrong incident' });
    const removed = await timeline.remove(editor, incident.id, entry.id);
    assert.equal(removed.removed, true);
    assert.equal(removed.revision, 2);
    assert.ok(!(await timeline.list(incident.id)).some((e) => e.id === entry.id));
    assert.ok((await timeline.list(incident.id, { includeRemoved: true })).some((e) => e.id === entry.id && e.removed));
    assert.deepEqual(
      (await timeline.history(incident.id, entry.id)).map((r) => r.removed),
      [false, true],
    );
    await assertRejectsWithCode(timeline.remove(editor, incident.id, entry.id), 'timeline.entry_removed');
    await assertRejectsWithCode(timeline.revise(editor, incident.id, entry.id, { text: 'again' }), 'timeline.entry_removed');
  });

  ctx.test("an entry is only reachable through its own incident", async () => {
    const entry = await timeline.add(scribe, incident.id, { text: 'Belongs here' });
    const other = await createIncidentService(buildServiceDeps(ctx, buildIdGenerator('tl-other'))).declare(scribe, {
      title: 'Another incident',
    });
    await assertRejectsWithCode(timeline.revise(editor, other.id, entry.id, { text: 'hijack' }), 'timeline.not_found');
    await assertRejectsWithCode(timeline.history(other.reference, entry.id), 'timeline.not_found');
    assert.equal((await ctx.store().timeline.findById(incident.id, entry.id))?.text, 'Belongs here');
  });

  ctx.test('10 concurrent revisions of one entry all succeed as revisions 2 to 11', async () => {
    const entry = await timeline.add(scribe, incident.id, { text: 'Contended entry' });
    const texts = Array.from({ length: 10 }, (_, i) => `Correction ${i + 1}`);

    const results = await Promise.allSettled(texts.map((text) => timeline.revise(editor, incident.id, entry.id, { text })));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    assert.deepEqual(failures, [], `${failures.length} of 10 revisions failed`);

    const revisions = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.revision] : [])).sort((a, b) => a - b);
    assert.deepEqual(revisions, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const history = await timeline.history(incident.id, entry.id);
    assert.deepEqual(
      history.map((r) => r.revision),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    assert.deepEqual(new Set(history.slice(1).map((r) => r.text)), new Set(texts));
    const current = await ctx.store().timeline.findById(incident.id, entry.id);
    assert.equal(current?.revision, 11);
    assert.equal(current?.text, history.at(-1)?.text);
    const revisedEvents = (await ctx.store().audit.listForIncident(incident.id)).filter(
      (r) => r.type === 'timeline.entry_revised' && r.data.entryId === entry.id,
    );
    assert.deepEqual(
      revisedEvents.map((r) => r.data.revision).sort((a, b) => Number(a) - Number(b)),
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
  });

  ctx.test('a revision that keeps losing the race is reported as a conflict to retry, not as invalid input', async () => {
    const entry = await timeline.add(scribe, incident.id, { text: 'Always contended' });
    const real = ctx.store();
    let attempts = 0;
    // Every compare-and-set loses, as when other writers keep getting there first.
    const contended: Store = {
      ...real,
      transaction: (work) =>
        real.transaction((repos) =>
          work({
            ...repos,
            timeline: {
              ...repos.timeline,
              saveRevision: async () => {
                attempts += 1;
                return false;
              },
            },
          }),
        ),
    };
    const losing = createTimelineService({ ...buildServiceDeps(ctx, buildIdGenerator('tl-lose')), store: contended });

    await assert.rejects(losing.revise(editor, incident.id, entry.id, { text: 'never saved' }), (error: unknown) => {
      assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
      assert.equal(error.category, 'conflict', `${error.code} is a "${error.category}" error`);
      return true;
    });
    assert.ok(attempts > 1, 'the revision was not retried');
    assert.equal((await real.timeline.findById(incident.id, entry.id))?.revision, 1);
  });
});
