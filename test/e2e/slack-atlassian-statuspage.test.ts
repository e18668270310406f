import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import type { Actor } from '../../src/domain/user.js';
import { STATUSPAGE_SYNC_JOB } from '../../src/services/statuspage-sync.service.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startFakeStatusPage, type FakeStatusPage, type FakeStatusRequest } from '../support/fake-statuspage.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, viewSubmission, type ViewStateValues, type ViewStateValueInput } from '../support/slack-requests.js';
import { callText, declareWithChannel, type IncidentInChannel } from '../support/slack-scenario.js';
import { assertRejectsWithCode } from '../integration/fixtures.js';
import { advanceAndRunDueJobs } from '../support/run-due-jobs.js';

const RITA = 'U0RITA';
const CORA = 'W0CORA'; // the comms lead
const PAYMENTS = 'cmp0payments';
const USE_LPA = 'cmp0uselpa01';

const publication = {
  title: 'Payments are slow',
  status: 'investigating',
  message: 'Some card payments fail.',
  components: [{ name: 'Payments', state: 'major_outage' }],
  notifySubscribers: true,
  publishPrivate: false,
};

/** The incident body of a request to the fake, as sent. */
function sent(request: FakeStatusRequest): Record<string, unknown> {
  return (request.body as { incident: Record<string, unknown> }).incident;
}

