import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

describeEngines('REST API: timeline and actions over real HTTP', (ctx) => {
  let running: RunningApp;
  let incidentId: string;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
    const created = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Timeline incident' } });
    incidentId = created.body.id;
  });
  after(() => running.close());

  ctx.test('an entry edited twice shows its latest text, and its history all three versions with who and when', async () => {
    const added = await running.api(`/api/v1/incidents/${incidentId}/timeline`, {
      method: 'POST',
      body: { text: 'xxx suggested the disk might be full', occurredAt: '2024-01-01T10:00:00Z' },
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.kind, 'note');
    assert.equal(added.body.revision, 1);
    const path = `/api/v1/incidents/${incidentId}/timeline/${added.body.id}`;

    const first = await running.api(path, { method: 'PATCH', body: { text: 'Sam suggested the disk might be full' } });
    assert.equal(first.status, 200);
    const second = await running.api(path, { method: 'PATCH', body: { text: 'Sam suggested the disk was full; Kim to check', occurredAt: '2024-01-01T10:05:00Z' } });
    assert.equal(second.body.revision, 3);

    const list = await running.api(`/api/v1/incidents/${incidentId}/timeline`);
    const current = list.body.items.find((e: { id: string }) => e.id === added.body.id);
    assert.equal(current.text, 'Sam suggested the disk was full; Kim to check');
    assert.equal(current.occurredAt, '2024-01-01T10:05:00.000Z');

    const history = await running.api(`${path}/history`);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.items.map((r: { revision: number; text: string }) => [r.revision, r.text]),
      [
        [1, 'xxx suggested the disk might be full'],
        [2, 'Sam suggested the disk might be full'],
        [3, 'Sam suggested the disk was full; Kim to check'],
      ],
    );
    for (const revision of history.body.items) {
      assert.match(revision.revisedBy.name, /\(API\)$/);
      assert.equal(revision.source, 'api');
      assert.ok(Date.parse(revision.revisedAt));
    }
  });

  ctx.test('removing an entry hides it from the current view and keeps it in history', async () => {
    const added = await running.api(`/api/v1/incidents/${incidentId}/timeline`, {
      method: 'POST',
      body: { text: 'Wrong channel, ignore', kind: 'custom', link: 'https://example.org/x' },
    });
    const path = `/api/v1/incidents/${incidentId}/timeline/${added.body.id}`;
    const removed = await running.api(path, { method: 'DELETE' });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.removed, true);

    const visible = await running.api(`/api/v1/incidents/${incidentId}/timeline`);
    assert.ok(!visible.body.items.some((e: { id: string }) => e.id === added.body.id));
    const all = await running.api(`/api/v1/incidents/${incidentId}/timeline?includeRemoved=true`);
    assert.ok(all.body.items.some((e: { id: string; removed: boolean }) => e.id === added.body.id && e.removed));
    const history = await running.api(`${path}/history`);
    assert.deepEqual(
      history.body.items.map((r: { removed: boolean }) => r.removed),
      [false, true],
    );
    const again = await running.api(path, { method: 'DELETE' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'timeline.entry_removed');
  });

  ctx.test('timeline entries come in the order they happened', async () => {
    const { body: incident } = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Ordering' } });
    for (const [text, at] of [
      ['third', '2024-01-01T12:00:00Z'],
      ['first', '2024-01-01T10:00:00Z'],
      ['second', '2024-01-01T11:00:00Z'],
    ]) {
      await running.api(`/api/v1/incidents/${incident.id}/timeline`, { method: 'POST', body: { text, occurredAt: at } });
    }
    const list = await running.api(`/api/v1/incidents/${incident.id}/timeline`);
    const texts = list.body.items.map((e: { text: string }) => e.text).filter((t: string) => ['first', 'second', 'third'].includes(t));
    assert.deepEqual(texts, ['first', 'second', 'third']);
  });

  ctx.test('rejects a script link and an unknown kind with a 400', async () => {
    const script = await running.api(`/api/v1/incidents/${incidentId}/timeline`, {
      method: 'POST',
      body: { text: 'x', link: 'javascript:alert(1)' },
    });
    assert.equal(script.status, 400);
    assert.equal(script.body.error.field, 'link');
    const kind = await running.api(`/api/v1/incidents/${incidentId}/timeline`, { method: 'POST', body: { text: 'x', kind: 'closed' } });
    assert.equal(kind.status, 400);
    assert.equal(kind.body.error.field, 'kind');
  });

  ctx.test('actions are added with an owner, completed and reopened', async () => {
    const added = await running.api(`/api/v1/incidents/${incidentId}/actions`, {
      method: 'POST',
      body: { text: 'Rotate the exposed key', owner: { slackUserId: 'U0KIM', name: 'Kim' } },
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.owner.name, 'Kim');
    assert.equal(added.body.done, false);
    const path = `/api/v1/incidents/${incidentId}/actions/${added.body.id}`;
    const done = await running.api(path, { method: 'PATCH', body: { done: true } });
    assert.equal(done.body.done, true);
    assert.ok(done.body.doneAt);
    const reopened = await running.api(path, { method: 'PATCH', body: { done: false, owner: null } });
    assert.equal(reopened.body.done, false);
    assert.equal(reopened.body.doneAt, null);
    assert.equal(reopened.body.owner, null);

    const list = await running.api(`/api/v1/incidents/${incidentId}/actions`);
    assert.deepEqual(
      list.body.items.map((a: { id: string }) => a.id),
      [added.body.id],
    );
    const timeline = await running.api(`/api/v1/incidents/${incidentId}/timeline`);
    assert.ok(timeline.body.items.some((e: { kind: string; text: string }) => e.kind === 'action' && /Rotate the exposed key/.test(e.text)));

    const missing = await running.api(`/api/v1/incidents/${incidentId}/actions/nope`, { method: 'PATCH', body: { done: true } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'action.not_found');
  });
});
