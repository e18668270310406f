import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { cli } from '../support/cli.js';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { createScratchPostgres } from '../support/scratch-postgres.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The document with ids and the reference blanked, and the import's own note and audit record left out. */
function comparable(doc: { incident: { reference: string }; timeline: { text: string }[]; audit: { type: string }[] }): unknown {
  const reference = doc.incident.reference;
  const trimmed = {
    ...doc,
    timeline: doc.timeline.filter((e) => !e.text.startsWith('Imported from ')),
    audit: doc.audit.filter((r) => r.type !== 'incident.imported'),
  };
  return JSON.parse(JSON.stringify(trimmed).replace(UUID, '<id>').replaceAll(reference, '<ref>')) as unknown;
}

/** A fresh database of the same engine, empty (the CLI migrates it). */
async function freshDatabase(engine: string): Promise<{ url: string; remove(): Promise<void> }> {
  if (engine === 'postgres') {
    const scratch = await createScratchPostgres('ir_test_import');
    return { url: scratch.databaseUrl, remove: () => scratch.drop() };
  }
  const file = path.join(os.tmpdir(), `ir_test_import_${randomBytes(6).toString('hex')}.sqlite`);
  return {
    url: `sqlite:${file}`,
    remove: async () => {
      await Promise.all(['', '-wal', '-shm', '-journal'].map((ext) => fs.rm(`${file}${ext}`, { force: true })));
    },
  };
}

