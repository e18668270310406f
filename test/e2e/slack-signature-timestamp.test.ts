import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { SIGNING_SECRET, startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { urlVerification } from '../support/slack-requests.js';

// Found by the Slack signature fuzz suite: the timestamp header was read with Number(), so
// `+1700000000` or `01700000000` passed with a signature made over `1700000000` — bytes that
// were not the ones sent. Only the plain digits Slack sends are accepted now.
describeEngines('Slack signature: the timestamp header as written', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
  });
  after(() => slack.close());

  ctx.test('a timestamp header written differently from the signed one is refused with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const written of [`+${now}`, `0${now}`, `${now}.0`, `${now}e0`]) {
      const response = await slack.send(urlVerification('c'), { timestamp: now, timestampHeader: written });
      assert.equal(response.status, 401, written);
    }
  });

  ctx.test('an oddly written timestamp is refused even when signed as written', async () => {
    const now = Math.floor(Date.now() / 1000);
    const request = urlVerification('c');
    for (const written of [`+${now}`, `0${now}`, `${now}.0`]) {
      const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${written}:${request.body}`).digest('hex')}`;
      const response = await slack.send(request, { timestamp: now, timestampHeader: written, signature });
      assert.equal(response.status, 401, written);
    }
  });

  ctx.test('the plain digits Slack sends are accepted', async () => {
    const response = await slack.send(urlVerification('proof'));
    assert.equal(response.status, 200);
    assert.deepEqual(response.json(), { challenge: 'proof' });
  });
});
