import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { TimelineEntryId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import {
  addTimelineEntry,
  removeTimelineEntry,
  reviseTimelineEntry,
  type NewTimelineEntry,
  type TimelineChange,
  type TimelineEntry,
} from '../../src/domain/timeline.js';
import type { User } from '../../src/domain/user.js';
import type { Store } from '../../src/ports/store.port.js';
import { describeEngines } from '../support/engines.js';
import { at, buildIdGenerator, buildTransitionContext, insertIncident, insertUser } from './fixtures.js';

describeEngines('timeline repository', (ctx) => {
  const ids = buildIdGenerator('entry');
  let scribe: User;
  let editor: User;
  let store: Store;

  before(async () => {
    store = ctx.store();
    scribe = await insertUser(store, 'scribe');
    editor = await insertUser(store, 'editor');
  });

  async function addEntry(incident: Incident, input: NewTimelineEntry, when = at(60), author = scribe): Promise<TimelineChange> {
    const change = addTimelineEntry(incident.id, input, 'slack', buildTransitionContext(author, when, ids)).state;
    await store.timeline.insert([change]);
    return change;
  }

  function revise(entry: TimelineEntry, text: string, when: Date, by = editor): TimelineChange {
    const change = reviseTimelineEntry(entry, { text }, 'web', buildTransitionContext(by, when, ids)).state;
    assert.ok(change, 'the correction changed nothing');
    return change;
  }

  ctx.test('insert stores the entry and its first revision, every field round-tripping', async () => {
    const incident = await insertIncident(store, scribe);
    const change = await addEntry(incident, {
      kind: 'pinnedMessage',
      text: 'Rolled back “deploy 42”\nsecond line',
      link: 'https://example.slack.com/archives/C1/p1',
      occurredAt: at(30),
    });
    assert.deepEqual(await store.timeline.findById(incident.id, change.entry.id), change.entry);
    assert.deepEqual(await store.timeline.history(change.entry.id), [change.revision]);
    assert.deepEqual(await store.timeline.listForIncident(incident.id), [change.entry]);
  });

  ctx.test('findById is scoped to the incident: another incident finds nothing', async () => {
    const incident = await insertIncident(store, scribe);
    const other = await insertIncident(store, scribe);
    const { entry } = await addEntry(incident, { kind: 'note', text: 'mine' });
    assert.equal(await store.timeline.findById(other.id, entry.id), null);
    assert.equal(await store.timeline.findById(incident.id, 'entry-missing' as TimelineEntryId), null);
  });

  ctx.test('saveRevision stores revision 2 on top of 1 and makes it current', async () => {
    const incident = await insertIncident(store, scribe);
    const first = await addEntry(incident, { kind: 'note', text: 'disk might be full' }, at(10));
    const second = revise(first.entry, 'disk was full', at(20));
    assert.equal(await store.timeline.saveRevision(second), true);
    assert.deepEqual(await store.timeline.findById(incident.id, first.entry.id), second.entry);
    assert.deepEqual(await store.timeline.history(first.entry.id), [first.revision, second.revision]);
  });

  ctx.test('saveRevision is a compare-and-set: revision 3 on top of revision 1 is refused', async () => {
    const incident = await insertIncident(store, scribe);
    const first = await addEntry(incident, { kind: 'note', text: 'v1' });
    const second = revise(first.entry, 'v2', at(61));
    const third = revise(second.entry, 'v3', at(62));
    assert.equal(third.entry.revision, 3);

    assert.equal(await store.timeline.saveRevision(third), false);
    assert.deepEqual(await store.timeline.findById(incident.id, first.entry.id), first.entry);
    assert.deepEqual(await store.timeline.history(first.entry.id), [first.revision]);
  });

  ctx.test('two corrections built on the same revision: the second is refused', async () => {
    const incident = await insertIncident(store, scribe);
    const first = await addEntry(incident, { kind: 'note', text: 'original' });
    const mine = revise(first.entry, 'my correction', at(61), scribe);
    const theirs = revise(first.entry, 'their correction', at(62), editor);

    assert.equal(await store.timeline.saveRevision(mine), true);
    assert.equal(await store.timeline.saveRevision(theirs), false);
    const current = await store.timeline.findById(incident.id, first.entry.id);
    assert.equal(current?.text, 'my correction');
    assert.deepEqual(
      (await store.timeline.history(first.entry.id)).map((r) => [r.revision, r.text]),
      [
        [1, 'original'],
        [2, 'my correction'],
      ],
    );
  });

  ctx.test('listForIncident orders by occurredAt, then by insertion order for equal times', async () => {
    const incident = await insertIncident(store, scribe);
    const other = await insertIncident(store, scribe);
    // Ids chosen so that id order disagrees with insertion order.
    const insert = async (id: string, text: string, occurredAt: Date) => {
      const change = addTimelineEntry(
        incident.id,
        { kind: 'note', text, occurredAt },
        'api',
        buildTransitionContext(scribe, at(100), { newId: () => id }),
      ).state;
      await store.timeline.insert([change]);
    };
    await insert('order-z', 'latest', at(50));
    await insert('order-y', 'tie first', at(20));
    await insert('order-b', 'earliest', at(5));
    await insert('order-a', 'tie second', at(20));
    await insert('order-c', 'tie third', at(20));
    await addEntry(other, { kind: 'note', text: 'another incident', occurredAt: at(21) });

    const texts = (await store.timeline.listForIncident(incident.id)).map((e) => e.text);
    assert.deepEqual(texts, ['earliest', 'tie first', 'tie second', 'tie third', 'latest']);
  });

  ctx.test('listForIncident follows a corrected time to its new place', async () => {
    const incident = await insertIncident(store, scribe);
    const a = await addEntry(incident, { kind: 'note', text: 'a', occurredAt: at(10) });
    await addEntry(incident, { kind: 'note', text: 'b', occurredAt: at(20) });
    const moved = reviseTimelineEntry(a.entry, { occurredAt: at(30) }, 'web', buildTransitionContext(editor, at(40), ids)).state;
    assert.ok(moved);
    assert.equal(await store.timeline.saveRevision(moved), true);
    assert.deepEqual(
      (await store.timeline.listForIncident(incident.id)).map((e) => e.text),
      ['b', 'a'],
    );
  });

  ctx.test('removed entries are hidden unless includeRemoved is set', async () => {
    const incident = await insertIncident(store, scribe);
    const kept = await addEntry(incident, { kind: 'note', text: 'kept', occurredAt: at(1) });
    const gone = await addEntry(incident, { kind: 'custom', text: 'wrong channel', occurredAt: at(2) });
    const removal = removeTimelineEntry(gone.entry, 'web', buildTransitionContext(editor, at(70), ids)).state;
    assert.equal(await store.timeline.saveRevision(removal), true);

    assert.deepEqual(await store.timeline.listForIncident(incident.id), [kept.entry]);
    assert.deepEqual(await store.timeline.listForIncident(incident.id, { includeRemoved: false }), [kept.entry]);
    assert.deepEqual(await store.timeline.listForIncident(incident.id, { includeRemoved: true }), [kept.entry, removal.entry]);
    assert.equal(removal.entry.removed, true);
    assert.deepEqual(
      (await store.timeline.history(gone.entry.id)).map((r) => r.removed),
      [false, true],
    );
  });

  ctx.test('history lists every revision oldest first with who revised it, from where and when', async () => {
    const incident = await insertIncident(store, scribe);
    const first = await addEntry(incident, { kind: 'note', text: 'one' }, at(100), scribe);
    const second = revise(first.entry, 'two', at(110), editor);
    assert.equal(await store.timeline.saveRevision(second), true);
    const third = revise(second.entry, 'three', at(125), scribe);
    assert.equal(await store.timeline.saveRevision(third), true);

    const history = await store.timeline.history(first.entry.id);
    assert.deepEqual(history, [first.revision, second.revision, third.revision]);
    assert.deepEqual(
      history.map((r) => [r.revision, r.text, r.revisedBy.id, r.source, r.revisedAt.toISOString()]),
      [
        [1, 'one', scribe.id, 'slack', at(100).toISOString()],
        [2, 'two', editor.id, 'web', at(110).toISOString()],
        [3, 'three', scribe.id, 'web', at(125).toISOString()],
      ],
    );
    const current = await store.timeline.findById(incident.id, first.entry.id);
    assert.equal(current?.author.id, scribe.id);
    assert.equal(current?.updatedBy.id, scribe.id);
    assert.deepEqual(current?.createdAt, at(100));
    assert.deepEqual(current?.updatedAt, at(125));
  });

  ctx.test('history of an unknown entry is empty', async () => {
    assert.deepEqual(await store.timeline.history('entry-missing' as TimelineEntryId), []);
  });

  ctx.test('an entry and its revision written in a rolled-back transaction leave nothing behind', async () => {
    const incident = await insertIncident(store, scribe);
    const change = addTimelineEntry(incident.id, { kind: 'note', text: 'never' }, 'api', buildTransitionContext(scribe, at(5), ids)).state;
    await assert.rejects(
      store.transaction(async (repos) => {
        await repos.timeline.insert([change]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await store.timeline.findById(incident.id, change.entry.id), null);
    assert.deepEqual(await store.timeline.history(change.entry.id), []);
  });
});
