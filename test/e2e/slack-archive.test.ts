import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines, ManualClock } from '../support/engines.js';
import { deliveredTo, type FakeMessage, type FakeSlackCall } from '../support/fake-slack.js';
import { advanceAndRunDueJobs } from '../support/run-due-jobs.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, eventCallback, pinAddedEvent } from '../support/slack-requests.js';
import { buttonIds, declareWithChannel, messageText, type IncidentInChannel } from '../support/slack-scenario.js';
import { eventually } from '../support/eventually.js';
import { WebClient } from '../support/web-client.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const RITA = 'U0RITA'; // reporter
const LENA = 'U0LENA'; // archives

// Archiving the comms channel as people do it (the `archive` command, the close message's button)
// and as the reminder engine does a week after close: one state change, one conversations.archive.
describeEngines('Slack: archiving the incident channel', (ctx) => {
  let slack: SlackHarness;
  let clock: ManualClock;
  let titles = 0;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T09:00:00.000Z'));
    slack = await startSlackApp(ctx.databaseUrl, { clock });
    for (const [id, name] of [[RITA, 'Rita Reporter'], [LENA, 'Lena Lead']] as const) slack.fake.addUser({ id, name });
  });
  after(() => slack.close());

  const open = (title: string) => {
    titles += 1;
    return declareWithChannel(slack, { title: `${title} ${titles}`, reporter: RITA });
  };

  const archiveCalls = (inc: IncidentInChannel) => slack.fake.calls.filter((c) => deliveredTo('conversations.archive')(c) && c.params.channel === inc.channelId);
  const archived = (inc: IncidentInChannel) => (c: FakeSlackCall) => deliveredTo('conversations.archive')(c) && c.params.channel === inc.channelId;
  const lastWord = /This channel is archived; the record stays at/;

  async function closeIt(inc: IncidentInChannel): Promise<FakeMessage> {
    await inc.slash(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    const [closed] = inc.channelMessagesMatching(/is closed — resolved/);
    assert.ok(closed, 'the close message');
    return closed;
  }

  /** A later note whose confirmation, once out, means every earlier request was handled. */
  async function barrier(inc: IncidentInChannel, label: string): Promise<void> {
    await inc.mention(RITA, `note ${label}`);
    await inc.settled(inc.channelPost(/Noted on the timeline/));
  }

  ctx.test('`archive` on a closed incident: the last word, then conversations.archive once, even when the request comes again', async () => {
    const inc = await open('Search is down');
    await closeIt(inc);

    const first = await inc.slash(LENA, 'archive');
    assert.equal(first.status, 200);
    assert.equal(first.reply, '', 'the channel hears it; no private answer');
    await inc.settled(archived(inc));
    const [last] = inc.channelMessagesMatching(lastWord);
    assert.ok(last, 'the last message before archiving');
    assert.match(messageText(last), new RegExp(`https://incidents\\.example\\.org/incidents/${inc.reference}`));
    assert.match(messageText(last), /Archived by <@U0LENA>/);
    const lastPost = slack.fake.calls.find((c) => deliveredTo('chat.postMessage')(c) && c.params.channel === inc.channelId && lastWord.test(String(c.params.text)));
    assert.ok(lastPost && slack.fake.calls.indexOf(lastPost) < slack.fake.calls.indexOf(archiveCalls(inc)[0]!), 'said before the archive');
    assert.equal(slack.fake.state.channels.get(inc.channelId)?.archived, true);

    const stored = await inc.current();
    assert.ok(stored.channelArchivedAt, 'the record says when');
    assert.equal(stored.channelArchivedAt.toISOString(), clock.now().toISOString());
    const timeline = await slack.app.timeline.list(inc.id);
    // Named as Lena was known then (her profile is fetched in the background the first time).
    assert.ok(timeline.some((e) => new RegExp(`^Slack channel #${stored.channel!.name} archived by (Lena Lead|U0LENA)$`).test(e.text)), 'on the timeline');
    const audit = (await slack.app.incidents.audit(inc.id)).filter((r) => r.type === 'incident.channel_archived');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor.slackUserId, LENA);

    // The same command again (typed twice), and an app mention Slack delivers twice.
    const again = await inc.slash(LENA, 'archive');
    assert.match(again.reply, /already archived on 2024-05-01/);
    const eventId = 'EvARCHIVE1';
    assert.equal((await inc.mention(RITA, 'archive', { eventId })).status, 200);
    assert.equal((await inc.mention(RITA, 'archive', { eventId, retryNum: 1 })).status, 200);
    await inc.settled(inc.ephemeralTo(RITA, /already archived/));
    await slack.app.worker.idle();
    assert.equal(archiveCalls(inc).length, 1, 'archived once');
    assert.equal(inc.channelMessagesMatching(lastWord).length, 1, 'one last word');
    assert.equal((await slack.app.incidents.audit(inc.id)).filter((r) => r.type === 'incident.channel_archived').length, 1);
    assert.equal(inc.ephemeralsFor(RITA).filter((e) => /already archived/.test(e.text)).length, 1, 'the retried mention is answered once');
  });

  ctx.test('"Archive channel" on the close message archives once, however often it is pressed or delivered', async () => {
    const inc = await open('Logins slow');
    const closed = await closeIt(inc);
    assert.ok(buttonIds(closed.blocks).includes('incident.archive_channel'), messageText(closed));

    const press = () =>
      blockAction({
        actionId: 'incident.archive_channel',
        value: inc.id,
        userId: LENA,
        channelId: inc.channelId,
        messageTs: closed.ts,
        responseUrl: slack.fake.responseUrl(`archive-${inc.id}`),
      });
    const pressed = press();
    assert.equal((await slack.send(pressed)).status, 200);
    await inc.settled(archived(inc));
    // Slack delivering the same press again, then a second press by the same person.
    assert.equal((await slack.send(pressed, { retryNum: 1, retryReason: 'http_timeout' })).status, 200);
    assert.equal((await slack.send(press())).status, 200);
    await slack.fake.waitForResponses(1, (r) => r.id === `archive-${inc.id}` && /already archived/.test(JSON.stringify(r.body)));
    await slack.app.worker.idle();
    assert.equal(archiveCalls(inc).length, 1, 'archived once');
    assert.ok((await inc.current()).channelArchivedAt);
    assert.equal((await slack.app.incidents.audit(inc.id)).filter((r) => r.type === 'incident.channel_archived').length, 1);
  });

  ctx.test('`archive` on an open incident is refused ("close it first") and asks nothing of Slack', async () => {
    const inc = await open('Checkout failing');
    const answer = await inc.slash(LENA, 'archive');
    assert.match(answer.reply, new RegExp(`${inc.reference} is still open: close it first`));
    await barrier(inc, 'after the refused archive');
    assert.equal(archiveCalls(inc).length, 0);
    assert.equal(inc.channelMessagesMatching(lastWord).length, 0);
    assert.equal((await inc.current()).channelArchivedAt, null);
    assert.equal((await slack.app.incidents.audit(inc.id)).filter((r) => r.type === 'incident.channel_archived').length, 0);

    // The button, pressed on an old message while the incident is open again, is refused the same way.
    const pressed = blockAction({ actionId: 'incident.archive_channel', value: inc.id, userId: LENA, channelId: inc.channelId, responseUrl: slack.fake.responseUrl(`open-${inc.id}`) });
    assert.equal((await slack.send(pressed)).status, 200);
    await slack.fake.waitForResponses(1, (r) => r.id === `open-${inc.id}` && /close it first/.test(JSON.stringify(r.body)));
    assert.equal(archiveCalls(inc).length, 0);
  });

  ctx.test('the automatic archive a week after close sets channelArchivedAt; a later `archive` says it is already archived', async () => {
    const inc = await open('Reports late');
    await closeIt(inc);
    await advanceAndRunDueJobs(slack.app, clock, 7 * DAY);
    assert.equal(archiveCalls(inc).length, 1, 'archived at 7 days');
    const stored = await inc.current();
    assert.ok(stored.channelArchivedAt, 'the record says it is archived');
    const [last] = inc.channelMessagesMatching(lastWord);
    assert.ok(last);
    assert.match(messageText(last), /Archived automatically after close/);
    assert.ok((await slack.app.timeline.list(inc.id)).some((e) => /archived automatically after close/.test(e.text)));

    const later = await inc.slash(LENA, 'archive');
    assert.match(later.reply, /already archived/);
    const keep = await inc.slash(LENA, 'keep');
    assert.match(keep.reply, /already archived/);
    await advanceAndRunDueJobs(slack.app, clock, 2 * DAY);
    assert.equal(archiveCalls(inc).length, 1, 'never twice');
  });

  ctx.test('reopening an incident whose channel is archived says the channel stays archived, and clears nothing', async () => {
    const inc = await open('Queue stuck');
    const closed = await closeIt(inc);
    await inc.slash(LENA, 'archive');
    await inc.settled(archived(inc));
    const reopen = blockAction({ actionId: 'incident.reopen', value: inc.id, userId: RITA, channelId: inc.channelId, messageTs: closed.ts, responseUrl: slack.fake.responseUrl(`reopen-${inc.id}`) });
    assert.equal((await slack.send(reopen)).status, 200);
    await slack.fake.waitForResponses(1, (r) => r.id === `reopen-${inc.id}` && /stays archived: Slack does not let apps unarchive channels/.test(JSON.stringify(r.body)));
    await slack.app.worker.idle();
    const stored = await inc.current();
    assert.equal(stored.status, 'open');
    assert.ok(stored.channelArchivedAt, 'still recorded as archived');
    assert.equal(slack.fake.calls.filter((c) => c.method === 'conversations.unarchive').length, 0);
    // Nothing is sent to the archived channel (Slack would refuse it): no topic, no confirmation.
    const refused = slack.fake.calls.filter((c) => c.params.channel === inc.channelId && c.response?.body.error === 'is_archived');
    assert.deepEqual(refused.map((c) => c.method), []);
    assert.equal((await slack.app.store.jobStore.list({ status: ['failed'], limit: 1000 })).filter((j) => JSON.stringify(j.payload).includes(inc.id)).length, 0, 'no failed Slack job');
  });

  ctx.test('after archiving, the incident page still shows the pinned messages and says when the channel was archived', async () => {
    const inc = await open('Payments declined');
    const ts = `${Math.floor(clock.now().getTime() / 1000) - 60}.000100`;
    const pin = pinAddedEvent({ user: RITA, channel: inc.channelId, message: { user: LENA, text: 'Rolled back the card gateway deploy at 09:40', ts } });
    assert.equal((await slack.send(eventCallback(pin))).status, 200);
    await eventually('the pinned message on the timeline', async () =>
      (await slack.app.timeline.list(inc.id)).find((e) => e.kind === 'pinnedMessage' && /card gateway/.test(e.text)),
    );
    await closeIt(inc);
    await inc.slash(LENA, 'archive');
    await inc.settled(archived(inc));

    const web = new WebClient(slack.baseUrl);
    await web.signIn('Someone Else');
    const page = await web.get(`/incidents/${inc.reference}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Rolled back the card gateway deploy at 09:40/);
    const row = /Slack channel\s*<\/dt>\s*<dd[^>]*>([^<]*)</.exec(page.html)?.[1] ?? page.html.slice(page.html.indexOf("Slack channel"), page.html.indexOf("Slack channel") + 400);
    const when = (await inc.current()).channelArchivedAt!;
    const day = when.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    assert.match(row, new RegExp(`Slack channel archived on ${day}`));
  });
});
