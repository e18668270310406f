import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

const MINUTE = 60_000;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
/** The page's text, tags dropped and white space collapsed, to read a summary list row as "Key Value". */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;

describeEngines('the RCA page and follow-ups on the site, without JavaScript', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let lead: Actor;
  let web: WebClient;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T10:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock });
    lead = { user: await running.app.users.fromDevSignIn('Lena Lead'), source: 'web' };
    web = new WebClient(running.baseUrl);
    await web.signIn('Lena Lead');
  });
  after(() => running.close());

  async function closedIncident(title: string, options: { private?: boolean } = {}) {
    const incident = await running.app.incidents.declare(lead, { title, summary: 'Card payments <b>fail</b>', impact: 'No payments taken', severity: 'major', private: options.private });
    clock.advance(3 * MINUTE);
    await running.app.incidents.update(lead, incident.id, { roles: { lead: { id: lead.user.id }, scribe: { email: 'sam.scribe@example.com', name: 'Sam Scribe' } } });
    clock.advance(2 * MINUTE);
    await running.app.incidents.update(lead, incident.id, { roles: { scribe: { email: 'tia.takeover@example.com', name: 'Tia Takeover' } } });
    await running.app.timeline.add(lead, incident.id, { kind: 'pinnedMessage', text: 'Gateway returns 502 for every card' });
    await running.app.actions.add(lead, incident.id, { text: 'Fail over to the second gateway' });
    clock.advance(55 * MINUTE);
    await running.app.incidents.update(lead, incident.id, { status: 'closed', closeReason: 'resolved' });
    return incident;
  }

  ctx.test('the page is pre-filled from the incident, linked from it, and refuses the session while open', async () => {
    const open = await running.app.incidents.declare(lead, { title: 'Still going' });
    const openPage = await web.get(`/incidents/${open.reference}/rca`);
    assert.equal(openPage.status, 200);
    assert.match(openPage.html, /This incident is still open/);
    assert.match(textOf(openPage.html), /Time to close Not yet \(still open\)/);
    const refused = await web.post(`/incidents/${open.reference}/rca/session`, {
      _csrf: csrfOf(openPage.html), version: '0', 'heldOn-day': '3', 'heldOn-month': '5', 'heldOn-year': '2024', [`attendee-${lead.user.id}`]: 'yes',
    });
    assert.equal(refused.status, 409);
    assert.match(refused.html, /still open: close it first/);
    assert.equal(await running.app.store.rcas.find(open.id), null);

    const incident = await closedIncident('Payments down');
    const show = await web.get(`/incidents/${incident.reference}`);
    assert.match(show.html, new RegExp(`href="/incidents/${incident.reference}/rca"`));
    const page = await web.get(`/incidents/${incident.reference}/rca`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Card payments &lt;b&gt;fail&lt;\/b&gt;/);
    assert.match(page.html, /No payments taken/);
    assert.match(page.html, /Major/);
    assert.match(textOf(page.html), /Time to incident lead 3 min/);
    assert.match(textOf(page.html), /Time to first stakeholder update None/);
    assert.match(textOf(page.html), /Time to close 1 h/);
    assert.match(page.html, /Hand-overs[\s\S]*Sam Scribe/);
    assert.match(page.html, /Tia Takeover/);
    assert.match(page.html, /Gateway returns 502 for every card/);
    assert.match(page.html, /Fail over to the second gateway/);
    assert.match(page.html, new RegExp(`href="/incidents/${incident.reference}/rca/publish"`));
    assert.match(page.html, new RegExp(`href="/incidents/${incident.reference}/rca/print"`));
    assert.match(page.html, /Not started/);
  });

  ctx.test('session, outcome, complete and back to draft through the forms; a stale form is a 409 that keeps what was typed', async () => {
    const incident = await closedIncident('Forms');
    const base = `/incidents/${incident.reference}/rca`;
    let page = await web.get(base);
    const badDate = await web.post(`${base}/session`, { _csrf: csrfOf(page.html), version: '0', 'heldOn-day': '31', 'heldOn-month': '2', 'heldOn-year': '2024' });
    assert.equal(badDate.status, 400);
    assert.match(badDate.html, /The session date must be a real date/);
    assert.match(badDate.html, /href="#heldOn-day"/);

    const saved = await web.post(`${base}/session`, {
      _csrf: csrfOf(page.html), version: '0', 'heldOn-day': '3', 'heldOn-month': '5', 'heldOn-year': '2024',
      [`attendee-${lead.user.id}`]: 'yes', attendeeEmails: 'ola.outsider@example.com, pia.peer@example.com',
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `${base}#session`);
    page = await web.get(base);
    assert.match(page.html, /3 May 2024/);
    assert.match(page.html, /Lena Lead, ola.outsider, pia.peer/);
    assert.match(page.html, /Draft/);
    assert.equal(versionOf(page.html), '1');

    // Two people open the page at version 1; the first saves, the second's form is stale.
    const first = await web.post(`${base}/outcome`, { _csrf: csrfOf(page.html), version: '1', rootCause: 'Expired TLS certificate', contributingFactors: 'No expiry alert', wentWell: 'Fast failover', wentBadly: '' });
    assert.equal(first.status, 303);
    const stale = await web.post(`${base}/outcome`, { _csrf: csrfOf(page.html), version: '1', rootCause: 'A different idea', contributingFactors: '', wentWell: '', wentBadly: 'Slow paging' });
    assert.equal(stale.status, 409);
    assert.match(stale.html, /Someone else saved this RCA/);
    assert.match(stale.html, /id="saved-version"[\s\S]*Expired TLS certificate/);
    assert.match(stale.html, /<textarea[^>]*id="rootCause"[^>]*>A different idea<\/textarea>/);
    assert.match(stale.html, /<textarea[^>]*id="wentBadly"[^>]*>Slow paging<\/textarea>/);
    assert.equal((await running.app.store.rcas.find(incident.id))?.rootCause, 'Expired TLS certificate');

    page = await web.get(base);
    assert.equal(versionOf(page.html), '2');
    const complete = await web.post(`${base}/status`, { _csrf: csrfOf(page.html), status: 'complete', version: '2' });
    assert.equal(complete.status, 303);
    page = await web.get(base);
    assert.match(page.html, /Complete/);
    assert.match(page.html, /Back to draft/);
    const draft = await web.post(`${base}/status`, { _csrf: csrfOf(page.html), status: 'draft', version: '3' });
    assert.equal(draft.status, 303);
    assert.equal((await running.app.store.rcas.find(incident.id))?.status, 'draft');
    const crafted = await web.post(`${base}/status`, { _csrf: csrfOf(page.html), status: 'finished', version: '4' });
    assert.equal(crafted.status, 400);
    const forged = await web.post(`${base}/outcome`, { version: '4', rootCause: 'forged' });
    assert.equal(forged.status, 403);

    const lines = (await running.app.timeline.list(incident.id)).map((e) => e.text);
    assert.ok(lines.includes('RCA session recorded: 2024-05-03, with Lena Lead, ola.outsider, pia.peer'), lines.join('\n'));
    assert.ok(lines.includes('RCA marked complete'));
  });

  ctx.test('follow-ups: add, change, done and reopen on the RCA page; /follow-ups lists open ones, overdue marked, soonest first', async () => {
    const incident = await closedIncident('Follow-ups');
    const base = `/incidents/${incident.reference}/rca`;
    let page = await web.get(base);
    const formKey = /name="formKey" value="([^"]+)"/.exec(page.html)![1]!;
    const noOwner = await web.post(`${base}/follow-ups`, { _csrf: csrfOf(page.html), formKey, text: 'Add an expiry alert', owner: '', 'followUp-dueOn-day': '1', 'followUp-dueOn-month': '6', 'followUp-dueOn-year': '2024' });
    assert.equal(noOwner.status, 400);
    assert.match(noOwner.html, /A follow-up needs an owner/);
    assert.match(noOwner.html, /value="Add an expiry alert"/);

    const fields = { _csrf: csrfOf(page.html), formKey, text: 'Add an expiry alert', owner: lead.user.id, 'followUp-dueOn-day': '1', 'followUp-dueOn-month': '6', 'followUp-dueOn-year': '2024' };
    assert.equal((await web.post(`${base}/follow-ups`, fields)).status, 303);
    // A double submit (same form key) adds it once.
    assert.equal((await web.post(`${base}/follow-ups`, fields)).status, 303);
    page = await web.get(base);
    await web.post(`${base}/follow-ups`, {
      _csrf: csrfOf(page.html), formKey: /name="formKey" value="([^"]+)"/.exec(page.html)![1]!, text: 'Rotate certificates automatically', ownerEmail: 'olga.owner@example.com',
      'followUp-dueOn-day': '20', 'followUp-dueOn-month': '4', 'followUp-dueOn-year': '2024',
    });
    const report = await running.app.rca.report(incident.id);
    const followUps = [...report.followUps].sort((a, b) => a.text.localeCompare(b.text));
    assert.deepEqual(followUps.map((f) => [f.text, f.owner?.email, f.dueOn]), [
      ['Add an expiry alert', lead.user.email, '2024-06-01'],
      ['Rotate certificates automatically', 'olga.owner@example.com', '2024-04-20'],
    ]);
    const [alert, rotate] = followUps;

    let list = await web.get('/follow-ups');
    assert.equal(list.status, 200);
    assert.match(list.html, /href="\/follow-ups" aria-current="true"/, 'the navigation links to it, and marks it current');
    const order = [list.html.indexOf('Rotate certificates automatically'), list.html.indexOf('Add an expiry alert')];
    assert.ok(order[0]! > 0 && order[0]! < order[1]!, 'soonest due first');
    assert.match(list.html, new RegExp(`id="follow-up-${rotate!.id}"[\\s\\S]*?Overdue[\\s\\S]*?</tr>`));
    assert.doesNotMatch(list.html, new RegExp(`id="follow-up-${alert!.id}"[^]*?Overdue[^]*?</tr>`));

    const edit = await web.get(`${base}/follow-ups/${rotate!.id}/edit`);
    assert.equal(edit.status, 200);
    const changed = await web.post(`${base}/follow-ups/${rotate!.id}/edit`, {
      _csrf: csrfOf(edit.html), text: 'Rotate certificates automatically, every 60 days', owner: lead.user.id, ownerEmail: '',
      'followUp-dueOn-day': '10', 'followUp-dueOn-month': '7', 'followUp-dueOn-year': '2024',
    });
    assert.equal(changed.status, 303);
    const afterEdit = await running.app.followUps.find(incident.id, rotate!.id);
    assert.equal(afterEdit.dueOn, '2024-07-10');
    assert.equal(afterEdit.owner?.id, lead.user.id);

    page = await web.get(base);
    assert.equal((await web.post(`${base}/follow-ups/${alert!.id}/done`, { _csrf: csrfOf(page.html), done: 'yes' })).status, 303);
    list = await web.get('/follow-ups');
    assert.doesNotMatch(list.html, /Add an expiry alert/);
    assert.match(list.html, /every 60 days/);
    assert.equal((await web.post(`${base}/follow-ups/${alert!.id}/done`, { _csrf: csrfOf(page.html), done: 'no' })).status, 303);
    list = await web.get('/follow-ups');
    assert.match(list.html, /Add an expiry alert/);
    const missing = await web.post(`${base}/follow-ups/nope/done`, { _csrf: csrfOf(page.html), done: 'yes' });
    assert.equal(missing.status, 404);
  });

  ctx.test('a private incident: its RCA page, forms and follow-ups are not there for outsiders', async () => {
    const secret = await closedIncident('Secret breach', { private: true });
    await running.app.followUps.add(lead, secret.id, { text: 'Secret follow-up', owner: { id: lead.user.id }, dueOn: '2024-06-01' });
    const outsider = new WebClient(running.baseUrl);
    await outsider.signIn('Olly Outsider');
    const page = await outsider.get(`/incidents/${secret.reference}/rca`);
    assert.equal(page.status, 404);
    assert.doesNotMatch(page.html, /Secret breach/);
    const csrf = await outsider.csrf('/follow-ups').catch(async () => csrfOf((await outsider.get('/incidents')).html));
    const post = await outsider.post(`/incidents/${secret.reference}/rca/outcome`, { _csrf: csrf, version: '0', rootCause: 'x' });
    assert.equal(post.status, 404);
    assert.equal(await running.app.store.rcas.find(secret.id), null);
    const list = await outsider.get('/follow-ups');
    assert.doesNotMatch(list.html, /Secret follow-up/);
    const mine = await web.get('/follow-ups');
    assert.match(mine.html, /Secret follow-up/);
    assert.equal((await web.get(`/incidents/${secret.reference}/rca`)).status, 200);
  });
});
