import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { startFakePagerDuty, type FakePagerDuty } from '../support/fake-pagerduty.js';
import { deliveredTo, type FakeMessage, type JsonObject, type JsonValue } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, viewSubmission } from '../support/slack-requests.js';
import { declareWithChannel, messageText, stringField, type IncidentInChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA'; // reporter, pages
const LENA = 'U0LENA'; // pages again
const LEAD_KEY = 'R0LEADLEADLEADLEADLEADLEADLEAD01';
const DB_KEY = 'R0DATABASEDATABASEDATABASEDATA02';
const POLICY = 'PLEAD01';

/** The button `actionId` in a list of blocks (actions blocks and section accessories). */
function buttonIn(blocks: JsonValue | undefined, actionId: string): string {
  for (const block of Array.isArray(blocks) ? blocks : []) {
    const candidates = [...(Array.isArray((block as JsonObject).elements) ? ((block as JsonObject).elements as JsonValue[]) : []), (block as JsonObject).accessory];
    for (const element of candidates) {
      if (element && stringField(element, 'action_id') === actionId) {
        const value = stringField(element, 'value');
        if (value !== undefined) return value;
      }
    }
  }
  throw new Error(`no ${actionId} button in ${JSON.stringify(blocks)}`);
}

// Paging as people do it in Slack: a button or a command, the modal, a durable job to the fake
// PagerDuty's Events API, the page on the timeline and in the channel, resolved on close.
describeEngines('Slack: paging the on-call lead through PagerDuty', (ctx) => {
  let slack: SlackHarness;
  let pagerDuty: FakePagerDuty;
  let titles = 0;
  let views = 0;

  before(async () => {
    pagerDuty = await startFakePagerDuty();
    pagerDuty.setOnCall([
      { escalationPolicyId: POLICY, level: 1, userId: 'PUSER1', name: 'Olivia On-call' },
      { escalationPolicyId: POLICY, level: 2, userId: 'PUSER2', name: 'Brian Backup' },
      { escalationPolicyId: 'POTHER9', level: 1, userId: 'PUSER3', name: 'Not This One' },
    ]);
    slack = await startSlackApp(ctx.databaseUrl, {
      env: {
        PAGERDUTY_ROUTING_KEY: LEAD_KEY,
        PAGERDUTY_API_TOKEN: pagerDuty.apiToken,
        PAGERDUTY_ESCALATION_POLICY: POLICY,
        PAGERDUTY_TEAMS: `database:${DB_KEY}:Databases and replication`,
        PAGERDUTY_EVENTS_URL: pagerDuty.url,
        PAGERDUTY_API_URL: pagerDuty.url,
        // The no-lead reminder at once, to press its button.
        NUDGE_NO_LEAD: '0m',
      },
    });
    for (const [id, name] of [[RITA, 'Rita Reporter'], [LENA, 'Lena Lead']] as const) slack.fake.addUser({ id, name });
  });
  after(async () => {
    await slack.close();
    await pagerDuty.close();
  });

  const open = (title: string) => {
    titles += 1;
    return declareWithChannel(slack, { title: `${title} ${titles}`, reporter: RITA });
  };

  /** Presses a page button on a message, then submits the modal it opened with `message`. */
  async function pageThrough(inc: IncidentInChannel, press: { actionId: string; value: string; userId: string; ts?: string }, message: string) {
    views += 1;
    const trigger = `trigger-page-${views}`;
    const pressed = await slack.send(
      blockAction({ actionId: press.actionId, value: press.value, userId: press.userId, channelId: inc.channelId, messageTs: press.ts, triggerId: trigger, responseUrl: slack.fake.responseUrl(`page-${views}`) }),
    );
    assert.equal(pressed.status, 200);
    const [opened] = await slack.fake.waitFor((c) => deliveredTo('views.open')(c) && c.params.trigger_id === trigger);
    const view = opened!.params.view;
    assert.equal(stringField(view, 'callback_id'), 'incident.page');
    assert.match(JSON.stringify(view), /you may be waking someone up: be clear and kind/i);
    const submission = viewSubmission({
      callbackId: 'incident.page',
      userId: press.userId,
      viewId: `V0PAGE${views}`,
      privateMetadata: stringField(view, 'private_metadata') ?? '',
      values: { page_message: { page_message: { type: 'plain_text_input', value: message } } },
    });
    const submitted = await slack.send(submission);
    assert.equal(submitted.status, 200);
    assert.equal(submitted.text, '');
    return submission;
  }

  const triggersFor = (inc: IncidentInChannel) => pagerDuty.events.filter((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`));

  ctx.test('the kickoff button pages the lead once: the modal, one trigger, the on-call names on the timeline and in the channel', async () => {
    const inc = await open('Checkout failing');
    const [kickoff] = inc.channelMessagesMatching(/This channel is for responding/);
    assert.ok(kickoff, 'the kickoff message was posted');
    const submission = await pageThrough(inc, { actionId: 'incident.page_lead', value: buttonIn(kickoff.blocks, 'incident.page_lead'), userId: RITA, ts: kickoff.ts }, 'Checkout fails for everyone since 02:10. We need a lead.');

    const [event] = await pagerDuty.waitForEvents((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`));
    assert.equal(event!.routingKey, LEAD_KEY);
    assert.equal(event!.severity, 'critical');
    assert.equal(event!.summary, `${inc.reference}: Checkout fails for everyone since 02:10. We need a lead.`);
    assert.equal(event!.source, `https://incidents.example.org/incidents/${inc.reference}`);
    assert.equal(event!.customDetails?.requested_by, 'Rita Reporter');

    await inc.settled(inc.channelPost(/Paged the on-call incident lead/));
    const [posted] = inc.channelMessagesMatching(/Paged the on-call incident lead/);
    assert.match(messageText(posted!), /Olivia On-call, Brian Backup/);
    assert.doesNotMatch(messageText(posted!), /Not This One/);
    assert.match(messageText(posted!), /<@U0RITA>/);

    const entries = (await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'page');
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.text, /^Paged the on-call incident lead: Checkout fails for everyone since 02:10\. We need a lead\. — asked by Rita Reporter\. On call: Olivia On-call, Brian Backup\./);
    assert.ok(entries[0]!.text.includes(event!.dedupKey), 'the timeline keeps the dedup key');

    // Slack retrying the submission pages nobody twice.
    const again = await slack.send(submission);
    assert.equal(again.status, 200);
    await slack.app.worker.idle();
    assert.equal(triggersFor(inc).length, 1);
  });

  ctx.test('the no-lead reminder offers "Page on-call lead"; `page lead` and a second page get their own dedup key; closing resolves both', async () => {
    const inc = await open('Search is slow');
    // Due at once (NUDGE_NO_LEAD=0m): it may be out before the channel is handed to the test.
    const reminder = await eventually('the no-lead reminder', () => inc.channelMessagesMatching(/Nobody is leading/)[0]);
    const fromReminder = buttonIn(reminder.blocks, 'incident.page_lead');
    assert.equal(fromReminder, inc.id);

    // `/incident page lead` opens the form at once (its trigger id); `@bot page lead` cannot, so
    // it answers with the button, which is the path followed here.
    const slashed = await inc.slash(RITA, 'page lead');
    assert.equal(slashed.text, '', 'nothing to read: the form opens');
    const [opened] = await slack.fake.waitFor((c) => deliveredTo('views.open')(c) && String(c.params.trigger_id).startsWith('trigger-slash-'));
    assert.equal(stringField(opened!.params.view, 'callback_id'), 'incident.page');
    await inc.mention(RITA, 'page lead');
    const [reply] = await inc.settled(inc.ephemeralTo(RITA, /Page on-call lead/));
    await pageThrough(inc, { actionId: 'incident.page_lead', value: buttonIn(reply!.params.blocks, 'incident.page_lead'), userId: RITA }, 'Search takes 30 s. Please come and lead.');
    await pageThrough(inc, { actionId: 'incident.page_lead', value: fromReminder, userId: LENA, ts: reminder.ts }, 'Still nobody leading: paging again.');

    const triggers = await pagerDuty.waitForEvents((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`), 2);
    const keys = triggers.map((t) => t.dedupKey);
    assert.notEqual(keys[0], keys[1], 'each page has its own dedup key');
    for (const key of keys) assert.equal(pagerDuty.alerts.get(key)?.status, 'triggered');
    await inc.settled(inc.channelPost(/Paged the on-call incident lead/), 2);
    assert.equal((await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'page').length, 2);

    await inc.slash(LENA, 'close');
    const resolves = await pagerDuty.waitForEvents((e) => e.action === 'resolve' && e.dedupKey.startsWith(`${inc.id}:`), 2);
    assert.deepEqual(resolves.map((r) => r.dedupKey).sort(), [...keys].sort());
    for (const key of keys) assert.equal(pagerDuty.alerts.get(key)?.status, 'resolved');
    await eventually('the resolves on the timeline', async () => {
      const resolved = (await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'page' && /resolved in PagerDuty/.test(e.text));
      return resolved.length === 2 ? resolved : undefined;
    });
  });

  ctx.test('PagerDuty down: the page waits in its job and goes out once when PagerDuty is back', async () => {
    const inc = await open('Payments erroring');
    const [kickoff] = inc.channelMessagesMatching(/This channel is for responding/);
    pagerDuty.failNext(2, 500);
    const before = pagerDuty.enqueueAttempts.length;
    await pageThrough(inc, { actionId: 'incident.page_lead', value: buttonIn(kickoff!.blocks, 'incident.page_lead'), userId: RITA, ts: kickoff!.ts }, 'Payments fail with 500s.');
    await pagerDuty.waitForEvents((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`));
    const refused = pagerDuty.enqueueAttempts.slice(before).filter((a) => a.status === 500);
    assert.ok(refused.length >= 1, 'the first attempt met the outage');
    await inc.settled(inc.channelPost(/Paged the on-call incident lead/));
    await slack.app.worker.idle();
    assert.equal(triggersFor(inc).length, 1);
    assert.equal(inc.channelMessagesMatching(/Paged the on-call incident lead/).length, 1);
    assert.equal((await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'page').length, 1);
  });

  ctx.test('`escalate` lists the teams; a team\'s Page button pages its own PagerDuty service', async () => {
    const inc = await open('Replica lag');
    const answer = await inc.slash(RITA, 'esc');
    const reply = JSON.parse(answer.text) as { blocks: JsonValue };
    assert.match(JSON.stringify(reply.blocks), /Databases and replication/);
    await pageThrough(inc, { actionId: 'incident.page_team', value: buttonIn(reply.blocks, 'incident.page_team'), userId: RITA }, 'Replica lag is 10 minutes.');
    const [event] = await pagerDuty.waitForEvents((e) => e.action === 'trigger' && e.dedupKey.startsWith(`${inc.id}:`));
    assert.equal(event!.routingKey, DB_KEY);
    await inc.settled(inc.channelPost(/Paged the on-call of database/));
  });

  ctx.test('a closed incident pages nobody, and an empty message is refused in the modal', async () => {
    const inc = await open('Already over');
    const [kickoff] = inc.channelMessagesMatching(/This channel is for responding/) as FakeMessage[];
    const value = buttonIn(kickoff!.blocks, 'incident.page_lead');
    const submitted = await slack.send(
      viewSubmission({
        callbackId: 'incident.page',
        userId: RITA,
        viewId: 'V0PAGEEMPTY',
        privateMetadata: JSON.stringify({ incidentId: value, target: 'lead' }),
        values: { page_message: { page_message: { type: 'plain_text_input', value: '   ' } } },
      }),
    );
    assert.match(submitted.text, /response_action.*errors/);
    assert.match(submitted.text, /Write what the person on call needs to know/);
    await inc.slash(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    const answer = await inc.slash(RITA, 'page lead');
    assert.match(answer.reply, /is closed: reopen it before paging anyone/);
    assert.equal(triggersFor(inc).length, 0);
  });
});