// Publishing through the statuspage flow also reaches Atlassian Statuspage (a fake of its REST API
// v1), through durable jobs on one queue that keep to its one-request-a-second limit. The clock is
// the test's: the fake stamps each request with it, and the jobs wait by it.
describeEngines('Slack: publications reach Atlassian Statuspage', (ctx) => {
  let slack: SlackHarness;
  let statusPage: FakeStatusPage;
  let clock: ManualClock;
  let cora: Actor;
  let titles = 0;

  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T09:00:00.000Z'));
    statusPage = await startFakeStatusPage({ now: () => clock.now() });
    slack = await startSlackApp(ctx.databaseUrl, {
      clock,
      env: {
        STATUS_COMPONENTS: 'Use an LPA,Make an LPA,Payments',
        ATLASSIAN_STATUSPAGE_API_KEY: statusPage.apiKey,
        ATLASSIAN_STATUSPAGE_PAGE_ID: statusPage.pageId,
        ATLASSIAN_STATUSPAGE_API_URL: statusPage.url,
        // Make an LPA is on our page only.
        ATLASSIAN_STATUSPAGE_COMPONENTS: `Payments:${PAYMENTS},Use an LPA:${USE_LPA}`,
      },
    });
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
    slack.fake.addUser({ id: CORA, name: 'Cora Comms' });
    cora = { user: (await slack.app.users.fromSlack(CORA)).user, source: 'slack' };
  });
  after(async () => {
    await slack.close();
    await statusPage.close();
  });

  const open = (title: string) => {
    titles += 1;
    return declareWithChannel(slack, { title: `${title} ${titles}`, reporter: RITA });
  };

  /** Moves the clock and runs what became due. */
  const advance = (ms: number) => advanceAndRunDueJobs(slack.app, clock, ms);

  function submit(inc: IncidentInChannel, viewId: string, input: { title: string; status: string; message: string; components: Record<string, string>; notify: boolean }) {
    const values: ViewStateValues<ViewStateValueInput> = {
      title: { title: { type: 'plain_text_input', value: input.title } },
      public_status: { public_status: { type: 'static_select', selected_option: { value: input.status } } },
      message: { message: { type: 'plain_text_input', value: input.message } },
      notify_subscribers: { notify_subscribers: { type: 'checkboxes', selected_options: input.notify ? [{ value: 'notify' }] : [] } },
    };
    for (const [name, state] of Object.entries(input.components)) {
      values[`component:${name}`] = { component_state: { type: 'static_select', selected_option: { value: state } } };
    }
    return slack.send(viewSubmission({ callbackId: 'statuspage.publish', userId: CORA, viewId, privateMetadata: JSON.stringify({ incidentId: inc.id }), values }));
  }

  const syncJobs = async () => (await slack.app.store.jobStore.list({ limit: 1000 })).filter((j) => j.type === STATUSPAGE_SYNC_JOB).length;

  ctx.test('the first publication creates the Statuspage incident, the second updates it; the link is shown in the channel and on the timeline', async () => {
    const inc = await open('Card payments failing');
    const before = statusPage.requests.length;
    const first = await submit(inc, 'V0ASPFIRST', { title: 'Payments are slow', status: 'investigating', message: 'Some card payments fail.', components: { Payments: 'major_outage' }, notify: true });
    assert.equal(first.status, 200);
    await advance(1000);

    const [created] = statusPage.requests.slice(before);
    assert.equal(created?.method, 'POST');
    assert.equal(created.path, `/v1/pages/${statusPage.pageId}/incidents`);
    assert.equal(created.status, 201);
    assert.deepEqual(sent(created), {
      name: 'Payments are slow',
      status: 'investigating',
      body: 'Some card payments fail.',
      component_ids: [PAYMENTS],
      components: { [PAYMENTS]: 'major_outage' },
      deliver_notifications: true,
    });
    const external = await slack.app.store.statusPage.externalOf((await slack.app.store.statusPage.findByIncident(inc.id as IncidentId))!.id);
    assert.ok(external?.link, 'the id and link were kept');
    assert.match(external.link, /^https:\/\/stspg\.io\//);
    const [linked] = await inc.settled(inc.channelPost(/On Atlassian Statuspage: /));
    assert.ok(callText(linked!).includes(`<${external.link}|`), 'the link in the channel');

    const second = await submit(inc, 'V0ASPSECOND', { title: 'Payments are slow', status: 'identified', message: 'The bank found the fault.', components: { Payments: 'partial_outage' }, notify: false });
    assert.equal(second.status, 200);
    const [confirmed] = await inc.settled(inc.channelPost(/Status page updated: Identified/));
    assert.ok(callText(confirmed!).includes(`<${external.link}|its public incident page>`), 'later confirmations carry the link');
    await advance(1000);
    const [updated] = statusPage.requests.slice(before + 1);
    assert.equal(updated?.method, 'PATCH');
    assert.equal(updated.path, `/v1/pages/${statusPage.pageId}/incidents/${external.id}`);
    assert.equal(sent(updated).deliver_notifications, false);
    const there = statusPage.incidents.get(external.id);
    assert.equal(there?.status, 'identified');
    assert.deepEqual(there?.updates.map((u) => u.body), ['The bank found the fault.', 'Some card payments fail.']);
    assert.deepEqual(there?.components, { [PAYMENTS]: 'partial_outage' });
    assert.deepEqual(statusPage.requests.slice(before).map((r) => r.method), ['POST', 'PATCH'], 'created once, then updated');

    const told = (await slack.app.timeline.list(inc.reference)).filter((e) => e.kind === 'statusPage').map((e) => e.text);
    assert.ok(told.includes(`On Atlassian Statuspage: ${external.link}`), 'the link on the timeline (and so on the incident page)');
  });

  ctx.test('two publications in quick succession go out one at a time, at least a second apart by the clock', async () => {
    const inc = await open('Quick succession');
    await advance(1000);
    const before = statusPage.requests.length;
    await slack.app.statusPage.publish(cora, inc.id, publication);
    await slack.app.statusPage.publish(cora, inc.id, { ...publication, status: 'identified', message: 'Found it.' });
    await advance(0);
    assert.deepEqual(statusPage.requests.slice(before).map((r) => r.method), ['POST'], 'the second waits its turn');
    await advance(999);
    assert.equal(statusPage.requests.length, before + 1, 'not before a second has passed');
    await advance(1);
    const [a, b] = statusPage.requests.slice(before);
    assert.deepEqual([a?.method, b?.method], ['POST', 'PATCH']);
    assert.ok(b!.at.getTime() - a!.at.getTime() >= 1000, `${b!.at.toISOString()} is a second after ${a!.at.toISOString()}`);
    assert.equal(sent(b!).body, 'Found it.');
  });

  ctx.test('a 429 is waited out for its Retry-After, then sent', async () => {
    const inc = await open('Rate limited');
    await advance(1000);
    const before = statusPage.requests.length;
    statusPage.rateLimitNext(1, 5);
    await slack.app.statusPage.publish(cora, inc.id, publication);
    await advance(0);
    assert.deepEqual(statusPage.requests.slice(before).map((r) => r.status), [429]);
    await advance(4000);
    assert.equal(statusPage.requests.length, before + 1, 'Retry-After is honoured');
    await advance(1000);
    const [limited, created] = statusPage.requests.slice(before);
    assert.equal(created?.status, 201);
    assert.ok(created.at.getTime() - limited!.at.getTime() >= 5000);
  });

  ctx.test('resolving on close resolves the Statuspage incident, its components operational', async () => {
    const inc = await open('Uploads failing');
    await advance(1000);
    await slack.app.statusPage.publish(cora, inc.id, {
      ...publication,
      status: 'identified',
      components: [{ name: 'Use an LPA', state: 'major_outage' }, { name: 'Make an LPA', state: 'partial_outage' }, { name: 'Payments', state: 'degraded_performance' }],
    });
    await advance(1000);
    const external = await slack.app.store.statusPage.externalOf((await slack.app.store.statusPage.findByIncident(inc.id as IncidentId))!.id);
    assert.ok(external);

    await inc.mention(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    const pressed = await slack.send(blockAction({ actionId: 'statuspage.resolve', value: inc.id, userId: CORA, channelId: inc.channelId, responseUrl: slack.fake.responseUrl(`aresolve-${inc.reference}`) }));
    assert.equal(pressed.status, 200);
    await inc.settled(inc.channelPost(/Status page updated: Resolved/));
    await advance(1000);
    const resolve = statusPage.requests.at(-1)!;
    assert.equal(resolve.method, 'PATCH');
    assert.equal(resolve.path, `/v1/pages/${statusPage.pageId}/incidents/${external.id}`);
    assert.equal(sent(resolve).status, 'resolved');
    assert.deepEqual(sent(resolve).components, { [USE_LPA]: 'operational', [PAYMENTS]: 'operational' });
    assert.equal(statusPage.incidents.get(external.id)?.status, 'resolved');
  });

  ctx.test('a private incident never reaches Statuspage without the recorded override', async () => {
    const inc = await open('Salary file exposed');
    await slack.app.incidents.update(cora, inc.id, { private: true });
    await advance(1000);
    const before = statusPage.requests.length;
    const jobsBefore = await syncJobs();
    await assertRejectsWithCode(slack.app.statusPage.publish(cora, inc.id, publication), 'statuspage.private');
    await advance(5000);
    assert.equal(statusPage.requests.length, before, 'nothing sent');
    assert.equal(await syncJobs(), jobsBefore, 'nothing queued');

    await slack.app.statusPage.publish(cora, inc.id, { ...publication, title: 'Some documents unavailable', publishPrivate: true });
    await advance(1000);
    assert.equal(statusPage.requests.length, before + 1);
    assert.equal(sent(statusPage.requests.at(-1)!).name, 'Some documents unavailable');
    const audit = (await slack.app.incidents.audit(inc.reference)).find((r) => r.type === 'statuspage.published');
    assert.equal(audit?.data.privateOverride, true, 'sent only with the override on record');
  });

  ctx.test('the fake refuses a request without the OAuth header, as Statuspage does', async () => {
    const response = await fetch(`${statusPage.url}/v1/pages/${statusPage.pageId}/incidents`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 401);
  });
});
