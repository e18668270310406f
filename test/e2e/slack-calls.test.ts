import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { deliveredTo, type FakeSlackCall } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction } from '../support/slack-requests.js';
import { buttonIds, declareWithChannel, messageText, type IncidentInChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA'; // reporter
const LENA = 'U0LENA'; // lead

const CALL_URL_TEMPLATE = 'https://meet.jit.si/acme-{reference}?room={channel}';
const HELP_CHANNELS = '#ask-platform:Platform and hosting,#ask-security:Security & access,C0DEVELOPERS';

function seedWorkspace(slack: SlackHarness): void {
  slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
  slack.fake.addUser({ id: LENA, name: 'Lena Lead' });
}

/** The link the template makes for this incident. */
async function expectedLink(inc: IncidentInChannel): Promise<string> {
  const channel = (await inc.current()).channel?.name ?? '';
  return `https://meet.jit.si/acme-${inc.reference}?room=${channel}`;
}

/** The call bookmarks Slack holds in the incident's channel. */
function callBookmarks(slack: SlackHarness, inc: IncidentInChannel): string[] {
  const channel = slack.fake.state.channels.get(inc.channelId);
  return (channel?.bookmarks ?? []).filter((b) => b.title === 'Conference call').map((b) => b.link ?? '');
}

async function callEntries(slack: SlackHarness, inc: IncidentInChannel) {
  return (await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'call');
}

/** The kickoff message: the bot's first message in the new channel. */
function kickoff(inc: IncidentInChannel) {
  const message = inc.channelMessagesMatching(/This channel is for responding to/)[0];
  assert.ok(message, 'a kickoff message was posted');
  return message;
}

const bookmarkIn = (inc: IncidentInChannel) => (c: FakeSlackCall) =>
  deliveredTo('bookmarks.add')(c) && c.params.channel_id === inc.channelId && c.params.title === 'Conference call';

describeEngines('Slack: conference calls and help channels', (ctx) => {
  let slack: SlackHarness;
  let n = 0;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl, { env: { CALL_URL_TEMPLATE, HELP_CHANNELS } });
    seedWorkspace(slack);
  });
  after(() => slack.close());

  const open = (title: string) => declareWithChannel(slack, { title: `${title} ${++n}`, reporter: RITA });

  ctx.test('the kickoff offers "Start a call" and lists the help channels', async () => {
    const inc = await open('Kickoff with a call');
    const message = kickoff(inc);
    assert.ok(buttonIds(message.blocks).includes('incident.start_call'));
    const text = messageText(message);
    assert.match(text, /Need help from outside the team/);
    assert.match(text, /#ask-platform — Platform and hosting/);
    assert.match(text, /#ask-security — Security &amp; access/);
    assert.match(text, /<#C0DEVELOPERS>/);
  });

  ctx.test('"Start a call" posts the link, bookmarks it and records it; a second press reuses it', async () => {
    const inc = await open('Call by button');
    const link = await expectedLink(inc);
    const press = (id: string) =>
      slack.send(
        blockAction({
          actionId: 'incident.start_call',
          value: inc.id,
          userId: LENA,
          channelId: inc.channelId,
          responseUrl: slack.fake.responseUrl(id),
        }),
      );

    assert.equal((await press(`call-1-${inc.reference}`)).status, 200);
    const [posted] = await inc.settled(inc.channelPost(/Conference call started/));
    assert.ok(posted);
    assert.ok(String(JSON.stringify(posted.params.blocks)).includes(link), 'the channel message carries the link');
    assert.deepEqual(callBookmarks(slack, inc), [link]);
    const entries = await callEntries(slack, inc);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.link, link);
    assert.equal(entries[0]?.author.slackUserId, LENA);

    assert.equal((await press(`call-2-${inc.reference}`)).status, 200);
    const [again] = await slack.fake.waitForResponses(1, (r) => r.id === `call-2-${inc.reference}`);
    assert.match(JSON.stringify(again?.body), /already has a call/);
    assert.ok(JSON.stringify(again?.body).includes(link));
    await slack.app.worker.idle();
    assert.deepEqual(callBookmarks(slack, inc), [link], 'bookmarked once');
    assert.equal((await callEntries(slack, inc)).length, 1, 'recorded once');
    assert.equal(inc.channelMessagesMatching(/Conference call started/).length, 1);
  });

  ctx.test('`call` posts the link, bookmarks it and records it; a second `call` reuses the same link', async () => {
    const inc = await open('Call by command');
    const link = await expectedLink(inc);

    const first = await inc.slash(LENA, 'call');
    assert.equal(first.status, 200);
    assert.equal(first.reply, '', 'the channel message is the answer');
    await inc.settled(inc.channelPost(/Conference call started/));
    await slack.fake.waitFor(bookmarkIn(inc));
    assert.deepEqual(callBookmarks(slack, inc), [link]);
    assert.deepEqual((await callEntries(slack, inc)).map((e) => e.link), [link]);

    const second = await inc.slash(RITA, 'call');
    assert.match(second.reply, /already has a call/);
    assert.ok(second.reply.includes(link));
    await inc.mention(RITA, 'call');
    await inc.settled(inc.ephemeralTo(RITA, /already has a call/));
    assert.deepEqual(callBookmarks(slack, inc), [link], 'bookmarked once');
    assert.equal((await callEntries(slack, inc)).length, 1, 'recorded once');
    assert.equal(slack.fake.calls.filter(bookmarkIn(inc)).length, 1);
  });

  ctx.test('`help` lists `call` and the help channels', async () => {
    const inc = await open('Help lists channels');
    const help = await inc.slash(RITA, 'help');
    assert.match(help.reply, /`call`/);
    assert.match(help.reply, /#ask-platform — Platform and hosting/);
    assert.match(help.reply, /<#C0DEVELOPERS>/);
  });
});

describeEngines('Slack: without CALL_URL_TEMPLATE or HELP_CHANNELS', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
    seedWorkspace(slack);
  });
  after(() => slack.close());

  ctx.test('no call button, no help channels, and `call` says how to set one up', async () => {
    const inc = await declareWithChannel(slack, { title: 'No calls here', reporter: RITA });
    const message = kickoff(inc);
    assert.ok(!buttonIds(message.blocks).includes('incident.start_call'));
    assert.doesNotMatch(messageText(message), /Need help from outside the team/);

    const answer = await inc.slash(LENA, 'call');
    assert.match(answer.reply, /CALL_URL_TEMPLATE/);
    assert.match(answer.reply, /meet\.jit\.si/);
    await slack.app.worker.idle();
    assert.deepEqual(callBookmarks(slack, inc), []);
    assert.deepEqual(await callEntries(slack, inc), []);

    const help = await inc.slash(RITA, 'help');
    assert.doesNotMatch(help.reply, /Need help from outside the team/);
  });
});
