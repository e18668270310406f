import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startFakePagerDuty, type FakePagerDuty } from '../support/fake-pagerduty.js';
import { deliveredTo, type JsonObject, type JsonValue } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, viewSubmission } from '../support/slack-requests.js';
import { declareWithChannel, stringField, type IncidentInChannel } from '../support/slack-scenario.js';
import { WebClient } from '../support/web-client.js';

const RITA = 'U0RITA';
const LEAD_KEY = 'R0LEADLEADLEADLEADLEADLEADLEAD01';
const DB_KEY = 'R0DATABASEDATABASEDATABASEDATA02';
const NETWORK_KEY = '0123456789abcdef0123456789ab9f3c';
const NETWORK_KEY_2 = 'fedcba9876543210fedcba987654d00d';
const ADMIN = 'Ada Admin'; // ada.admin@dev-sign-in.invalid

/** The "Page" buttons of an `escalate` answer, by team name. */
function teamButtons(blocks: JsonValue | undefined): Map<string, string> {
  const buttons = new Map<string, string>();
  for (const block of Array.isArray(blocks) ? blocks : []) {
    const accessory = (block as JsonObject).accessory;
    if (!accessory || stringField(accessory, 'action_id') !== 'incident.page_team') continue;
    const value = stringField(accessory, 'value') ?? '';
    buttons.set((JSON.parse(value) as { team: string }).team, value);
  }
  return buttons;
}

