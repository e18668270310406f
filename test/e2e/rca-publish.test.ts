import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { startFakeConfluence, type FakeConfluence } from '../support/fake-confluence.js';
import { deliveredTo, type FakeSlackCall } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { WebClient } from '../support/web-client.js';

// Made up, shaped like the real thing.
const TOKEN = 'xoxb-2222222222-3333333333-PlantedInTheTimeline';
const PUBLISHER = 'Pat Publisher';

const formKey = () => `key-${crypto.randomUUID()}`;

// The RCA leaves the site: to Confluence (a fake speaking REST API v1), to Slack (the fake Web
// API), and as downloads; always masked, always once per press.
describeEngines('RCA publishing: Confluence, the Slack summary and the downloads, masked', (ctx) => {
  let confluence: FakeConfluence;
  let slack: SlackHarness;
  let pat: Actor;
  let web: WebClient;
  let reviewsChannel: string;

  before(async () => {
    confluence = await startFakeConfluence({ spaces: ['OPS'], parents: ['1000'] });
    slack = await startSlackApp(ctx.databaseUrl, {
      env: {
        CONFLUENCE_URL: confluence.url,
        CONFLUENCE_SPACE_KEY: 'OPS',
        CONFLUENCE_PARENT_PAGE_ID: '1000',
        CONFLUENCE_EMAIL: confluence.email,
        CONFLUENCE_API_TOKEN: confluence.apiToken,
        RCA_SHARE_CHANNELS: '#incident-reviews, C0SUPPLIER',
        REDACT_PATTERNS: 'ACME-\\d{6}',
      },
    });
    reviewsChannel = slack.fake.addChannel({ name: 'incident-reviews' }).id;
    pat = { user: await slack.app.users.fromDevSignIn(PUBLISHER), source: 'web' };
    web = new WebClient(slack.baseUrl);
    await web.signIn(PUBLISHER);
  });
  after(async () => {
    await slack.close();
    await confluence.close();
  });

  /** A closed incident with an RCA, a secret planted in its timeline and a configured pattern in its root cause. */
  async function closedIncidentWithRca(title: string, options: { private?: boolean } = {}): Promise<Incident> {
    const incident = await slack.app.incidents.declare(pat, { title, summary: 'Card payments failed', private: options.private ?? false });
    await slack.app.timeline.add(pat, incident.id, { kind: 'note', text: `Deployed with SLACK_TOKEN=${TOKEN} by mistake` });
    await slack.app.incidents.update(pat, incident.id, { status: 'closed', closeReason: 'resolved' });
    await slack.app.rca.recordOutcome(pat, incident.id, { rootCause: 'Ticket ACME-123456 expired the certificate', contributingFactors: null, wentWell: 'Quick rollback', wentBadly: null });
    await slack.app.followUps.add(pat, incident.id, { text: 'Alert on certificate expiry', owner: { name: 'Bob Builder', email: 'bob@example.com' }, dueOn: '2031-01-31' });
    await slack.app.worker.idle();
    return (await slack.app.incidents.get(incident.id))!;
  }

  async function press(incident: Incident, what: 'confluence' | 'share', fields: Record<string, string> = {}, key = formKey()) {
    const page = `/incidents/${incident.reference}/rca/publish`;
    const csrf = await web.csrf(page);
    return web.post(`${page}/${what}`, { _csrf: csrf, formKey: key, ...fields });
  }

  const published = (incident: Incident) => slack.app.store.rcaPublications.find(incident.id as IncidentId, 'confluence');
  const pageTitle = (incident: Incident) => `RCA ${incident.reference}: ${incident.title}`;
  const pagesTitled = (title: string) => [...confluence.pages.values()].filter((p) => p.title === title);

  ctx.test('the publish page shows the masked preview and what was masked (never the secret), and the buttons', async () => {
    const incident = await closedIncidentWithRca('Checkout outage');
    const page = await web.get(`/incidents/${incident.reference}/rca/publish`);
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes(TOKEN), 'the token is not on the page');
    assert.ok(!page.html.includes('ACME-123456'), 'nor the configured pattern');
    assert.match(page.html, /What was masked/);
    assert.match(page.html, /Slack token<\/td>\s*<td class="govuk-table__cell"><code>xoxb-…<\/code><\/td>\s*<td class="govuk-table__cell">Timeline, /);
    assert.match(page.html, /Configured pattern<\/td>\s*<td class="govuk-table__cell"><code>pattern 1<\/code><\/td>\s*<td class="govuk-table__cell">Root cause/);
    assert.match(page.html, /Deployed with SLACK_TOKEN=\[masked: Slack token\] by mistake/);
    assert.match(page.html, />\s*Publish to Confluence\s*</);
    assert.match(page.html, />\s*Share summary to Slack\s*</);
    assert.match(page.html, /#incident-reviews, C0SUPPLIER/);
    assert.match(page.html, /href="\/incidents\/INC-\d+\/rca\/print"/);
  });

  ctx.test('publish creates one page in the space under the parent, masked; the link reaches the timeline and the page; re-publish updates it with version + 1', async () => {
    const incident = await closedIncidentWithRca('Payments outage');
    const key = formKey();
    const first = await press(incident, 'confluence', {}, key);
    assert.equal(first.status, 303);
    assert.equal(first.location, `/incidents/${incident.reference}/rca/publish?done=confluence#confluence`);
    const stored = await eventually('the page to be published', async () => ((await published(incident))?.status === 'published' ? published(incident) : undefined));
    const [page] = pagesTitled(pageTitle(incident));
    assert.ok(page, 'a page with the RCA title');
    assert.equal(pagesTitled(pageTitle(incident)).length, 1);
    assert.equal(page.spaceKey, 'OPS');
    assert.equal(page.parentId, '1000');
    assert.equal(page.version, 1);
    assert.match(page.body, /Deployed with SLACK_TOKEN=\[masked: Slack token\] by mistake/);
    assert.match(page.body, /<h2>Root cause<\/h2><p>Ticket \[masked: configured pattern\] expired the certificate<\/p>/);
    assert.match(page.body, /<td>Alert on certificate expiry<\/td><td>Bob Builder<\/td><td>2031-01-31<\/td>/);
    assert.ok(!page.body.includes(TOKEN));
    const create = confluence.requests.find((r) => r.method === 'POST' && JSON.stringify(r.body).includes(pageTitle(incident)));
    assert.deepEqual((create?.body as { ancestors: unknown }).ancestors, [{ id: '1000' }]);
    assert.equal(stored?.externalId, page.id);
    assert.equal(stored?.url, `${confluence.url}/spaces/OPS/pages/${page.id}`);

    const timeline = await slack.app.timeline.list(incident.id);
    assert.ok(timeline.some((e) => e.text === `RCA published to Confluence: ${stored?.url}`), 'the link is on the timeline');
    const shown = await web.get(`/incidents/${incident.reference}/rca/publish`);
    assert.ok(shown.html.includes(`href="${stored?.url}"`), 'the page links to it');
    assert.match(shown.html, />\s*Update the Confluence page\s*</);
    assert.match(shown.html, />\s*Published\s*</);

    // The same form again (a double submit) publishes nothing more.
    const repeat = await press(incident, 'confluence', {}, key);
    assert.equal(repeat.status, 303);
    await slack.app.worker.idle();
    assert.equal(confluence.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/${page.id}`)).length, 0);

    // Someone edits the page in Confluence; publishing again reads its version and writes the next.
    confluence.editPage(page.id, '<p>edited by hand</p>');
    await slack.app.rca.recordOutcome(pat, incident.id, { rootCause: 'An expired certificate', contributingFactors: null, wentWell: 'Quick rollback', wentBadly: null });
    assert.equal((await press(incident, 'confluence')).status, 303);
    await eventually('the page to be updated', () => (confluence.pages.get(page.id)?.version === 3 ? true : undefined));
    assert.equal(pagesTitled(pageTitle(incident)).length, 1, 'still one page');
    assert.match(confluence.pages.get(page.id)!.body, /<p>An expired certificate<\/p>/);
    const put = confluence.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/${page.id}`));
    assert.deepEqual(put.map((r) => [r.status, (r.body as { version: { number: number } }).version.number]), [[200, 3]]);
    await eventually('the update on the timeline', async () =>
      (await slack.app.timeline.list(incident.id)).some((e) => e.text === `RCA updated on Confluence: ${stored?.url}`) ? true : undefined,
    );
  });

  ctx.test('a 500 from Confluence is retried and there is still one page', async () => {
    const incident = await closedIncidentWithRca('Search outage');
    const before = confluence.requests.length;
    confluence.failNext(1, 500);
    assert.equal((await press(incident, 'confluence')).status, 303);
    const stored = await eventually('published after the retry', async () => ((await published(incident))?.status === 'published' ? published(incident) : undefined), 15_000);
    const mine = confluence.requests.slice(before);
    assert.equal(mine[0]?.status, 500, 'the first request failed');
    assert.equal(pagesTitled(pageTitle(incident)).length, 1);
    assert.equal(mine.filter((r) => r.method === 'POST').length, 1, 'created once');
    assert.equal(stored?.lastError, null, 'the error is cleared once it worked');
  });

  ctx.test('a job retried after a crash between creating the page and storing its id finds the page instead of making another', async () => {
    const incident = await closedIncidentWithRca('Login outage');
    // The page an earlier run created before the process died: its id was never stored.
    const orphan = confluence.addPage({ title: pageTitle(incident), spaceKey: 'OPS', parentId: '1000', body: '<p>half way</p>' });
    const before = confluence.requests.length;
    assert.equal((await press(incident, 'confluence')).status, 303);
    const stored = await eventually('published', async () => ((await published(incident))?.status === 'published' ? published(incident) : undefined));
    assert.equal(stored?.externalId, orphan.id);
    assert.equal(orphan.version, 2);
    assert.equal(pagesTitled(pageTitle(incident)).length, 1);
    const mine = confluence.requests.slice(before);
    assert.equal(mine.filter((r) => r.method === 'POST').length, 0, 'nothing created');
    assert.ok(mine.some((r) => r.method === 'GET' && r.query.title === pageTitle(incident) && r.query.spaceKey === 'OPS'), 'searched by title in the space');
  });

  ctx.test('share posts the masked summary to each configured channel once per press', async () => {
    const incident = await closedIncidentWithRca('Upload outage');
    const shared = (c: FakeSlackCall) => deliveredTo('chat.postMessage')(c) && JSON.stringify(c.params).includes(`RCA: ${incident.reference} Upload outage`);
    const key = formKey();
    assert.equal((await press(incident, 'share', {}, key)).status, 303);
    assert.equal((await press(incident, 'share', {}, key)).status, 303, 'a double submit lands on the page too');
    const calls = await slack.fake.waitFor(shared, 2);
    await slack.app.worker.idle();
    const all = slack.fake.calls.filter(shared);
    assert.equal(all.length, 2, 'once per channel, not twice');
    assert.deepEqual(all.map((c) => c.params.channel).sort(), ['C0SUPPLIER', 'incident-reviews']);
    assert.ok(slack.fake.messagesIn(reviewsChannel).some((m) => JSON.stringify(m.blocks).includes('Upload outage')), 'posted in #incident-reviews');
    const text = JSON.stringify(calls.map((c) => c.params));
    assert.ok(!text.includes(TOKEN));
    assert.ok(text.includes('Ticket [masked: configured pattern] expired the certificate'));
    assert.ok(text.includes('Alert on certificate expiry — Bob Builder, due 2031-01-31'));
    assert.ok(text.includes(`https://incidents.example.org/incidents/${incident.reference}/rca`));
    const timeline = await slack.app.timeline.list(incident.id);
    assert.ok(timeline.some((e) => e.text === 'RCA summary shared to Slack: #incident-reviews, C0SUPPLIER'));
  });

  ctx.test('a private incident is published to Confluence only with "publish anyway", which the timeline and audit trail record', async () => {
    const incident = await closedIncidentWithRca('Payroll ledger', { private: true });
    const refused = await press(incident, 'confluence');
    assert.equal(refused.status, 400);
    assert.match(refused.html, /is private: tick &quot;publish anyway&quot;/);
    assert.match(refused.html, /href="#publish-anyway"/);
    await slack.app.worker.idle();
    assert.equal(pagesTitled(pageTitle(incident)).length, 0, 'no page');
    assert.equal(await published(incident), null, 'nothing requested');

    assert.equal((await press(incident, 'confluence', { publishAnyway: 'yes' })).status, 303);
    await eventually('the page to be created', () => (pagesTitled(pageTitle(incident)).length === 1 ? true : undefined));
    const audit = await slack.app.store.audit.listForIncident(incident.id as IncidentId);
    assert.equal(audit.find((r) => r.type === 'rca.publish_requested')?.data.privateOverride, true);
    const timeline = await slack.app.timeline.list(incident.id);
    assert.ok(timeline.some((e) => e.text === 'RCA to be published to Confluence although the incident is private'));
  });

  ctx.test('a private incident is shared only with "share anyway", which the audit trail records', async () => {
    const incident = await closedIncidentWithRca('Payroll leak', { private: true });
    const refused = await press(incident, 'share');
    assert.equal(refused.status, 400);
    assert.match(refused.html, /is private: tick &quot;share anyway&quot;/);
    assert.match(refused.html, /href="#share-anyway"/);
    await slack.app.worker.idle();
    assert.equal(slack.fake.calls.filter((c) => JSON.stringify(c.params).includes('Payroll leak')).length, 0, 'nothing posted');

    assert.equal((await press(incident, 'share', { shareAnyway: 'yes' })).status, 303);
    await slack.fake.waitFor((c) => deliveredTo('chat.postMessage')(c) && JSON.stringify(c.params).includes('RCA: ' + incident.reference), 2);
    const audit = await slack.app.store.audit.listForIncident(incident.id as IncidentId);
    const record = audit.find((r) => r.type === 'rca.shared');
    assert.equal(record?.data.privateOverride, true);
    assert.equal(record?.actor.name, PUBLISHER);

    // Someone outside the incident finds neither page.
    const outsider = new WebClient(slack.baseUrl);
    await outsider.signIn('Olly Outsider');
    assert.equal((await outsider.get(`/incidents/${incident.reference}/rca/publish`)).status, 404);
    assert.equal((await outsider.get(`/incidents/${incident.reference}/rca/print`)).status, 404);
    assert.equal((await outsider.get(`/incidents/${incident.reference}/rca/publish/record.json`)).status, 404);
  });

  ctx.test('the downloads are masked: the RCA and the whole record in Markdown, the JSON with what was masked', async () => {
    const incident = await closedIncidentWithRca('Email outage');
    const base = `/incidents/${incident.reference}/rca/publish`;
    const rcaMarkdown = await web.get(`${base}/rca.md`);
    assert.equal(rcaMarkdown.status, 200);
    assert.match(rcaMarkdown.html, /^# RCA INC-\d+: Email outage/);
    assert.match(rcaMarkdown.html, /Deployed with SLACK_TOKEN=\[masked: Slack token\] by mistake/);
    const recordMarkdown = await web.get(`${base}/record.md`);
    assert.equal(recordMarkdown.status, 200);
    assert.match(recordMarkdown.html, /SLACK_TOKEN=\[masked: Slack token\]/);
    const json = await web.get(`${base}/record.json`);
    assert.equal(json.status, 200);
    const doc = JSON.parse(json.html) as { format: string; redactions: { kind: string; hint: string; field: string }[] };
    assert.equal(doc.format, 'incident-response/v1');
    assert.ok(doc.redactions.some((r) => r.kind === 'slack_token' && r.hint === 'xoxb-…' && r.field.startsWith('timeline ')));
    for (const body of [rcaMarkdown.html, recordMarkdown.html, json.html]) assert.ok(!body.includes(TOKEN), 'no download carries the token');
    // Signed out: sign in first.
    const anonymous = new WebClient(slack.baseUrl);
    assert.equal((await anonymous.get(`${base}/record.json`)).status, 303);
  });
});
