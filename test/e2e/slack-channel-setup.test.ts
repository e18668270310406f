/**
 * Setting up the comms channel: the invitation, then the kickoff, without waiting for the
 * channel's topic and bookmark. Those are Slack's Tier 2 (20 a minute per workspace), so in an
 * incident storm they are the calls that get a 429; they follow once Slack lets them, each once.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines, ManualClock } from '../support/engines.js';
import { deliveredTo, type FakeSlackCall } from '../support/fake-slack.js';
import { advanceAndRunDueJobs } from '../support/run-due-jobs.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { declareWithChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA';
const RETRY_AFTER_S = 60;

describeEngines('Slack: comms channel set-up', (ctx) => {
  let slack: SlackHarness;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T09:00:00.000Z'));
    slack = await startSlackApp(ctx.databaseUrl, { clock });
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
  });
  after(() => slack.close());

  ctx.test('a rate-limited setTopic holds up neither the invitation nor the kickoff; topic and bookmark follow its Retry-After', async () => {
    slack.fake.failNext('conversations.setTopic', 1, { status: 429, retryAfter: RETRY_AFTER_S });
    const inc = await declareWithChannel(slack, { title: 'Topic throttled', reporter: RITA });
    const inChannel = (method: string) => (c: FakeSlackCall) => c.method === method && (c.params.channel ?? c.params.channel_id) === inc.channelId;
    const delivered = (method: string) => slack.fake.calls.filter((c) => !c.rejected && inChannel(method)(c));
    const isKickoff = (c: FakeSlackCall) => inChannel('chat.postMessage')(c) && /This channel is for responding/.test(String(c.params.text) + JSON.stringify(c.params.blocks));

    // The worker is idle: what could run has run, the topic waits out Slack's Retry-After.
    const kickoffs = slack.fake.calls.filter((c) => !c.rejected && isKickoff(c));
    assert.equal(kickoffs.length, 1, 'the kickoff is out');
    const [invite] = delivered('conversations.invite');
    assert.ok(invite, 'the reporter is invited');
    assert.ok(slack.fake.calls.indexOf(invite) < slack.fake.calls.indexOf(kickoffs[0]!), 'invited before the kickoff, whose mentions notify members only');
    assert.equal(slack.fake.calls.filter((c) => c.rejected && inChannel('conversations.setTopic')(c)).length, 1, 'setTopic was refused once');
    assert.deepEqual([delivered('conversations.setTopic').length, delivered('bookmarks.add').length], [0, 0], 'the details wait, in their order');

    await advanceAndRunDueJobs(slack.app, clock, RETRY_AFTER_S * 1000);
    assert.deepEqual([delivered('conversations.setTopic').length, delivered('bookmarks.add').length], [1, 1], 'then each once');
    assert.match(slack.fake.state.channels.get(inc.channelId)!.topic, new RegExp(inc.reference));
    assert.equal(slack.fake.calls.filter((c) => deliveredTo('chat.postMessage')(c) && isKickoff(c)).length, 1, 'the kickoff once');
  });
});
