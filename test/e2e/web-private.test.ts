import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

describeEngines('private incidents on the site', (ctx) => {
  let running: RunningApp;
  let reference: string;
  before(async () => {
    running = await startApp(ctx.databaseUrl, { ADMIN_EMAILS: 'ada.admin@dev-sign-in.invalid' });
    const reporter = new WebClient(running.baseUrl);
    await reporter.signIn('Rita Reporter');
    const csrf = await reporter.csrf('/incidents/new');
    const declared = await reporter.post('/incidents', { _csrf: csrf, kind: 'live', title: 'Payroll data exposed zebra', private: 'yes' });
    reference = declared.location!.split('/').pop()!;
  });
  after(() => running.close());

  ctx.test('its people see it in the list, the search and its page', async () => {
    const reporter = new WebClient(running.baseUrl);
    await reporter.signIn('Rita Reporter');
    assert.match((await reporter.get('/incidents')).html, /Payroll data exposed zebra/);
    assert.match((await reporter.get('/incidents?q=zebra')).html, /Payroll data exposed zebra/);
    assert.equal((await reporter.get(`/incidents/${reference}`)).status, 200);
  });

  ctx.test('anyone else finds no trace: not in the list or search, and a direct link is 404', async () => {
    const other = new WebClient(running.baseUrl);
    await other.signIn('Olly Outsider');
    assert.doesNotMatch((await other.get('/incidents')).html, /Payroll data exposed/);
    assert.doesNotMatch((await other.get('/incidents?q=zebra')).html, /Payroll data exposed/);
    const direct = await other.get(`/incidents/${reference}`);
    assert.equal(direct.status, 404);
    assert.doesNotMatch(direct.html, /Payroll/);
    assert.equal((await other.get(`/incidents/${reference}/edit`)).status, 404);
    const csrf = await other.csrf('/incidents/new');
    const write = await other.post(`/incidents/${reference}/timeline`, { _csrf: csrf, text: 'sneaky', kind: 'note' });
    assert.equal(write.status, 404);
    const timeline = await running.app.timeline.list(reference);
    assert.ok(!timeline.some((e) => e.text === 'sneaky'), 'nothing written');
  });

  ctx.test('giving someone a role lets them see it; admins always do', async () => {
    const incident = await running.app.incidents.get(reference);
    const scribe = new WebClient(running.baseUrl);
    await scribe.signIn('Sam Scribe');
    assert.equal((await scribe.get(`/incidents/${reference}`)).status, 404);
    await running.app.incidents.update({ user: incident.reporter, source: 'web' }, reference, {
      roles: { scribe: { email: 'sam.scribe@dev-sign-in.invalid', name: 'Sam Scribe' } },
    });
    assert.equal((await scribe.get(`/incidents/${reference}`)).status, 200);

    const admin = new WebClient(running.baseUrl);
    await admin.signIn('Ada Admin');
    assert.equal((await admin.get(`/incidents/${reference}`)).status, 200);
    assert.match((await admin.get('/incidents')).html, /Payroll data exposed zebra/);
  });

  ctx.test('live updates of a private incident reach only its people', async () => {
    const outsider = new WebClient(running.baseUrl);
    await outsider.signIn('Olly Outsider');
    const stream = await fetch(`${running.baseUrl}/incidents/events`, { headers: { cookie: outsider.cookieHeader() } });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    const incident = await running.app.incidents.get(reference);
    await running.app.incidents.update({ user: incident.reporter, source: 'web' }, reference, { summary: 'secret change' });
    // A public change after it: when it arrives, the private one would have arrived first.
    const pub = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Public marker' } });
    let received = '';
    const decoder = new TextDecoder();
    while (!received.includes(pub.body.reference)) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    await reader.cancel();
    assert.match(received, new RegExp(pub.body.reference));
    assert.doesNotMatch(received, new RegExp(`"${reference}"`));
  });
});
