import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

const base = {
  title: 'Card payments are slow',
  status: 'investigating',
  message: 'Some card payments take longer than usual.',
  components: [{ name: 'Payments', state: 'degraded_performance' }],
  notifySubscribers: true,
  publishPrivate: false,
};

async function get(running: RunningApp, path: string) {
  const response = await fetch(`${running.baseUrl}${path}`, { redirect: 'manual' });
  return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, text: await response.text() };
}

// The public status page over real HTTP, signed out: only what was published, in HTML, Atom and JSON.
describeEngines('public status page: /status, its feed and its JSON', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let actor: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, { STATUS_COMPONENTS: 'Use an LPA,Make an LPA,Payments' }, { clock });
    actor = { user: await running.app.users.fromDevSignIn('Cora Comms'), source: 'web' };
    // Never published, public and private: neither may show anywhere.
    await running.app.incidents.declare(actor, { title: 'Unpublished zebra outage', summary: 'zebra internals' });
    await running.app.incidents.declare(actor, { title: 'Secret okapi breach', private: true });
    // Published twice (internal title differs from the public one), then another one resolved.
    const live = await running.app.incidents.declare(actor, { title: 'pg-7 failover wombat' });
    await running.app.statusPage.publish(actor, live.id, base);
    clock.advance(15 * 60_000);
    await running.app.statusPage.publish(actor, live.id, { ...base, status: 'identified', message: 'Cause found <b>bold</b> & fixed?', components: [{ name: 'Payments', state: 'partial_outage' }] });
    const old = await running.app.incidents.declare(actor, { title: 'Old internal koala' });
    clock.advance(5 * 60_000);
    await running.app.statusPage.publish(actor, old.id, { ...base, title: 'Making an LPA was unavailable', message: 'Down.', components: [{ name: 'Make an LPA', state: 'major_outage' }] });
    clock.advance(5 * 60_000);
    await running.app.statusPage.publish(actor, old.id, { ...base, title: 'Making an LPA was unavailable', status: 'resolved', message: 'All working again.', components: [{ name: 'Make an LPA', state: 'operational' }] });
  });
  after(() => running.close());

  const secrets = [/zebra/i, /okapi/i, /wombat/i, /koala/i, /Cora Comms/, /INC-\d/];

  ctx.test('/status needs no sign-in and shows components, current incidents with updates newest first, and history', async () => {
    const page = await get(running, '/status');
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = page.text;
    assert.match(html, /<h1 class="govuk-heading-l">Service status<\/h1>/);
    assert.match(html, /Use an LPA<\/th>\s*<td class="govuk-table__cell">\s*<strong class="govuk-tag govuk-tag--green">\s*Operational/);
    assert.match(html, /Payments<\/th>\s*<td class="govuk-table__cell">\s*<strong class="govuk-tag govuk-tag--orange">\s*Partial outage/);
    const current = html.slice(html.indexOf('Current incidents'), html.indexOf('Past incidents'));
    const history = html.slice(html.indexOf('Past incidents'));
    assert.match(current, /Card payments are slow/);
    assert.ok(current.indexOf('Cause found') < current.indexOf('Some card payments take longer'), 'newest update first');
    assert.match(current, /Cause found &lt;b&gt;bold&lt;\/b&gt; &amp; fixed\?/);
    assert.doesNotMatch(current, /Making an LPA was unavailable/);
    assert.match(history, /Making an LPA was unavailable/);
    assert.match(history, /All working again\./);
    for (const secret of secrets) assert.doesNotMatch(html, secret);
    assert.doesNotMatch(html, /Sign out|set-cookie/i);
    assert.equal(page.headers.get('set-cookie'), null, 'no session or CSRF cookie for the public');
  });

  ctx.test('/status.json has the same content and nothing unpublished', async () => {
    const response = await get(running, '/status.json');
    assert.equal(response.status, 200);
    assert.match(response.type, /^application\/json/);
    const body = JSON.parse(response.text);
    assert.deepEqual(body.components, [
      { name: 'Use an LPA', state: 'operational' },
      { name: 'Make an LPA', state: 'operational' },
      { name: 'Payments', state: 'partial_outage' },
    ]);
    assert.deepEqual(body.incidents.map((i: { title: string }) => i.title), ['Card payments are slow']);
    assert.deepEqual(body.incidents[0].updates.map((u: { status: string; message: string }) => [u.status, u.message]), [
      ['identified', 'Cause found <b>bold</b> & fixed?'],
      ['investigating', 'Some card payments take longer than usual.'],
    ]);
    assert.deepEqual(body.history.map((i: { title: string; status: string }) => [i.title, i.status]), [['Making an LPA was unavailable', 'resolved']]);
    assert.equal(body.page.updatedAt, clock.now().toISOString());
    for (const secret of secrets) assert.doesNotMatch(response.text, secret);
  });

  ctx.test('/status/feed.atom is an Atom 1.0 feed with an entry per update, newest first', async () => {
    const response = await get(running, '/status/feed.atom');
    assert.equal(response.status, 200);
    assert.match(response.type, /^application\/atom\+xml/);
    const xml = response.text;
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    const head = xml.slice(0, xml.indexOf('<entry>'));
    assert.match(head, /<id>http:\/\/[^<]+\/status<\/id>/);
    assert.match(head, /<title>Service status<\/title>/);
    assert.match(head, new RegExp(`<updated>${clock.now().toISOString()}</updated>`));
    assert.match(head, /<author><name>Service status<\/name><\/author>/);
    const entries = xml.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
    assert.equal(entries.length, 4);
    for (const entry of entries) {
      assert.match(entry, /<id>[^<]+#update-[^<]+<\/id>/);
      assert.match(entry, /<title>[^<]+<\/title>/);
      assert.match(entry, /<updated>\d{4}-\d\d-\d\dT[\d:.]+Z<\/updated>/);
    }
    assert.deepEqual(entries.map((e) => /<title>([^<]+)<\/title>/.exec(e)![1]), [
      'Making an LPA was unavailable: Resolved',
      'Making an LPA was unavailable: Investigating',
      'Card payments are slow: Identified',
      'Card payments are slow: Investigating',
    ]);
    assert.match(entries[2]!, /Cause found &lt;b&gt;bold&lt;\/b&gt; &amp; fixed\?/);
    assert.equal(new Set(entries.map((e) => /<id>([^<]+)<\/id>/.exec(e)![1])).size, 4, 'entry ids are unique');
    for (const secret of secrets) assert.doesNotMatch(xml, secret);
  });

  ctx.test('the rest of the site still needs sign-in', async () => {
    for (const path of ['/incidents', '/incidents/new', '/status-admin', '/statusx']) {
      const response = await get(running, path);
      assert.notEqual(response.status, 200, `${path} is not public`);
    }
    const list = await get(running, '/incidents');
    assert.equal(list.status, 303);
  });
});
