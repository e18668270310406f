import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { deliveredTo } from '../support/fake-slack.js';
import { blockAction, slashCommand, urlVerification, viewSubmission } from '../support/slack-requests.js';
import { COMMAND, startSlackApp, type SlackHarness } from '../support/slack-app.js';

describeEngines('Slack: declare, headline, comms channel', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
    slack.fake.addUser({ id: 'U0REPORTER', name: 'rita', realName: 'Rita Reporter', email: 'rita@example.org' });
  });
  after(() => slack.close());

  ctx.test('answers url_verification with the challenge', async () => {
    const response = await slack.send(urlVerification('abc123'));
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), { challenge: 'abc123' });
  });

  ctx.test('/incident <text> acks at once and opens the declare modal with the title prefilled', async () => {
    const response = await slack.send(
      slashCommand({ command: COMMAND, text: 'Use an LPA is down', userId: 'U0REPORTER', channelId: 'C0TEAM', triggerId: 'trig-1', responseUrl: slack.fake.responseUrl('r1') }),
    );
    assert.equal(response.status, 200);
    const [open] = await slack.fake.waitFor(deliveredTo('views.open'));
    assert.equal(open!.params.trigger_id, 'trig-1');
    const view = JSON.stringify(open!.params.view);
    assert.match(view, /Use an LPA is down/);
    assert.match(view, /incident\.declare/);
    assert.match(view, /Requires immediate response/i);
  });

  ctx.test('submitting the modal records the incident, announces it and confirms to the reporter', async () => {
    const response = await slack.send(
      viewSubmission({
        callbackId: 'incident.declare',
        userId: 'U0REPORTER',
        viewId: 'V0DECLARE1',
        privateMetadata: JSON.stringify({ channelId: 'C0TEAM', responseUrl: slack.fake.responseUrl('r1') }),
        values: {
          kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
          title: { title: { type: 'plain_text_input', value: 'Use an LPA is down' } },
          severity: { severity: { type: 'static_select', selected_option: { value: 'major' } } },
        },
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.text, '');
    const [post] = await slack.fake.waitFor((c) => deliveredTo('chat.postMessage')(c) && c.params.channel === 'incidents');
    const headline = JSON.stringify(post!.params.blocks);
    assert.match(headline, /INC-1/);
    assert.match(headline, /Use an LPA is down/);
    assert.match(headline, /incident\.create_channel/);
    assert.match(headline, /https:\/\/incidents\.example\.org\/incidents\/INC-1/);
    // Confirmed where the command was typed, to the reporter alone.
    const [reply] = await slack.fake.waitFor((c) => deliveredTo('chat.postEphemeral')(c) && c.params.channel === 'C0TEAM');
    assert.equal(reply!.params.user, 'U0REPORTER');
    assert.match(String(reply!.params.text), /INC-1/);

    const incident = await slack.app.incidents.get('INC-1');
    assert.equal(incident.severity, 'major');
    assert.equal(incident.reporter.slackUserId, 'U0REPORTER');
  });

  ctx.test('where the bot cannot post (a DM between people), the confirmation goes through the response_url', async () => {
    slack.fake.failNext('chat.postEphemeral', 1, { error: 'channel_not_found' });
    await slack.send(
      viewSubmission({
        callbackId: 'incident.declare',
        userId: 'U0REPORTER',
        viewId: 'V0DECLARE-DM',
        privateMetadata: JSON.stringify({ channelId: 'D0BETWEENPEOPLE', responseUrl: slack.fake.responseUrl('r-dm') }),
        values: {
          kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
          title: { title: { type: 'plain_text_input', value: 'Declared from a DM' } },
        },
      }),
    );
    const [reply] = await slack.fake.waitForResponses(1, (post) => post.id === 'r-dm');
    assert.match(JSON.stringify(reply!.body), /INC-2/);
  });

  ctx.test('the create-channel button makes one channel however often it is pressed', async () => {
    const incident = await slack.app.incidents.get('INC-1');
    const press = (n: number) =>
      slack.send(blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: 'U0REPORTER', channelId: 'C0INCIDENTS', triggerId: `t${n}` }));
    const presses = await Promise.all([press(1), press(2), press(3)]);
    assert.deepEqual(
      presses.map((p) => p.status),
      [200, 200, 200],
    );
    await slack.fake.waitFor(deliveredTo('bookmarks.add'));
    await slack.app.worker.idle();
    assert.equal(slack.fake.callsTo('conversations.create').length, 1);
    const linked = await slack.app.incidents.get('INC-1');
    assert.ok(linked.channel);
    assert.match(linked.channel.name, /^inc-\d{8}-use-an-lpa-is-down$/);
    const channel = slack.fake.state.channels.get(linked.channel.id)!;
    assert.ok(channel.members.includes('U0REPORTER'));
    assert.match(channel.topic, /INC-1/);
    const kickoff = slack.fake.messagesIn(linked.channel.id);
    assert.ok(kickoff.some((m) => /lead/i.test(m.text)));
  });
});
