import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

describeEngines('the site without JavaScript: sign-in, declare, forms', (ctx) => {
  let running: RunningApp;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
  });
  after(() => running.close());

  ctx.test('every page needs sign-in, and sign-in returns to the page asked for', async () => {
    const visitor = new WebClient(running.baseUrl);
    const list = await visitor.get('/incidents?status=open');
    assert.equal(list.status, 303);
    assert.equal(list.location, '/sign-in?next=%2Fincidents%3Fstatus%3Dopen');
    const signIn = await visitor.get('/sign-in');
    assert.match(signIn.html, /local development sign-in/);
    const csrf = await visitor.csrf('/sign-in');
    const done = await visitor.post('/sign-in', { _csrf: csrf, name: 'Ada Lovelace', next: '/incidents?status=open' });
    assert.equal(done.location, '/incidents?status=open');
    const after = await visitor.get('/incidents?status=open');
    assert.equal(after.status, 200);
    assert.match(after.html, /Signed in as <strong>Ada Lovelace<\/strong>/);
  });

  ctx.test('sign-in never sends people to another site', async () => {
    const visitor = new WebClient(running.baseUrl);
    const csrf = await visitor.csrf('/sign-in');
    const done = await visitor.post('/sign-in', { _csrf: csrf, name: 'Eve', next: '//evil.example/phish' });
    assert.equal(done.location, '/incidents');
  });

  ctx.test('a form without its CSRF token is refused and changes nothing', async () => {
    const user = new WebClient(running.baseUrl);
    await user.signIn('Mallory Target');
    const refused = await user.post('/incidents', { kind: 'live', title: 'Forged' });
    assert.equal(refused.status, 403);
    assert.match(refused.html, /This form has expired/);
    const list = await user.get('/incidents');
    assert.doesNotMatch(list.html, /Forged/);
  });

  ctx.test('declare in a form; a summary with script shows as text', async () => {
    const user = new WebClient(running.baseUrl);
    await user.signIn('Rita Reporter');
    const csrf = await user.csrf('/incidents/new');
    const declared = await user.post('/incidents', {
      _csrf: csrf,
      kind: 'live',
      title: 'Payments failing',
      summary: '<script>alert(1)</script>\nsecond line',
      severity: 'major',
    });
    assert.equal(declared.status, 303);
    assert.match(declared.location ?? '', /^\/incidents\/INC-\d+$/);
    const page = await user.get(declared.location!);
    assert.equal(page.status, 200);
    assert.match(page.html, /Payments failing/);
    assert.match(page.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(page.html, /<script>alert\(1\)<\/script>/);
    assert.match(page.html, /Rita Reporter/);
    const list = await user.get('/incidents');
    assert.match(list.html, /Payments failing/);
  });

  ctx.test('a refused form comes back with the error next to the field and what was typed', async () => {
    const user = new WebClient(running.baseUrl);
    await user.signIn('Rita Reporter');
    const csrf = await user.csrf('/incidents/new');
    const refused = await user.post('/incidents', { _csrf: csrf, kind: 'live', title: '   ', summary: 'kept text' });
    assert.equal(refused.status, 400);
    assert.match(refused.html, /There is a problem/);
    assert.match(refused.html, /title cannot be empty/);
    assert.match(refused.html, /kept text/);
  });

  ctx.test('an unknown incident is a 404 page', async () => {
    const user = new WebClient(running.baseUrl);
    await user.signIn('Rita Reporter');
    const missing = await user.get('/incidents/INC-99999');
    assert.equal(missing.status, 404);
    assert.match(missing.html, /Page not found/);
  });

  ctx.test('pages carry a strict content security policy', async () => {
    const response = await fetch(`${running.baseUrl}/sign-in`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  });

  ctx.test('Slack markup typed in Slack reads on the site as Slack shows it: mentions as names, links as links', async () => {
    const declared = await running.api('/api/v1/incidents', {
      method: 'POST',
      body: {
        title: 'Markup from Slack',
        summary: '<@U0LENA> is on it, see <https://status.example/x|the status page> <img src=x onerror=alert(1)>',
        roles: { lead: { slackUserId: 'U0LENA', name: 'Lena Lead' } },
      },
    });
    assert.equal(declared.status, 201);
    const user = new WebClient(running.baseUrl);
    await user.signIn('Rita Reporter');
    const page = await user.get(`/incidents/${declared.body.reference}`);
    assert.match(page.html, /<strong>@Lena Lead<\/strong> is on it/);
    assert.match(page.html, /<a class="govuk-link" href="https:\/\/status\.example\/x" rel="noopener noreferrer">the status page<\/a>/);
    assert.match(page.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(page.html, /<img src=x/);
  });

  ctx.test('the list filters by kind, severity, text and date range, open incidents first', async () => {
    const make = (body: Record<string, unknown>) => running.api('/api/v1/incidents', { method: 'POST', body });
    const live = await make({ title: 'Filter live one', severity: 'critical' });
    const report = await make({ title: 'Filter report one', reportOnly: true, severity: 'trivial' });
    const closed = await make({ title: 'Filter closed one' });
    await running.api(`/api/v1/incidents/${closed.body.id}`, { method: 'PATCH', body: { status: 'closed' } });
    const user = new WebClient(running.baseUrl);
    await user.signIn('Rita Reporter');

    const all = await user.get('/incidents?q=Filter');
    assert.ok(all.html.indexOf('Filter live one') < all.html.indexOf('Filter closed one'), 'open incidents come first');
    const reports = await user.get('/incidents?q=Filter&reportOnly=true');
    assert.match(reports.html, /Filter report one/);
    assert.doesNotMatch(reports.html, /Filter live one/);
    const critical = await user.get('/incidents?q=Filter&severity=critical');
    assert.match(critical.html, /Filter live one/);
    assert.doesNotMatch(critical.html, /Filter report one/);
    const today = String(live.body.startedAt).slice(0, 10);
    const fromToday = await user.get(`/incidents?q=Filter&from=${today}&to=${today}`);
    assert.match(fromToday.html, new RegExp(live.body.reference));
    const before = await user.get('/incidents?q=Filter&to=2000-01-01');
    assert.doesNotMatch(before.html, /Filter live one/);
    const bad = await user.get('/incidents?q=Filter&from=yesterday&severity=critical');
    assert.equal(bad.status, 200, 'a bad date is ignored, not an error');
    assert.doesNotMatch(bad.html, /Filter report one/, 'the other filters still apply');
    assert.ok(report.body.reference);
  });
});