/** The value of a field on a page (the form's echo of what was typed). */
function inputValue(html: string, id: string): string {
  const tag = new RegExp(`<input[^>]* id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
  return / value="([^"]*)"/.exec(tag)?.[1] ?? '';
}

// Specialist teams managed on the site (issue 6, point 1): an admin adds one without JavaScript,
// Slack's `escalate` offers it beside the configured team, and its Page button reaches its own
// PagerDuty service. Everyone else finds no such page; the key is never shown whole.
describeEngines('the admin page of teams that can be paged', (ctx) => {
  let slack: SlackHarness;
  let pagerDuty: FakePagerDuty;
  let titles = 0;

  before(async () => {
    pagerDuty = await startFakePagerDuty();
    slack = await startSlackApp(ctx.databaseUrl, {
      env: {
        ADMIN_EMAILS: 'ada.admin@dev-sign-in.invalid',
        PAGERDUTY_ROUTING_KEY: LEAD_KEY,
        PAGERDUTY_TEAMS: `database:${DB_KEY}:Databases and replication`,
        PAGERDUTY_EVENTS_URL: pagerDuty.url,
        PAGERDUTY_API_URL: pagerDuty.url,
      },
    });
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
  });
  after(async () => {
    await slack.close();
    await pagerDuty.close();
  });

  const open = () => {
    titles += 1;
    return declareWithChannel(slack, { title: `Routers dropping packets ${titles}`, reporter: RITA });
  };

  async function escalateButtons(inc: IncidentInChannel): Promise<Map<string, string>> {
    const answer = await inc.slash(RITA, 'escalate');
    assert.equal(answer.status, 200);
    return teamButtons((JSON.parse(answer.text) as { blocks: JsonValue }).blocks);
  }

  async function admin(): Promise<WebClient> {
    const client = new WebClient(slack.baseUrl);
    await client.signIn(ADMIN);
    return client;
  }

  async function addTeam(client: WebClient, fields: Record<string, string>) {
    const csrf = await client.csrf('/admin/teams');
    return client.post('/admin/teams', { _csrf: csrf, formKey: randomUUID(), active: 'yes', ...fields });
  }

  ctx.test('an admin adds a team: listed with its key masked, offered by escalate, paged through its own key; inactive, it is not offered', async () => {
    const client = await admin();
    const list = await client.get('/admin/teams');
    assert.equal(list.status, 200);
    assert.match(list.html, /href="\/admin\/teams"[^>]*>[^<]*<strong[^>]*>Teams that can be paged/, 'the navigation links the page for admins');
    assert.match(list.html, /<th scope="row" class="govuk-table__header">database<\/th>[\s\S]*?From configuration/);
    assert.ok(!list.html.includes(DB_KEY), 'the configured key is not shown whole');
    assert.match(list.html, /•••• TA02/);

    const added = await addTeam(client, { name: 'network', description: 'Routers, DNS and the VPN', routingKey: NETWORK_KEY });
    assert.equal(added.status, 303);
    assert.equal(added.location, '/admin/teams?added=network');
    const after = await client.get(added.location!);
    assert.match(after.html, /Team network added/);
    assert.match(after.html, /<th scope="row" class="govuk-table__header">network<\/th>\s*<td class="govuk-table__cell">Routers, DNS and the VPN<\/td>/);
    assert.match(after.html, /•••• 9f3c/);
    assert.ok(!after.html.includes(NETWORK_KEY), 'the key is never rendered back in full');

    // Slack: both teams in escalate, the configuration's first; the site's team pages with its key.
    const inc = await open();
    const buttons = await escalateButtons(inc);
    assert.deepEqual([...buttons.keys()], ['database', 'network']);
    const trigger = 'trigger-page-network';
    const pressed = await slack.send(blockAction({ actionId: 'incident.page_team', value: buttons.get('network')!, userId: RITA, channelId: inc.channelId, triggerId: trigger, responseUrl: slack.fake.responseUrl('page-network') }));
    assert.equal(pressed.status, 200);
    const [opened] = await slack.fake.waitFor((c) => deliveredTo('views.open')(c) && c.params.trigger_id === trigger);
    const submitted = await slack.send(
      viewSubmission({
        callbackId: 'incident.page',
        userId: RITA,
        viewId: 'V0PAGENETWORK',
        privateMetadata: stringField(opened!.params.view, 'private_metadata') ?? '',
        values: { page_message: { page_message: { type: 'plain_text_input', value: 'Half the routers drop packets.' } } },
      }),
    );
    assert.equal(submitted.status, 200);
    const [event] = await pagerDuty.waitForEvents((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`));
    assert.equal(event!.routingKey, NETWORK_KEY);
    await inc.settled(inc.channelPost(/Paged the on-call of network/));

    // Changed with the key left blank: the key stays; inactive: no longer offered, still resolved.
    const id = /href="\/admin\/teams\/([^/"]+)\/edit"/.exec(after.html)?.[1];
    assert.ok(id, 'the site team has a change link');
    const edit = await client.get(`/admin/teams/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.ok(!edit.html.includes(NETWORK_KEY));
    assert.match(edit.html, /The key now ends in •••• 9f3c/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(edit.html)![1]!;
    const changed = await client.post(`/admin/teams/${id}/edit`, { _csrf: csrf, name: 'network', description: 'Routers and DNS', routingKey: '' });
    assert.equal(changed.status, 303);
    assert.match((await client.get(changed.location!)).html, /Team network changed[\s\S]*Routers and DNS[\s\S]*Inactive/);
    assert.deepEqual([...(await escalateButtons(inc)).keys()], ['database']);
    assert.equal(await slack.app.pagingTeams.routingKeyOf('network', 'resolve'), NETWORK_KEY, 'the blank key kept the old one');
    assert.equal(await slack.app.pagingTeams.routingKeyOf('network', 'page'), null);

    await inc.slash(RITA, 'close');
    const [resolve] = await pagerDuty.waitForEvents((e) => e.action === 'resolve' && e.dedupKey === event!.dedupKey);
    assert.equal(resolve!.routingKey, NETWORK_KEY, 'an inactive team\'s page is still resolved');

    // A new key replaces it; then removal, confirmed on its own page.
    const csrf2 = await client.csrf(`/admin/teams/${id}/edit`);
    await client.post(`/admin/teams/${id}/edit`, { _csrf: csrf2, name: 'network', description: 'Routers and DNS', routingKey: NETWORK_KEY_2, active: 'yes' });
    assert.equal(await slack.app.pagingTeams.routingKeyOf('network', 'page'), NETWORK_KEY_2);
    const confirm = await client.get(`/admin/teams/${id}/remove`);
    assert.match(confirm.html, /Are you sure you want to remove team network\?/);
    const removed = await client.post(`/admin/teams/${id}/remove`, { _csrf: /name="_csrf" value="([^"]+)"/.exec(confirm.html)![1]!, formKey: randomUUID() });
    assert.equal(removed.status, 303);
    const gone = await client.get(removed.location!);
    assert.match(gone.html, /Team network removed/);
    assert.doesNotMatch(gone.html, /<th scope="row" class="govuk-table__header">network<\/th>/);
    assert.equal((await client.get(`/admin/teams/${id}/edit`)).status, 404);
  });

  ctx.test('for anyone but an admin the page does not exist: 404 to see it or post to it, no link', async () => {
    const visitor = new WebClient(slack.baseUrl);
    const signedOut = await visitor.get('/admin/teams');
    assert.equal(signedOut.status, 303);
    assert.equal(signedOut.location, '/sign-in?next=%2Fadmin%2Fteams');

    const rita = new WebClient(slack.baseUrl);
    await rita.signIn('Rita Reporter');
    const incidents = await rita.get('/incidents');
    assert.doesNotMatch(incidents.html, /\/admin\/teams/);
    const page = await rita.get('/admin/teams');
    assert.equal(page.status, 404);
    assert.match(page.html, /Page not found/);
    const csrf = await rita.csrf('/incidents/new');
    const posted = await rita.post('/admin/teams', { _csrf: csrf, name: 'sneaky', description: 'Nothing', routingKey: NETWORK_KEY, active: 'yes' });
    assert.equal(posted.status, 404);
    assert.equal((await rita.post('/admin/teams/anything/remove', { _csrf: csrf })).status, 404);
    assert.ok(!(await slack.app.pagingTeams.list()).some((t) => t.name === 'sneaky'));
  });

  ctx.test('refusals come back GOV.UK style, what was typed kept but never the key', async () => {
    const client = await admin();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ name: '', description: 'Storage', routingKey: NETWORK_KEY }, 'add-name', /Enter the team’s name/],
      [{ name: 'Database', description: 'Storage', routingKey: NETWORK_KEY }, 'add-name', /There is already a team called database \(from configuration\)/],
      [{ name: 'lead', description: 'Storage', routingKey: NETWORK_KEY }, 'add-name', /cannot be “lead”/],
      [{ name: 'storage', description: '', routingKey: NETWORK_KEY }, 'add-description', /Enter what the team covers/],
      [{ name: 'storage', description: 'Storage', routingKey: '' }, 'add-routing-key', /Enter the integration key/],
      [{ name: 'storage', description: 'Storage', routingKey: NETWORK_KEY.toUpperCase() }, 'add-routing-key', /32 characters, lowercase letters and digits only/],
      [{ name: 'storage', description: 'Storage', routingKey: NETWORK_KEY.slice(1) }, 'add-routing-key', /32 characters, lowercase letters and digits only/],
    ];
    for (const [fields, id, message] of cases) {
      const refused = await addTeam(client, fields);
      assert.equal(refused.status, 400, `${JSON.stringify(fields)} is refused`);
      assert.match(refused.html, /<title>Error: Teams that can be paged/);
      assert.match(refused.html, new RegExp(`govuk-error-summary[\\s\\S]*href="#${id}"`));
      assert.match(refused.html, new RegExp(`id="${id}-error"[\\s\\S]*?${message.source}`));
      assert.equal(inputValue(refused.html, 'add-description'), fields.description);
      if (fields.routingKey) assert.ok(!refused.html.toLowerCase().includes(fields.routingKey.toLowerCase()), 'the key typed is not echoed');
    }

    const first = await addTeam(client, { name: 'storage', description: 'Disks', routingKey: NETWORK_KEY });
    assert.equal(first.status, 303);
    const twice = await addTeam(client, { name: 'STORAGE', description: 'Disks again', routingKey: NETWORK_KEY_2 });
    assert.equal(twice.status, 400);
    assert.match(twice.html, /There is already a team called storage: choose another name/);
    assert.equal((await slack.app.pagingTeams.list()).filter((t) => t.name.toLowerCase() === 'storage').length, 1);

    // A double submit of one form adds once and lands on the list both times.
    const csrf = await client.csrf('/admin/teams');
    const fields = { _csrf: csrf, formKey: randomUUID(), name: 'backups', description: 'Backups and restores', routingKey: NETWORK_KEY, active: 'yes' };
    const [a, b] = [await client.post('/admin/teams', fields), await client.post('/admin/teams', fields)];
    assert.deepEqual([a.status, b.status], [303, 303]);
    assert.equal((await slack.app.pagingTeams.list()).filter((t) => t.name === 'backups').length, 1);
  });
});
