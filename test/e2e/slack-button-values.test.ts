import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction } from '../support/slack-requests.js';

// Found by the Slack payload fuzz suite: a take-role button whose value was not JSON threw a
// SyntaxError in the listener (logged as a bug, "something went wrong" to the person).
describeEngines('Slack buttons: a value that is not ours', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
  });
  after(() => slack.close());

  ctx.test('a take-role button whose value is not JSON says it is out of date and changes nothing', async () => {
    const { user } = await slack.app.users.fromSlack('U0SEED');
    const incident = await slack.app.incidents.declare({ user, source: 'slack' }, { title: 'Button values' });
    const response = await slack.send(
      blockAction({ actionId: 'incident.take_role', value: 'checkins every 5m', userId: 'U0TAKER', channelId: 'C0INCIDENTS', responseUrl: slack.fake.responseUrl() }),
    );
    assert.equal(response.status, 200);
    const [reply] = await slack.fake.waitForResponses(1);
    assert.match(JSON.stringify(reply?.body), /That button is out of date/);
    const after = await slack.app.incidents.get(incident.id);
    assert.equal(after.version, incident.version);
  });
});
