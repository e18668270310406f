import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { deliveredTo, type FakeMessage, type JsonObject, type JsonValue } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction } from '../support/slack-requests.js';
import { buttonIds, declareWithChannel, messageText, stringField, type IncidentInChannel } from '../support/slack-scenario.js';
import { advanceAndRunDueJobs } from '../support/run-due-jobs.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const RITA = 'U0RITA'; // reporter
const LENA = 'U0LENA'; // takes the lead from a reminder
const SAM = 'U0SAM'; // snoozes

/** The value of the button `actionId` in a message's action blocks. */
function buttonValue(message: FakeMessage, actionId: string): string {
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  for (const block of blocks) {
    const elements = (block as JsonObject).elements;
    if (stringField(block, 'type') !== 'actions' || !Array.isArray(elements)) continue;
    const found = elements.find((e: JsonValue) => stringField(e, 'action_id') === actionId);
    const value = found === undefined ? undefined : stringField(found, 'value');
    if (value !== undefined) return value;
  }
  throw new Error(`no ${actionId} button in: ${messageText(message)}`);
}

// The reminders as people get them in Slack: real jobs and worker, a clock the test moves, signed
// requests in, the fake Slack Web API out.
describeEngines('Slack: reminders in the incident channel, with buttons and commands', (ctx) => {
  let slack: SlackHarness;
  let clock: ManualClock;
  let titles = 0;
  before(async () => {
    // A Wednesday morning in London: working hours, for the reminders that wait for them.
    clock = new ManualClock(new Date('2024-05-01T09:00:00.000Z'));
    slack = await startSlackApp(ctx.databaseUrl, { clock });
    for (const [id, name] of [[RITA, 'Rita Reporter'], [LENA, 'Lena Lead'], [SAM, 'Sam Scribe']] as const) slack.fake.addUser({ id, name });
  });
  after(() => slack.close());

  const open = (title: string) => {
    titles += 1;
    return declareWithChannel(slack, { title: `${title} ${titles}`, reporter: RITA });
  };

  /** Moves the clock and runs what became due. */
  const advance = (ms: number) => advanceAndRunDueJobs(slack.app, clock, ms);

  /** Presses a button on a message the bot posted in the incident channel. */
  function press(inc: IncidentInChannel, message: FakeMessage, actionId: string, userId: string) {
    return blockAction({
      actionId,
      value: buttonValue(message, actionId),
      userId,
      channelId: inc.channelId,
      messageTs: message.ts,
      responseUrl: slack.fake.responseUrl(`press-${message.ts}-${actionId}`),
    });
  }

  /** A later mention whose confirmation, once out, means every earlier request was handled. */
  async function barrier(inc: IncidentInChannel, label: string): Promise<void> {
    await inc.mention(RITA, `note ${label}`);
    await inc.settled(inc.channelPost(/Noted on the timeline/));
  }

  const announcements = () => slack.fake.messagesIn('incidents');

  ctx.test('no lead: a reminder at 5 minutes with "I\'ll lead" and a snooze; snoozed until it ends (once, however often Slack delivers the press); taking the lead ends it', async () => {
    const inc = await open('Payments failing');
    const reminders = () => inc.channelMessagesMatching(/Nobody is leading/);

    await advance(4 * MINUTE);
    assert.equal(reminders().length, 0, 'not before 5 minutes');
    await advance(1 * MINUTE);
    assert.equal(reminders().length, 1, 'at 5 minutes');
    const [first] = reminders();
    assert.deepEqual(buttonIds(first!.blocks), ['incident.take_role', 'nudge.snooze']);
    assert.match(messageText(first!), /I'll lead.*Snooze 30 min/s);
    assert.match(messageText(first!), /\/incident lead @person/);

    const snooze = press(inc, first!, 'nudge.snooze', SAM);
    assert.equal((await slack.send(snooze)).status, 200);
    const [confirmation] = await inc.settled(inc.channelPost(/Reminder snoozed until .*nobody is incident lead yet — <@U0SAM>/));
    assert.ok(confirmation);
    // Slack delivering the same press again a minute later (a retry) must not snooze it again.
    clock.advance(MINUTE);
    assert.equal((await slack.send(snooze, { retryNum: 1, retryReason: 'http_timeout' })).status, 200);
    await barrier(inc, 'snooze retry is over');
    assert.equal(inc.channelMessagesMatching(/Reminder snoozed/).length, 1, 'one confirmation');
    const snoozes = (await slack.app.incidents.audit(inc.id)).filter((r) => r.type === 'nudge.snoozed');
    assert.equal(snoozes.length, 1, 'snoozed once');

    // Due again at 15 minutes without the snooze; snoozed for 30 minutes from 5, it waits until 35.
    await advance(28 * MINUTE);
    assert.equal(reminders().length, 1, 'quiet while snoozed (at 34 minutes)');
    await advance(1 * MINUTE);
    assert.equal(reminders().length, 2, 'again when the snooze ends');

    const second = reminders()[1]!;
    assert.equal((await slack.send(press(inc, second, 'incident.take_role', LENA))).status, 200);
    await inc.settled(inc.channelPost(/<@U0LENA>.*incident lead/));
    assert.equal((await inc.current()).roleAssignments.find((a) => a.role === 'lead' && !a.endedAt)?.holder.slackUserId, LENA);
    await advance(60 * MINUTE);
    assert.equal(reminders().length, 2, 'answered: no more');
  });

  ctx.test('the timeline calls a reminder sent only once it reached the channel: one Slack refused is raised, not sent', async () => {
    const delivered = await open('Delivered reminder');
    const refused = await open('Refused reminder');
    const sentLines = async (inc: IncidentInChannel) =>
      (await slack.app.timeline.list(inc.id)).filter((e) => e.text === 'Reminder sent: nobody is incident lead yet').length;
    const raised = async (inc: IncidentInChannel) =>
      (await slack.app.incidents.audit(inc.id)).filter((r) => r.type === 'nudge.sent' && r.data.kind === 'no_lead').length;

    // The first reminder post Slack answers refuses for good; the other incident's goes through.
    slack.fake.failNext('chat.postMessage', 1, { error: 'channel_not_found' });
    await advance(5 * MINUTE);
    const posts = slack.fake.calls.filter((c) => c.method === 'chat.postMessage' && /Nobody is leading/.test(JSON.stringify(c.params)));
    const refusedOne = posts.find((c) => c.rejected);
    assert.ok(refusedOne, 'Slack refused one reminder');
    const [lost, got] = refusedOne.params.channel === refused.channelId ? [refused, delivered] : [delivered, refused];
    assert.equal(await raised(lost), 1);
    assert.equal(await sentLines(lost), 0, 'refused: not told as sent');
    assert.equal(await raised(got), 1);
    assert.equal(await sentLines(got), 1, 'delivered: told as sent');
  });

  ctx.test('`update <text>` reaches the announcement channel and the incident channel; a private incident\'s stays in its channel', async () => {
    const inc = await open('Checkout slow');
    const answer = await inc.slash(RITA, 'update Card payments are back for most users; <@U0LENA> is watching the queue');
    assert.equal(answer.reply, '');
    const update = new RegExp(`Update on ${inc.reference} — ${inc.title}:\\*? Card payments are back for most users; <@U0LENA> is watching the queue — by <@U0RITA>`);
    await inc.settled(inc.channelPost(update));
    assert.equal(announcements().filter((m) => update.test(messageText(m))).length, 1, 'announced once');
    assert.equal(inc.channelMessagesMatching(update).length, 1, 'and in the channel once');

    const secret = await open('Salary file shared');
    const rita: Actor = { user: (await slack.app.users.fromSlack(RITA)).user, source: 'slack' };
    await slack.app.incidents.update(rita, secret.id, { private: true });
    await secret.slash(RITA, 'update Access revoked; checking the logs');
    // The announcement job is queued before the channel's: once the channel has it, both have run.
    await secret.settled(secret.channelPost(/Update on .*Access revoked; checking the logs/));
    assert.deepEqual(
      announcements().filter((m) => /Access revoked/.test(messageText(m))),
      [],
      'nothing of a private incident in the announcement channel',
    );
  });

  ctx.test('`checkins every 30m` brings a team check-in with the summary and the open actions after 30 minutes', async () => {
    const inc = await open('Uploads stuck');
    await inc.slash(RITA, 'summary Uploads wait in the queue for hours');
    await inc.slash(RITA, 'action Restart the upload workers');
    await inc.slash(RITA, 'action Tell the support desk');
    await inc.settled(inc.channelPost(/Tell the support desk/));
    const [done] = (await slack.app.actions.list(inc.id)).filter((a) => a.text === 'Tell the support desk');
    await slack.app.actions.update({ user: (await slack.app.users.fromSlack(RITA)).user, source: 'slack' }, inc.id, done!.id, { done: true });

    const bad = await inc.slash(LENA, 'checkins every 2');
    assert.match(bad.reply, /Say the unit: checkins every 2m \(minutes\)/);
    await inc.slash(LENA, 'checkins every 30m');
    await inc.settled(inc.channelPost(/Team check-ins every 30 min.*— <@U0LENA>/));

    const checkins = () => inc.channelMessagesMatching(/Team check-in for/);
    await advance(29 * MINUTE);
    assert.equal(checkins().length, 0);
    await advance(1 * MINUTE);
    assert.equal(checkins().length, 1);
    const text = messageText(checkins()[0]!);
    assert.match(text, /Summary:\* Uploads wait in the queue for hours/);
    assert.match(text, /• Restart the upload workers/);
    assert.doesNotMatch(text, /Tell the support desk/, 'a done action is not open');

    await inc.slash(LENA, 'checkins off');
    await inc.settled(inc.channelPost(/Team check-ins stopped/));
    await advance(60 * MINUTE);
    assert.equal(checkins().length, 1, 'off: no more');
  });

  ctx.test('after a resolved close: the archive warning at 6 days with "Keep channel", the channel archived once at 7 days', async () => {
    const inc = await open('Search is down');
    await inc.slash(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    const archives = () => slack.fake.calls.filter((c) => deliveredTo('conversations.archive')(c) && c.params.channel === inc.channelId);
    const warnings = () => inc.channelMessagesMatching(/This channel will be archived/);

    await advance(6 * DAY - MINUTE);
    assert.equal(warnings().length, 0);
    await advance(MINUTE);
    assert.equal(warnings().length, 1);
    assert.deepEqual(buttonIds(warnings()[0]!.blocks), ['nudge.stop']);
    assert.match(messageText(warnings()[0]!), /Keep channel/);
    assert.match(messageText(warnings()[0]!), /\/incident keep/);
    assert.equal(archives().length, 0);

    await advance(DAY);
    assert.equal(archives().length, 1, 'archived at 7 days');
    assert.equal(slack.fake.state.channels.get(inc.channelId)?.archived, true);
    await advance(2 * DAY);
    assert.equal(archives().length, 1, 'once');
  });

  ctx.test('`keep` after close: no warning, never archived', async () => {
    const inc = await open('Reports late');
    await inc.slash(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    await inc.slash(LENA, 'keep');
    await inc.settled(inc.channelPost(/This channel will be kept.*— <@U0LENA>/));

    await advance(8 * DAY);
    assert.equal(inc.channelMessagesMatching(/will be archived/).length, 0);
    assert.equal(slack.fake.calls.filter((c) => c.method === 'conversations.archive' && c.params.channel === inc.channelId).length, 0);
  });

  ctx.test('"RCA is booked" on the reminder stops it, and says who booked it', async () => {
    // A Monday, 09:00 in London (the earlier tests left the clock before it): the reminder waits for working hours.
    clock.set(new Date('2024-06-03T08:00:00.000Z'));
    const inc = await open('Emails bounced');
    await inc.slash(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    await advance(2 * 60 * MINUTE - MINUTE);
    assert.equal(inc.channelMessagesMatching(/[Ss]chedule the root cause analysis for /).length, 0, 'not before 2 hours');
    await advance(MINUTE);
    const [reminder] = inc.channelMessagesMatching(/[Ss]chedule the root cause analysis for /);
    assert.ok(reminder, 'the RCA reminder');
    assert.deepEqual(buttonIds(reminder.blocks), ['nudge.stop', 'nudge.snooze']);
    await slack.send(press(inc, reminder, 'nudge.stop', LENA));
    await inc.settled(inc.channelPost(/root cause analysis is booked.*— <@U0LENA>/));
    await advance(3 * DAY);
    assert.equal(inc.channelMessagesMatching(/[Ss]chedule the root cause analysis for /).length, 1, 'no more');
  });
});
