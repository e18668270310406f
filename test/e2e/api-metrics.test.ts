import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

const MINUTE = 60_000;

// GET /api/v1/metrics over real HTTP on each engine: token auth, the drill flag on the incident
// routes, the same figures as the site, private incidents of others left out, bad dates refused.
describeEngines('REST API: metrics', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let outsiderToken: string;
  let adminToken: string;
  before(async () => {
    clock = new ManualClock(new Date('2026-11-02T09:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock });
    outsiderToken = (await running.app.tokens.create('outsider')).secret;
    adminToken = (await running.app.tokens.create('operator', { admin: true })).secret;
    const declare = async (body: Record<string, unknown>) => {
      const response = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'x', ...body } });
      assert.equal(response.status, 201);
      return response.body as { id: string; reference: string; drill: boolean };
    };
    const a = await declare({ title: 'Public major', severity: 'major', roles: { lead: { email: 'lee@example.com' } } });
    clock.advance(10 * MINUTE);
    await running.api(`/api/v1/incidents/${a.id}/timeline`, { method: 'POST', body: { kind: 'statusPage', text: 'We are looking' } });
    clock.advance(50 * MINUTE);
    await running.api(`/api/v1/incidents/${a.id}`, { method: 'PATCH', body: { status: 'closed', closeReason: 'resolved' } });
    clock.set(new Date('2026-11-04T09:00:00.000Z'));
    await declare({ title: 'Private critical', severity: 'critical', private: true });
    await declare({ title: 'A drill', severity: 'critical', drill: true });
    clock.set(new Date('2026-11-06T12:00:00.000Z'));
  });
  after(() => running.close());

  ctx.test('declare takes `drill` and every incident response shows it', async () => {
    const declared = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Tabletop exercise', drill: true } });
    assert.equal(declared.status, 201);
    assert.equal(declared.body.drill, true);
    assert.equal((await running.api(`/api/v1/incidents/${declared.body.id}`)).body.drill, true);
    const real = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Real one' } });
    assert.equal(real.body.drill, false);
    const refused = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Bad', drill: 'yes' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.field, 'drill');
  });

  ctx.test('the figures, drills left out: counts per day by severity, durations in ms, follow-ups', async () => {
    const response = await running.api('/api/v1/metrics?from=2026-11-01&to=2026-11-05', { token: adminToken });
    assert.equal(response.status, 200);
    const body = response.body;
    assert.equal(body.from, '2026-11-01T00:00:00.000Z');
    assert.equal(body.to, '2026-11-06T00:00:00.000Z', 'a date as `to` is the whole day, included');
    assert.equal(body.bucketSize, 'day');
    assert.equal(body.incidentCount, 2);
    assert.deepEqual(body.severities, [
      { key: 'critical', label: 'Critical', count: 1 },
      { key: 'major', label: 'Major', count: 1 },
      { key: 'trivial', label: 'Trivial', count: 0 },
      { key: null, label: 'No severity', count: 0 },
    ]);
    assert.equal(body.buckets.length, 5);
    assert.deepEqual(body.buckets[1], {
      start: '2026-11-02T00:00:00.000Z',
      end: '2026-11-03T00:00:00.000Z',
      counts: [
        { severity: 'critical', count: 0 },
        { severity: 'major', count: 1 },
        { severity: 'trivial', count: 0 },
        { severity: null, count: 0 },
      ],
      total: 1,
    });
    assert.equal(body.buckets[3].counts[0].count, 1);
    assert.deepEqual(body.durations, {
      toLead: { count: 1, medianMs: 0, p90Ms: 0 },
      toFirstUpdate: { count: 1, medianMs: 10 * MINUTE, p90Ms: 10 * MINUTE },
      toClose: { count: 1, medianMs: 60 * MINUTE, p90Ms: 60 * MINUTE },
    });
    assert.deepEqual(body.followUps, { open: 0, overdue: 0 });
  });

  ctx.test('a token outside a private incident does not count it; its declarer’s token does', async () => {
    const outsider = await running.api('/api/v1/metrics?from=2026-11-01&to=2026-11-05', { token: outsiderToken });
    assert.equal(outsider.status, 200);
    assert.equal(outsider.body.incidentCount, 1);
    assert.deepEqual(outsider.body.severities.map((s: { count: number }) => s.count), [0, 1, 0, 0]);
    const declarer = await running.api('/api/v1/metrics?from=2026-11-01&to=2026-11-05');
    assert.equal(declarer.body.incidentCount, 2);
  });

  ctx.test('the same figures as the site’s dashboard and CSV, for the same person', async () => {
    const web = new WebClient(running.baseUrl);
    await web.signIn('Olly Outsider');
    const csv = await fetch(`${running.baseUrl}/dashboard.csv?from=2026-11-01&to=2026-11-05`, { headers: { cookie: web.cookieHeader() } });
    const rows = (await csv.text()).trimEnd().split('\r\n').map((line) => line.split(','));
    // Olly is no admin and in none of them: the public incident only, as for the outsider token.
    const api = (await running.api('/api/v1/metrics?from=2026-11-01&to=2026-11-05', { token: outsiderToken })).body;
    const incidents = rows.filter((r) => r[0] === 'incidents');
    assert.equal(incidents.length, api.buckets.length * api.severities.length);
    for (const bucket of api.buckets) {
      for (const c of bucket.counts) {
        const row = incidents.find((r) => r[1] === bucket.start && r[3] === (c.severity ?? 'none'));
        assert.equal(Number(row?.[4]), c.count, `${bucket.start} ${c.severity}`);
      }
    }
    const close = rows.find((r) => r[0] === 'time_to_close')!;
    assert.deepEqual(close.slice(4).map(Number), [api.durations.toClose.count, api.durations.toClose.medianMs / 1000, api.durations.toClose.p90Ms / 1000]);
  });

  ctx.test('defaults to the last 90 days; date-times are instants', async () => {
    const defaults = await running.api('/api/v1/metrics');
    assert.equal(defaults.status, 200);
    assert.equal(defaults.body.from, '2026-08-09T00:00:00.000Z');
    assert.equal(defaults.body.to, '2026-11-07T00:00:00.000Z');
    assert.equal(defaults.body.bucketSize, 'week');
    const instants = await running.api(`/api/v1/metrics?from=${encodeURIComponent('2026-11-02T09:00:00.001Z')}&to=${encodeURIComponent('2026-11-05T00:00:00+00:00')}`, {
      token: adminToken,
    });
    assert.equal(instants.status, 200);
    assert.equal(instants.body.incidentCount, 1, 'the major incident started a millisecond before');
  });

  ctx.test('needs a token, and refuses bad dates with a 400 naming the field', async () => {
    const anonymous = await running.api('/api/v1/metrics', { token: null });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'auth.missing_token');
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['to=tomorrow', 'to'],
      ['from=2026-11-05&to=2026-11-01', 'to'],
      ['from=1990-01-01', 'from'],
      ['colour=red', ''],
    ];
    for (const [query, field] of cases) {
      const response = await running.api(`/api/v1/metrics?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'request.invalid', query);
      if (field) assert.equal(response.body.error.field, field, query);
    }
  });
});
