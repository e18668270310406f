import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

const MINUTE = 60_000;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** The cells of the table with this id, row by row, as text. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table class="govuk-table" id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = table.slice(table.indexOf('<tbody'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]!).trim()));
}

// The dashboard over real HTTP on each engine: the drill flag from the declare form, the figures a
// person may see, the date filter and its refusals, and the CSV download.
describeEngines('metrics dashboard on the site', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let rita: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2026-11-18T09:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, { ADMIN_EMAILS: 'ada.admin@dev-sign-in.invalid' }, { clock });
    rita = { user: await running.app.users.fromDevSignIn('Rita Reporter'), source: 'web' };
    const major = await running.app.incidents.declare(rita, { title: 'Payments slow', severity: 'major', roles: { lead: { email: 'lee@example.com' } } });
    clock.advance(45 * MINUTE);
    await running.app.incidents.update(rita, major.reference, { status: 'closed', closeReason: 'resolved' });
    clock.set(new Date('2026-11-19T10:00:00.000Z'));
    await running.app.incidents.declare(rita, { title: 'Logins failing' });
    await running.app.incidents.declare(rita, { title: 'Payroll exposed', severity: 'critical', private: true });
    clock.set(new Date('2026-11-20T12:00:00.000Z'));
  });
  after(() => running.close());

  ctx.test('the declare form takes the drill flag: the incident is tagged on its page and in the list', async () => {
    const web = new WebClient(running.baseUrl);
    await web.signIn('Rita Reporter');
    const form = await web.get('/incidents/new');
    assert.match(form.html, /<input[^>]*name="drill"[^>]*value="yes"/);
    assert.match(form.html, /This is a drill or test/);
    const csrf = await web.csrf('/incidents/new');
    const declared = await web.post('/incidents', { _csrf: csrf, kind: 'live', title: 'Game day: database failover', severity: 'critical', drill: 'yes' });
    assert.equal(declared.status, 303);
    const reference = declared.location!.split('/').pop()!;
    assert.equal((await running.app.incidents.get(reference)).drill, true);
    assert.match((await web.get(`/incidents/${reference}`)).html, /<strong class="govuk-tag govuk-tag--yellow">\s*Drill\s*<\/strong>/);
    assert.match((await web.get('/incidents')).html, /Game day: database failover<\/a> <strong class="govuk-tag govuk-tag--yellow">\s*Drill/);
    const plain = await web.post('/incidents', { _csrf: await web.csrf('/incidents/new'), kind: 'live', title: 'Not a drill' });
    assert.equal((await running.app.incidents.get(plain.location!.split('/').pop()!)).drill, false);
    // Both declared on the 20th, after the range the next test asks for.
  });

  ctx.test('the figures leave out drills and private incidents of others; admins see those too', async () => {
    const olly = new WebClient(running.baseUrl);
    await olly.signIn('Olly Outsider');
    const page = await olly.get('/dashboard?from=2026-11-16&to=2026-11-19');
    assert.equal(page.status, 200);
    assert.match(page.html, /<a class="govuk-service-navigation__link" href="\/dashboard" aria-current="true">/, 'navigation marks Metrics');
    assert.match(text(page.html), /2 incidents declared from 16 Nov 2026 to 19 Nov 2026\./);
    assert.match(page.html, /private incidents you are not involved in/);
    assert.deepEqual(tableRows(page.html, 'incidents-table'), [
      ['16 Nov 2026', '0', '0', '0', '0', '0'],
      ['17 Nov 2026', '0', '0', '0', '0', '0'],
      ['18 Nov 2026', '0', '1', '0', '0', '1'],
      ['19 Nov 2026', '0', '0', '0', '1', '1'],
      ['All', '0', '1', '0', '1', '2'],
    ]);
    const durations = tableRows(page.html, 'durations-table').map((r) => [r[0]!.replace(/ From .*/, ''), ...r.slice(1)]);
    assert.deepEqual(durations, [
      ['Time to lead', '1', '0 s', '0 s'],
      ['Time to first update', '0', 'No data', 'No data'],
      ['Time to close', '1', '45 min', '45 min'],
    ]);
    assert.match(page.html, /<svg [^>]*role="img" aria-labelledby="incidents-chart-title" aria-describedby="incidents-chart-desc"/);
    assert.match(page.html, /<svg [^>]*role="img" aria-labelledby="durations-chart-title" aria-describedby="durations-chart-desc"/);
    assert.match(page.html, /href="\/follow-ups"/);
    assert.match(page.html, /href="\/dashboard.csv\?from=2026-11-16&amp;to=2026-11-19"/);

    const ada = new WebClient(running.baseUrl);
    await ada.signIn('Ada Admin');
    const all = await ada.get('/dashboard?from=2026-11-16&to=2026-11-19');
    assert.match(text(all.html), /3 incidents declared from/);
    assert.deepEqual(tableRows(all.html, 'incidents-table').at(-1), ['All', '1', '1', '0', '1', '3']);
    assert.doesNotMatch(all.html, /private incidents you are not involved in/);
  });

  ctx.test('the default is the last 90 days, by week; an empty range shows zeros', async () => {
    const web = new WebClient(running.baseUrl);
    await web.signIn('Olly Outsider');
    const page = await web.get('/dashboard');
    assert.match(page.html, /id="from" name="from" type="date" value="2026-08-23"/);
    assert.match(page.html, /id="to" name="to" type="date" value="2026-11-20"/);
    assert.match(page.html, /Incidents started per week, by severity/);
    const weeks = tableRows(page.html, 'incidents-table').map((r) => r[0]);
    // 23 August is a Sunday: the first week holds that day alone; the last ends with today.
    assert.deepEqual(weeks.slice(0, 2), ['23 Aug 2026', '24 Aug to 30 Aug 2026']);
    assert.deepEqual(weeks.slice(-2), ['16 Nov to 20 Nov 2026', 'All']);
    const empty = await web.get('/dashboard?from=2025-01-01&to=2025-01-31');
    assert.match(text(empty.html), /0 incidents declared from 1 Jan 2025 to 31 Jan 2025/);
    assert.deepEqual(tableRows(empty.html, 'incidents-table').at(-1), ['All', '0', '0', '0', '0', '0']);
  });

  ctx.test('bad dates get the error summary and a 400, never a 500', async () => {
    const web = new WebClient(running.baseUrl);
    await web.signIn('Olly Outsider');
    const cases: [string, string, RegExp][] = [
      ['from=2026-02-30', 'from', /The start date must be a real date/],
      ['from=2026-11-10&to=2026-11-01', 'to', /The end date must be the same as or after the start date/],
      ['to=yesterday', 'to', /The end date must be a real date/],
      ['from=1990-01-01&to=2026-01-01', 'from', /at most 3660 days/],
    ];
    for (const [query, field, message] of cases) {
      const page = await web.get(`/dashboard?${query}`);
      assert.equal(page.status, 400, query);
      assert.match(page.html, /<title>Error: Metrics/, query);
      assert.match(page.html, /There is a problem/, query);
      assert.match(page.html, new RegExp(`<a href="#${field}">`), query);
      assert.match(page.html, message, query);
      assert.doesNotMatch(page.html, /class="app-chart"/, query);
    }
    const csv = await web.get('/dashboard.csv?from=2026-13-01');
    assert.equal(csv.status, 400);
    assert.match(csv.html, /The start date must be a real date/);
  });

  ctx.test('the CSV: a header row, a row per day and severity, the durations in seconds, the follow-ups', async () => {
    const web = new WebClient(running.baseUrl);
    await web.signIn('Olly Outsider');
    const response = await fetch(`${running.baseUrl}/dashboard.csv?from=2026-11-18&to=2026-11-19`, { headers: { cookie: web.cookieHeader() } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="incident-metrics-2026-11-18-to-2026-11-19.csv"/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    assert.deepEqual(lines, [
      'section,period_start,period_end,severity,count,median_seconds,p90_seconds',
      'incidents,2026-11-18T00:00:00.000Z,2026-11-19T00:00:00.000Z,critical,0,,',
      'incidents,2026-11-18T00:00:00.000Z,2026-11-19T00:00:00.000Z,major,1,,',
      'incidents,2026-11-18T00:00:00.000Z,2026-11-19T00:00:00.000Z,trivial,0,,',
      'incidents,2026-11-18T00:00:00.000Z,2026-11-19T00:00:00.000Z,none,0,,',
      'incidents,2026-11-19T00:00:00.000Z,2026-11-20T00:00:00.000Z,critical,0,,',
      'incidents,2026-11-19T00:00:00.000Z,2026-11-20T00:00:00.000Z,major,0,,',
      'incidents,2026-11-19T00:00:00.000Z,2026-11-20T00:00:00.000Z,trivial,0,,',
      'incidents,2026-11-19T00:00:00.000Z,2026-11-20T00:00:00.000Z,none,1,,',
      'time_to_lead,2026-11-18T00:00:00.000Z,2026-11-20T00:00:00.000Z,,1,0,0',
      'time_to_first_update,2026-11-18T00:00:00.000Z,2026-11-20T00:00:00.000Z,,0,,',
      `time_to_close,2026-11-18T00:00:00.000Z,2026-11-20T00:00:00.000Z,,1,${45 * 60},${45 * 60}`,
      'open_follow_ups,2026-11-18T00:00:00.000Z,2026-11-20T00:00:00.000Z,,0,,',
      'overdue_follow_ups,2026-11-18T00:00:00.000Z,2026-11-20T00:00:00.000Z,,0,,',
    ]);
  });

  ctx.test('signed out, neither the page nor the CSV answers with figures', async () => {
    for (const path of ['/dashboard', '/dashboard.csv']) {
      const response = await fetch(`${running.baseUrl}${path}`, { redirect: 'manual' });
      assert.ok([302, 303].includes(response.status), `${path}: ${response.status}`);
      assert.match(response.headers.get('location') ?? '', /^\/sign-in/);
    }
  });
});
