import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines } from '../support/engines.js';
import { startFakeStatusPage, type FakeStatusPage } from '../support/fake-statuspage.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { viewSubmission } from '../support/slack-requests.js';
import { callText, declareWithChannel } from '../support/slack-scenario.js';

// Made up, shaped like the real thing.
const GITHUB_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const SLACK_TOKEN = 'xoxb-4444444444-5555555555-PlantedForTheExport';
const CORA = 'W0CORA';

// Likely secrets never leave the site: not to the status pages (built-in and Atlassian), not in exports.
describeEngines('redaction before anything leaves the site: the status page and the API export', (ctx) => {
  let slack: SlackHarness;
  let statusPage: FakeStatusPage;
  let apiToken: string;

  before(async () => {
    statusPage = await startFakeStatusPage();
    slack = await startSlackApp(ctx.databaseUrl, {
      env: {
        STATUS_COMPONENTS: 'Payments',
        ATLASSIAN_STATUSPAGE_API_KEY: statusPage.apiKey,
        ATLASSIAN_STATUSPAGE_PAGE_ID: statusPage.pageId,
        ATLASSIAN_STATUSPAGE_API_URL: statusPage.url,
        REDACT_PATTERNS: '/internal-host-\\d+/i',
      },
    });
    slack.fake.addUser({ id: CORA, name: 'Cora Comms' });
    apiToken = (await slack.app.tokens.create('export-test')).secret;
  });
  after(async () => {
    await slack.close();
    await statusPage.close();
  });

  ctx.test('the status page masks a secret typed in the modal, and the channel confirmation tells the publisher', async () => {
    const inc = await declareWithChannel(slack, { title: 'Card payments failing', reporter: CORA });
    const submitted = await slack.send(
      viewSubmission({
        callbackId: 'statuspage.publish',
        userId: CORA,
        viewId: 'V0MASKED1',
        privateMetadata: JSON.stringify({ incidentId: inc.id }),
        values: {
          title: { title: { type: 'plain_text_input', value: 'Payments are failing on INTERNAL-HOST-42' } },
          public_status: { public_status: { type: 'static_select', selected_option: { value: 'investigating' } } },
          message: { message: { type: 'plain_text_input', value: `We are investigating. Debug with token ${GITHUB_TOKEN} on https://ops:hunter22@admin.example.com` } },
          notify_subscribers: { notify_subscribers: { type: 'checkboxes', selected_options: [] } },
        },
      }),
    );
    assert.equal(submitted.status, 200);
    assert.equal(submitted.text, '');

    const [confirmed] = await inc.settled(inc.channelPost(/Published to the status page/));
    const told = callText(confirmed!);
    assert.match(told, /Masked before publishing: configured pattern \(pattern 1\), password in a link \(https:\/\/ops:…@admin\.example\.com\), GitHub token \(ghp_…\)/);
    assert.ok(!told.includes(GITHUB_TOKEN) && !told.includes('hunter22'), 'the confirmation never repeats the secret');

    const stored = await slack.app.store.statusPage.findByIncident(inc.id as IncidentId);
    assert.equal(stored?.title, 'Payments are failing on [masked: configured pattern]');
    assert.equal(stored?.updates[0]?.message, 'We are investigating. Debug with token [masked: GitHub token] on https://ops:•••@admin.example.com');

    const json = await (await fetch(`${slack.baseUrl}/status.json`)).text();
    assert.ok(json.includes('[masked: GitHub token]'));
    for (const secret of [GITHUB_TOKEN, 'hunter22', 'INTERNAL-HOST-42']) assert.ok(!json.includes(secret), `${secret} is not on /status.json`);

    const [sent] = await statusPage.waitForRequests((r) => r.method === 'POST');
    const body = JSON.stringify(sent!.body);
    assert.ok(body.includes('[masked: GitHub token]'), 'Atlassian Statuspage got the masked message');
    assert.ok(!body.includes(GITHUB_TOKEN) && !body.includes('hunter22'));

    const audit = JSON.stringify(await slack.app.store.audit.listForIncident(inc.id as IncidentId));
    assert.ok(!audit.includes(GITHUB_TOKEN), 'the audit trail of the publication holds no secret either');
  });

  ctx.test('the API export masks a token planted in a timeline entry, JSON and Markdown, and the JSON still imports', async () => {
    const actor: Actor = { user: await slack.app.users.fromDevSignIn('Ed Exporter'), source: 'web' };
    const incident = await slack.app.incidents.declare(actor, { title: 'Export me' });
    const entry = await slack.app.timeline.add(actor, incident.id, { kind: 'note', text: `Rotated ${SLACK_TOKEN} after the leak` });
    // A correction keeps the old revision in the export: masked as well.
    await slack.app.timeline.revise(actor, incident.id, entry.id, { text: `Rotated the token (was ${SLACK_TOKEN})` });

    const get = (format: string) => fetch(`${slack.baseUrl}/api/v1/incidents/${incident.reference}/export?format=${format}`, { headers: { authorization: `Bearer ${apiToken}` } });
    const jsonResponse = await get('json');
    assert.equal(jsonResponse.status, 200);
    const text = await jsonResponse.text();
    assert.ok(!text.includes(SLACK_TOKEN), 'the JSON export carries no token');
    const doc = JSON.parse(text) as { timeline: { text: string; revisions: { text: string }[] }[]; redactions: { kind: string; label: string; hint: string; field: string }[] };
    const planted = doc.timeline.find((e) => e.text.startsWith('Rotated'));
    assert.equal(planted?.text, 'Rotated the token (was [masked: Slack token])');
    assert.deepEqual(planted?.revisions.map((r) => r.text), ['Rotated [masked: Slack token] after the leak', 'Rotated the token (was [masked: Slack token])']);
    assert.ok(doc.redactions.length >= 2);
    assert.ok(doc.redactions.every((r) => r.kind === 'slack_token' && r.hint === 'xoxb-…' && r.field.startsWith('timeline ')));

    const markdown = await get('markdown');
    assert.equal(markdown.status, 200);
    const md = await markdown.text();
    assert.match(md, /Rotated the token \(was \[masked: Slack token\]\)/);
    assert.ok(!md.includes(SLACK_TOKEN));

    // The field listing what was masked does not stop the document importing back.
    const imported = await slack.app.exports.importIncident(doc);
    assert.equal(imported.title, 'Export me');
    const importedTimeline = await slack.app.timeline.list(imported.id);
    assert.ok(importedTimeline.some((e) => e.text === 'Rotated the token (was [masked: Slack token])'));
  });
});
