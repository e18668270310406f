import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { deliveredTo } from '../support/fake-slack.js';
import { viewSubmission } from '../support/slack-requests.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';

// A drill declared from Slack's modal: stored as a drill, announced as one.
describeEngines('Slack: declaring a drill', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
    slack.fake.addUser({ id: 'U0REPORTER', name: 'rita', realName: 'Rita Reporter', email: 'rita@example.org' });
  });
  after(() => slack.close());

  ctx.test('the ticked drill checkbox makes a drill, and the announcement says so', async () => {
    const response = await slack.send(
      viewSubmission({
        callbackId: 'incident.declare',
        userId: 'U0REPORTER',
        viewId: 'V0DRILL1',
        privateMetadata: JSON.stringify({ channelId: 'C0TEAM' }),
        values: {
          kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
          title: { title: { type: 'plain_text_input', value: 'Game day: failover' } },
          drill: { drill: { type: 'checkboxes', selected_options: [{ value: 'drill' }] } },
        },
      }),
    );
    assert.equal(response.status, 200);
    const [post] = await slack.fake.waitFor((c) => deliveredTo('chat.postMessage')(c) && c.params.channel === 'incidents');
    assert.match(JSON.stringify(post!.params.blocks), /\*Drill\* — a drill or test, not a real incident/);
    assert.match(String(post!.params.text), /INC-1 declared \(drill\)/);
    assert.equal((await slack.app.incidents.get('INC-1')).drill, true);
  });
});
