import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

describeEngines('REST API: incidents over real HTTP', (ctx) => {
  let running: RunningApp;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
  });
  after(() => running.close());

  ctx.test('declares an incident and reads it back by id and by reference', async () => {
    const created = await running.api('/api/v1/incidents', {
      method: 'POST',
      body: {
        title: 'Use an LPA is unreachable',
        severity: 'Critical',
        summary: 'Line one\nLine two',
        roles: { lead: { slackUserId: 'U0LEAD', name: 'Lena Lead' }, scribe: { email: 'sam@example.org', name: 'Sam' } },
      },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.reference, /^INC-\d+$/);
    assert.equal(created.body.severity, 'critical');
    assert.equal(created.body.severityLabel, 'Critical');
    assert.equal(created.body.summary, 'Line one\nLine two');
    assert.equal(created.body.lead.name, 'Lena Lead');
    assert.equal(created.body.scribe.name, 'Sam');
    assert.equal(created.body.status, 'open');
    assert.equal(created.headers.get('location'), `/api/v1/incidents/${created.body.id}`);

    const byId = await running.api(`/api/v1/incidents/${created.body.id}`);
    const byRef = await running.api(`/api/v1/incidents/${created.body.reference.toLowerCase()}`);
    assert.equal(byId.status, 200);
    assert.deepEqual(byRef.body, byId.body);
    assert.deepEqual(
      byId.body.roles.map((r: { role: string }) => r.role),
      ['reporter', 'lead', 'scribe'],
    );
  });

  ctx.test('50 concurrent declarations get 50 distinct, gap-free references', async () => {
    const before = await running.api('/api/v1/incidents?limit=1');
    const last = before.body.items[0] ? Number(before.body.items[0].reference.split('-')[1]) : 0;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        running.api('/api/v1/incidents', { method: 'POST', body: { title: `Storm ${i}` } }),
      ),
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(50).fill(201),
    );
    const numbers = responses.map((r) => Number(r.body.reference.split('-')[1])).sort((a, b) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: 50 }, (_, i) => last + 1 + i),
    );
  });

  ctx.test('closing a closed incident is 409 with a code, and changes nothing', async () => {
    const { body: incident } = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Disk full' } });
    const closed = await running.api(`/api/v1/incidents/${incident.id}`, {
      method: 'PATCH',
      body: { status: 'closed', closeReason: 'blocked', blockedUntil: '2099-01-01T00:00:00Z' },
    });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.closeReason, 'blocked');
    assert.equal(closed.body.blockedUntil, '2099-01-01T00:00:00.000Z');
    assert.ok(closed.body.endedAt);

    const again = await running.api(`/api/v1/incidents/${incident.id}`, {
      method: 'PATCH',
      body: { summary: 'should not be saved', status: 'closed' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'incident.already_closed');
    const after = await running.api(`/api/v1/incidents/${incident.id}`);
    assert.equal(after.body.summary, null, 'a refused PATCH writes nothing');

    const reopened = await running.api(`/api/v1/incidents/${incident.id}`, { method: 'PATCH', body: { status: 'open' } });
    assert.equal(reopened.status, 200);
    assert.equal(reopened.body.status, 'open');
    assert.equal(reopened.body.endedAt, null);
    assert.equal(reopened.body.closeReason, null);
  });

  ctx.test('an unknown severity is 400 naming the field and the allowed values', async () => {
    const response = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'x', severity: 'sev9' } });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'incident.severity_invalid');
    assert.equal(response.body.error.field, 'severity');
    assert.deepEqual(response.body.error.allowed, ['critical', 'major', 'trivial']);
    assert.match(response.body.error.message, /critical, major, trivial/);
  });

  ctx.test('malformed JSON, an empty body and a missing field are 400s, never 500s', async () => {
    const malformed = await running.api('/api/v1/incidents', { method: 'POST', rawBody: '{"title": ' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'request.malformed_json');

    const empty = await running.api('/api/v1/incidents', { method: 'POST', rawBody: '' });
    assert.equal(empty.status, 400);

    const missing = await running.api('/api/v1/incidents', { method: 'POST', body: { severity: 'major' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'request.invalid');
    assert.equal(missing.body.error.field, 'title');

    const unknownField = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'x', sev: 'major' } });
    assert.equal(unknownField.status, 400);

    const badCursor = await running.api('/api/v1/incidents?cursor=abc');
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error.field, 'cursor');
  });

  ctx.test('no token or a bad token is 401; a revoked token stops working', async () => {
    const none = await running.api('/api/v1/incidents', { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'auth.missing_token');
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="incident-response"');

    const bad = await running.api('/api/v1/incidents', { token: 'irt_not-a-real-token' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'auth.invalid_token');

    const badWithBody = await running.api('/api/v1/incidents', { method: 'POST', rawBody: '{', token: 'nope' });
    assert.equal(badWithBody.status, 401, 'authentication is checked before the body');

    const { token, secret } = await running.app.tokens.create('short-lived');
    assert.equal((await running.api('/api/v1/incidents', { token: secret })).status, 200);
    await running.app.tokens.revoke(token.id);
    assert.equal((await running.api('/api/v1/incidents', { token: secret })).status, 401);
  });

  ctx.test('an unknown incident, entry or route is 404', async () => {
    const incident = await running.api('/api/v1/incidents/INC-999999');
    assert.equal(incident.status, 404);
    assert.equal(incident.body.error.code, 'incident.not_found');
    const unknownId = await running.api('/api/v1/incidents/00000000-0000-0000-0000-000000000000');
    assert.equal(unknownId.status, 404);
    const { body: created } = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'y' } });
    const entry = await running.api(`/api/v1/incidents/${created.id}/timeline/nope/history`);
    assert.equal(entry.status, 404);
    assert.equal(entry.body.error.code, 'timeline.not_found');
    const route = await running.api('/api/v1/nothing-here');
    assert.equal(route.status, 404);
    assert.equal(route.body.error.code, 'route.not_found');
  });

  ctx.test('roles hand over with history; lead as scribe is a warning', async () => {
    const { body: incident } = await running.api('/api/v1/incidents', {
      method: 'POST',
      body: { title: 'API gateway errors', roles: { lead: { slackUserId: 'U0AAA', name: 'Ada' } } },
    });
    const handedOver = await running.api(`/api/v1/incidents/${incident.reference}`, {
      method: 'PATCH',
      body: { roles: { lead: { slackUserId: 'U0BBB', name: 'Bo' }, scribe: { slackUserId: 'U0BBB' }, 'Subject matter expert': { email: 'cy@example.org' } } },
    });
    assert.equal(handedOver.status, 200);
    assert.equal(handedOver.body.lead.name, 'Bo');
    assert.deepEqual(
      handedOver.body.warnings.map((w: { code: string }) => w.code),
      ['lead_is_scribe'],
    );
    const leadHistory = handedOver.body.roleHistory.filter((a: { role: string }) => a.role === 'lead');
    assert.equal(leadHistory.length, 2);
    assert.equal(leadHistory[0].holder.name, 'Ada');
    assert.ok(leadHistory[0].endedAt, 'the previous lead’s assignment is ended, not deleted');
    assert.equal(leadHistory[1].endedAt, null);
    assert.ok(handedOver.body.roles.some((r: { role: string }) => r.role === 'Subject matter expert'));

    const timeline = await running.api(`/api/v1/incidents/${incident.id}/timeline`);
    assert.ok(timeline.body.items.some((e: { kind: string; text: string }) => e.kind === 'role' && /handed over from Ada/.test(e.text)));
  });

  ctx.test('report-only incidents keep their occurrence time and can be promoted to live', async () => {
    const reported = await running.api('/api/v1/incidents', {
      method: 'POST',
      body: { title: 'Secrets were logged last week', reportOnly: true, occurredAt: '2020-05-01T10:00:00Z', private: true },
    });
    assert.equal(reported.status, 201);
    assert.equal(reported.body.reportOnly, true);
    assert.equal(reported.body.occurredAt, '2020-05-01T10:00:00.000Z');
    const promoted = await running.api(`/api/v1/incidents/${reported.body.id}`, { method: 'PATCH', body: { reportOnly: false } });
    assert.equal(promoted.body.reportOnly, false);
    const twice = await running.api(`/api/v1/incidents/${reported.body.id}`, { method: 'PATCH', body: { reportOnly: false } });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'incident.not_report_only');
  });

  ctx.test('lists with filters, text search and cursor pagination', async () => {
    const marker = `zebra-${ctx.engine}`;
    for (let i = 0; i < 5; i++) {
      await running.api('/api/v1/incidents', {
        method: 'POST',
        body: { title: `Paged ${i}`, impact: `${marker} impact`, severity: i % 2 === 0 ? 'major' : 'trivial' },
      });
    }
    const first = await running.api(`/api/v1/incidents?q=${marker.toUpperCase()}&limit=2`);
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.items.map((i: { title: string }) => i.title),
      ['Paged 4', 'Paged 3'],
    );
    assert.ok(first.body.nextCursor);
    const second = await running.api(`/api/v1/incidents?q=${marker}&limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual(
      second.body.items.map((i: { title: string }) => i.title),
      ['Paged 2', 'Paged 1'],
    );
    const third = await running.api(`/api/v1/incidents?q=${marker}&limit=2&cursor=${second.body.nextCursor}`);
    assert.deepEqual(
      third.body.items.map((i: { title: string }) => i.title),
      ['Paged 0'],
    );
    assert.equal(third.body.nextCursor, null);

    const majors = await running.api(`/api/v1/incidents?q=${marker}&severity=major`);
    assert.deepEqual(
      majors.body.items.map((i: { title: string }) => i.title),
      ['Paged 4', 'Paged 2', 'Paged 0'],
    );
    const wildcard = await running.api('/api/v1/incidents?q=%25');
    assert.equal(wildcard.body.items.length, 0, '% is matched literally, not as a wildcard');
    const open = await running.api(`/api/v1/incidents?q=${marker}&status=closed`);
    assert.equal(open.body.items.length, 0);
  });

  ctx.test('every change is in the audit trail with who, what, when and from where', async () => {
    const { body: incident } = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Audited' } });
    await running.api(`/api/v1/incidents/${incident.id}`, { method: 'PATCH', body: { severity: 'major', status: 'closed' } });
    const audit = await running.api(`/api/v1/incidents/${incident.id}/audit`);
    assert.equal(audit.status, 200);
    const types = audit.body.items.map((a: { type: string }) => a.type);
    assert.deepEqual(types.filter((t: string) => t.startsWith('incident.')), [
      'incident.declared',
      'incident.field_changed',
      'incident.closed',
    ]);
    for (const item of audit.body.items) {
      assert.equal(item.source, 'api');
      assert.match(item.actor.name, /\(API\)$/);
      assert.ok(Date.parse(item.at));
    }
  });
});