describeEngines('Export an incident as JSON or Markdown, and import the JSON into another database', (ctx) => {
  let running: RunningApp;
  let incidentId: string;
  let reference: string;
  let dir: string;

  before(async () => {
    running = await startApp(ctx.databaseUrl);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ir-export-'));
    const declared = await running.api('/api/v1/incidents', {
      method: 'POST',
      body: {
        title: 'Checkout returns 502',
        severity: 'major',
        summary: 'Card payments fail at checkout.',
        impact: 'About a third of orders fail.',
        roles: { lead: { email: 'lena@example.org', name: 'Lena Lead' }, scribe: { slackUserId: 'U0SCRIBE', name: 'Sam Scribe' } },
      },
    });
    assert.equal(declared.status, 201);
    incidentId = declared.body.id;
    reference = declared.body.reference;
    // A hand-over: the lead changes, so the role history has an ended assignment.
    const handedOver = await running.api(`/api/v1/incidents/${incidentId}`, {
      method: 'PATCH',
      body: { roles: { lead: { email: 'omar@example.org', name: 'Omar Owner' } } },
    });
    assert.equal(handedOver.status, 200);
    const entry = await running.api(`/api/v1/incidents/${incidentId}/timeline`, { method: 'POST', body: { text: 'Rolled back the paymnet service' } });
    assert.equal(entry.status, 201);
    const corrected = await running.api(`/api/v1/incidents/${incidentId}/timeline/${entry.body.id}`, {
      method: 'PATCH',
      body: { text: 'Rolled back the payment service' },
    });
    assert.equal(corrected.status, 200);
    const action = await running.api(`/api/v1/incidents/${incidentId}/actions`, {
      method: 'POST',
      body: { text: 'Add a canary for the payment service', owner: { email: 'omar@example.org' } },
    });
    assert.equal(action.status, 201);
    const closed = await running.api(`/api/v1/incidents/${incidentId}`, { method: 'PATCH', body: { status: 'closed', closeReason: 'resolved' } });
    assert.equal(closed.status, 200);
    // After close: the RCA (session, outcome, complete) and its follow-ups, one done.
    const lena = { user: await running.app.users.fromSignIn({ email: 'lena@example.org', name: 'Lena Lead' }), source: 'web' as const };
    await running.app.rca.recordSession(lena, reference, { heldOn: '2024-05-03', attendees: [{ email: 'lena@example.org' }, { slackUserId: 'U0SCRIBE' }] });
    await running.app.rca.recordOutcome(lena, reference, { rootCause: 'A bad deploy', contributingFactors: 'No canary', wentWell: 'Fast rollback', wentBadly: null });
    await running.app.rca.setStatus(lena, reference, 'complete');
    await running.app.followUps.add(lena, reference, { text: 'Add a deploy canary', owner: { email: 'omar@example.org' }, dueOn: '2024-06-01' });
    const done = await running.app.followUps.add(lena, reference, { text: 'Write the runbook', owner: { email: 'lena@example.org' }, dueOn: '2024-05-20' });
    await running.app.followUps.update(lena, reference, done.id, { done: true });
  });
  after(async () => {
    await running.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  ctx.test('the JSON export imports into a fresh database through the CLI and exports again the same', async () => {
    const exported = await running.api(`/api/v1/incidents/${reference}/export?format=json`);
    assert.equal(exported.status, 200);
    assert.match(exported.headers.get('content-disposition') ?? '', /attachment; filename="inc-\d+\.json"/);
    const doc = exported.body;
    assert.equal(doc.format, 'incident-response/v1');
    assert.equal(doc.incident.status, 'closed');
    const roles = (doc.incident.roles as { role: string; holder: { name: string }; endedAt: string | null }[]).map((r) => [r.role, r.holder.name, r.endedAt !== null]);
    assert.deepEqual(roles.filter(([role]) => role === 'lead'), [
      ['lead', 'Lena Lead', true],
      ['lead', 'Omar Owner', false],
    ]);
    const corrected = doc.timeline.find((e: { text: string }) => e.text === 'Rolled back the payment service');
    assert.deepEqual(
      corrected.revisions.map((r: { text: string }) => r.text),
      ['Rolled back the paymnet service', 'Rolled back the payment service'],
    );
    assert.equal(doc.actions[0].owner.email, 'omar@example.org');
    assert.equal(doc.incident.drill, false);
    assert.equal(doc.incident.channelArchivedAt, null);
    assert.equal(doc.rca.status, 'complete');
    assert.equal(doc.rca.heldOn, '2024-05-03');
    assert.equal(doc.rca.rootCause, 'A bad deploy');
    assert.deepEqual(doc.rca.attendees.map((p: { name: string }) => p.name).sort(), ['Lena Lead', 'Sam Scribe']);
    assert.deepEqual(
      doc.actions.filter((a: { followUp: boolean }) => a.followUp).map((a: { text: string; dueOn: string; done: boolean }) => [a.text, a.dueOn, a.done]),
      [['Add a deploy canary', '2024-06-01', false], ['Write the runbook', '2024-05-20', true]],
    );
    assert.ok(!JSON.stringify(doc).includes(incidentId), 'no internal incident id in the document');

    const file = path.join(dir, 'export.json');
    await fs.writeFile(file, JSON.stringify(doc));
    const target = await freshDatabase(ctx.engine);
    let second: RunningApp | undefined;
    try {
      const imported = await cli(target.url, 'import', file);
      assert.equal(imported.code, 0, imported.stderr);
      const newReference = /as (\S+) \(id/.exec(imported.stdout)?.[1];
      assert.ok(newReference, imported.stdout);

      second = await startApp(target.url);
      const again = await second.api(`/api/v1/incidents/${newReference}/export?format=json`);
      assert.equal(again.status, 200);
      assert.ok(again.body.timeline.some((e: { text: string }) => e.text === `Imported from ${reference}.`));
      assert.deepEqual(comparable(again.body), comparable(doc));
      const report = await second.app.rca.report(newReference);
      assert.equal(report.rca?.rootCause, 'A bad deploy');
      assert.deepEqual(report.followUps.map((f) => f.text).sort(), ['Add a deploy canary', 'Write the runbook']);
    } finally {
      await second?.close();
      await target.remove();
    }
  });

  ctx.test('an export made before RCAs, drills and follow-ups (no such fields) still imports', async () => {
    const exported = await running.api(`/api/v1/incidents/${reference}/export?format=json`);
    // The document as written before these fields existed.
    const older = structuredClone(exported.body);
    delete older.rca;
    delete older.incident.drill;
    delete older.incident.channelArchivedAt;
    for (const action of older.actions) {
      delete action.followUp;
      delete action.dueOn;
    }
    const file = path.join(dir, 'older.json');
    await fs.writeFile(file, JSON.stringify(older));
    const target = await freshDatabase(ctx.engine);
    let second: RunningApp | undefined;
    try {
      const imported = await cli(target.url, 'import', file);
      assert.equal(imported.code, 0, imported.stderr);
      const newReference = /as (\S+) \(id/.exec(imported.stdout)?.[1];
      second = await startApp(target.url);
      const report = await second.app.rca.report(newReference!);
      assert.equal(report.rca, null);
      assert.equal(report.incident.drill, false);
      assert.deepEqual(report.followUps, []);
      assert.equal(report.actions.length, 3);
    } finally {
      await second?.close();
      await target.remove();
    }
  });

  ctx.test('an invalid file is refused with a clear error and nothing is written', async () => {
    const target = await freshDatabase(ctx.engine);
    try {
      const file = path.join(dir, 'bad.json');
      await fs.writeFile(file, JSON.stringify({ format: 'incident-response/v1', incident: { title: 'x' } }));
      const refused = await cli(target.url, 'import', file);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /Not an incident export \(incident-response\/v1\) at incident\./);
      const listed = await cli(target.url, 'incidents', 'list');
      assert.equal(listed.stdout.trim(), 'No incidents.');
    } finally {
      await target.remove();
    }
  });

  ctx.test('the Markdown export is a readable record with the key sections', async () => {
    const response = await fetch(`${running.baseUrl}/api/v1/incidents/${incidentId}/export?format=markdown`, {
      headers: { authorization: `Bearer ${running.token}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/markdown/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="inc-\d+\.md"/);
    const markdown = await response.text();
    assert.ok(markdown.startsWith(`# ${reference}: Checkout returns 502\n`));
    for (const section of ['## Summary', '## Impact', '## Durations', '## Roles', '## Timeline', '## Actions']) {
      assert.ok(markdown.includes(`\n${section}\n`), section);
    }
    assert.match(markdown, /\*\*Status:\*\* closed \(resolved\)/);
    assert.match(markdown, /\*\*Incident lead:\*\* Omar Owner, from/);
    assert.match(markdown, /Rolled back the payment service _\(corrected\)_/);
    assert.match(markdown, /- \[ \] Add a canary for the payment service — Omar Owner/);
    assert.match(markdown, /\*\*To close:\*\* /);
    assert.ok(markdown.includes('\n## Root cause analysis\n'));
    assert.match(markdown, /\*\*Status:\*\* complete/);
    assert.match(markdown, /\*\*Session:\*\* 2024-05-03/);
    assert.match(markdown, /### Root cause\n\nA bad deploy\n/);
    assert.match(markdown, /## Follow-ups\n\n- \[ \] Add a deploy canary — Omar Owner, due 2024-06-01\n- \[x\] Write the runbook — Lena Lead, due 2024-05-20/);
    assert.doesNotMatch(markdown.split('## Follow-ups')[0]!.split('## Actions')[1]!, /Add a deploy canary/, 'follow-ups are not listed among the actions');
  });

  ctx.test('a private incident exports only to its people: 404 for a token outside it', async () => {
    const hidden = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Secret rotation leak', private: true } });
    assert.equal(hidden.status, 201);
    const outsider = (await running.app.tokens.create('outsider')).secret;
    const refused = await running.api(`/api/v1/incidents/${hidden.body.reference}/export?format=json`, { token: outsider });
    assert.equal(refused.status, 404);
    assert.doesNotMatch(JSON.stringify(refused.body), /Secret rotation/);
    const mine = await running.api(`/api/v1/incidents/${hidden.body.id}/export`);
    assert.equal(mine.status, 200);
  });
});
