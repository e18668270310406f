import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { SlackUserId } from '../../src/domain/ids.js';
import { holderOf } from '../../src/domain/incident.js';
import { describeEngines } from '../support/engines.js';
import { buildAcknowledgedWebhook, sendPagerDutyWebhook, signPagerDutyWebhook, startFakePagerDuty, type FakePagerDuty } from '../support/fake-pagerduty.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { declareWithChannel, messageText, type IncidentInChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA'; // reporter, asks for the page
const LENA = 'U0LENA'; // on call: acknowledges in PagerDuty
const LEAD_KEY = 'R0LEADLEADLEADLEADLEADLEADLEAD01';
const SECRET = 'pagerduty-webhook-secret-current';
const OLD_SECRET = 'pagerduty-webhook-secret-previous';
const LENA_PD = { id: 'PLENA01', name: 'Lena Lead' };
const STRANGER_PD = { id: 'PSTRANGE', name: 'Sam Stranger' };

// PagerDuty's V3 webhooks into the real app: signed over the raw body, recorded by a durable job
// on the timeline and in the channel (fake Slack), the acknowledger made lead by their email.
describeEngines('PagerDuty webhooks: acknowledgements reach the channel', (ctx) => {
  let slack: SlackHarness;
  let pagerDuty: FakePagerDuty;
  let titles = 0;
  let deliveries = 0;

  before(async () => {
    pagerDuty = await startFakePagerDuty();
    pagerDuty.addUser({ id: LENA_PD.id, name: LENA_PD.name, email: 'Lena.Lead@example.org' });
    pagerDuty.addUser({ id: STRANGER_PD.id, name: STRANGER_PD.name, email: 'sam@elsewhere.example' });
    slack = await startSlackApp(ctx.databaseUrl, {
      env: {
        PAGERDUTY_ROUTING_KEY: LEAD_KEY,
        PAGERDUTY_API_TOKEN: pagerDuty.apiToken,
        PAGERDUTY_EVENTS_URL: pagerDuty.url,
        PAGERDUTY_API_URL: pagerDuty.url,
        PAGERDUTY_WEBHOOK_SECRET: SECRET,
        NUDGE_NO_LEAD: 'off',
      },
    });
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter', email: 'rita@example.org' });
    slack.fake.addUser({ id: LENA, name: 'Lena Lead', email: 'lena.lead@example.org' });
    // Lena is known here with her email, as her Slack profile gives it.
    await slack.app.users.updateFromSlackProfile(LENA, { name: 'Lena Lead', email: 'lena.lead@example.org' });
  });
  after(async () => {
    await slack.close();
    await pagerDuty.close();
  });

  /** An incident with a channel and one page to the lead, sent to the fake PagerDuty; its dedup key. */
  async function pagedIncident(title: string): Promise<{ inc: IncidentInChannel; key: string }> {
    titles += 1;
    const inc = await declareWithChannel(slack, { title: `${title} ${titles}`, reporter: RITA });
    const rita = await slack.app.store.users.findBySlackUserId(RITA as SlackUserId);
    assert.ok(rita);
    await slack.app.pages!.request({ user: rita, source: 'slack' }, inc.id, { message: 'Please come and lead.' });
    const [event] = await pagerDuty.waitForEvents((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`));
    await inc.settled(inc.channelPost(/Paged the on-call incident lead/));
    return { inc, key: event!.dedupKey };
  }

  const acknowledged = (key: string, agent = LENA_PD, id = `01WEBHOOK${(deliveries += 1)}`) => buildAcknowledgedWebhook({ id, incidentKey: key, agent });
  const ackEntries = async (inc: IncidentInChannel) => (await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'page' && /^Acknowledged by/.test(e.text));

  ctx.test('acknowledged: in the channel and on the timeline, and the acknowledger becomes lead (matched by email)', async () => {
    const { inc, key } = await pagedIncident('Checkout failing');
    const answer = await sendPagerDutyWebhook(slack.baseUrl, acknowledged(key), [SECRET]);
    assert.equal(answer.status, 202);

    const [posted] = await inc.settled(inc.channelPost(/Acknowledged by Lena Lead in PagerDuty/));
    assert.match(String(posted!.params.text), /Lena Lead is now incident lead/);
    const entries = await ackEntries(inc);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.text, 'Acknowledged by Lena Lead in PagerDuty (page to the on-call incident lead)');
    const lead = holderOf(await inc.current(), 'lead');
    assert.equal(lead?.slackUserId, LENA);
    assert.ok(pagerDuty.userLookups.includes(LENA_PD.id), 'the email came from GET /users/{id}');
  });

  ctx.test('with a lead already, an acknowledgement is recorded but the lead stays', async () => {
    const { inc, key } = await pagedIncident('Search slow');
    await inc.slash(RITA, `lead <@${RITA}>`);
    await inc.settled(inc.channelPost(/Incident lead/i));
    assert.equal(holderOf(await inc.current(), 'lead')?.slackUserId, RITA);

    assert.equal((await sendPagerDutyWebhook(slack.baseUrl, acknowledged(key), [SECRET])).status, 202);
    const [posted] = await inc.settled(inc.channelPost(/Acknowledged by Lena Lead in PagerDuty/));
    assert.doesNotMatch(String(posted!.params.text), /incident lead \(nobody|Nobody was made/);
    assert.equal(holderOf(await inc.current(), 'lead')?.slackUserId, RITA);
    assert.equal((await ackEntries(inc)).length, 1);
  });

  ctx.test('an acknowledger whose email matches nobody here is not made lead, and the channel says so', async () => {
    const { inc, key } = await pagedIncident('Replica lag');
    assert.equal((await sendPagerDutyWebhook(slack.baseUrl, acknowledged(key, STRANGER_PD), [SECRET])).status, 202);
    const [posted] = await inc.settled(inc.channelPost(/Acknowledged by Sam Stranger in PagerDuty/));
    assert.match(String(posted!.params.text), /Nobody was made incident lead: nobody here has their PagerDuty email/);
    assert.equal(holderOf(await inc.current(), 'lead'), null);
  });

  ctx.test('a bad or missing signature is refused with 401 and nothing is recorded', async () => {
    const { inc, key } = await pagedIncident('Payments erroring');
    const body = JSON.stringify(acknowledged(key));
    const wrong = await sendPagerDutyWebhook(slack.baseUrl, body, ['not-the-secret']);
    assert.equal(wrong.status, 401);
    assert.deepEqual((wrong.json as { error: { code: string } }).error.code, 'pagerduty.bad_signature');
    assert.equal((await sendPagerDutyWebhook(slack.baseUrl, body, [])).status, 401);
    // Signed, then changed on the way: the signature covers the exact bytes.
    const tampered = await fetch(`${slack.baseUrl}/webhooks/pagerduty`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signPagerDutyWebhook(body, [SECRET]) },
      body: body.replace('Lena Lead', 'Mallory'),
    });
    assert.equal(tampered.status, 401);
    await slack.app.worker.idle();
    assert.equal((await ackEntries(inc)).length, 0);
    assert.equal(inc.channelMessagesMatching(/Acknowledged by/).length, 0);
    assert.equal(holderOf(await inc.current(), 'lead'), null);
  });

  ctx.test('during a secret rotation (two signatures, one valid) the webhook is accepted', async () => {
    const { inc, key } = await pagedIncident('Login loops');
    const answer = await sendPagerDutyWebhook(slack.baseUrl, acknowledged(key), [OLD_SECRET, SECRET]);
    assert.equal(answer.status, 202);
    await inc.settled(inc.channelPost(/Acknowledged by Lena Lead in PagerDuty/));
    assert.equal((await ackEntries(inc)).length, 1);
  });

  ctx.test('a redelivery of the same webhook event is recorded once', async () => {
    const { inc, key } = await pagedIncident('Emails delayed');
    const body = acknowledged(key);
    assert.equal((await sendPagerDutyWebhook(slack.baseUrl, body, [SECRET])).status, 202);
    await inc.settled(inc.channelPost(/Acknowledged by Lena Lead in PagerDuty/));
    // After the first was processed, and twice at once.
    const again = await Promise.all([sendPagerDutyWebhook(slack.baseUrl, body, [SECRET]), sendPagerDutyWebhook(slack.baseUrl, body, [SECRET])]);
    for (const answer of again) assert.ok([200, 202].includes(answer.status));
    await slack.app.worker.idle();
    assert.equal((await ackEntries(inc)).length, 1);
    assert.equal(inc.channelMessagesMatching(/Acknowledged by Lena Lead in PagerDuty/).length, 1);
  });

  ctx.test('an unknown dedup key or event type is answered 200 and ignored; a body that is not JSON 400', async () => {
    const { inc } = await pagedIncident('Nothing to see');
    const unknown = await sendPagerDutyWebhook(slack.baseUrl, acknowledged('someone-elses-incident-key'), [SECRET]);
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.json, { status: 'ignored' });
    const otherType = { event: { id: '01OTHER', event_type: 'incident.priority_updated', resource_type: 'incident', occurred_at: '2024-05-01T02:15:00Z', agent: null, data: { id: 'Q1', type: 'incident' } } };
    const ignored = await sendPagerDutyWebhook(slack.baseUrl, otherType, [SECRET]);
    assert.equal(ignored.status, 200);
    assert.equal((await sendPagerDutyWebhook(slack.baseUrl, '{"event": ', [SECRET])).status, 400);
    await slack.app.worker.idle();
    assert.equal((await ackEntries(inc)).length, 0);
    assert.equal(messageText(inc.channelMessages().at(-1)!).includes('Acknowledged'), false);
  });
});
