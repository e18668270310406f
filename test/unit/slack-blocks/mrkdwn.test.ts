import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownBlock } from '@slack/types';
import { fallbackText, fitBlocks, limits, truncateMrkdwn, truncatePlain } from '../../../src/slack/blocks/limits.js';
import { escapeMrkdwn, incidentUrl, keepSlackMarkup, mention, slackDate, slackLink } from '../../../src/slack/blocks/mrkdwn.js';
import { PAGE_URL } from './helpers.js';

describe('escapeMrkdwn', () => {
  it('escapes &, < and > and nothing else', () => {
    assert.equal(escapeMrkdwn('<script>alert("x")</script> & *bold*'), '&lt;script&gt;alert("x")&lt;/script&gt; &amp; *bold*');
  });

  it('turns a would-be mention into text', () => {
    assert.equal(escapeMrkdwn('<!channel>'), '&lt;!channel&gt;');
  });
});

describe('keepSlackMarkup', () => {
  it('keeps user, channel and link tokens typed in Slack', () => {
    const text = 'Ask <@U123> in <#C456|ops>, see <https://x.example|y> and <https://status.example/a?b=1>';
    assert.equal(keepSlackMarkup(text), text);
  });

  it('keeps date tokens', () => {
    const text = 'since <!date^1714564800^{time}|12:00>';
    assert.equal(keepSlackMarkup(text), text);
  });

  it('re-posted text does not ping a whole channel or group again', () => {
    assert.equal(keepSlackMarkup('<!here> and <!channel|channel>, <!everyone>'), '@here and @channel, @everyone');
    assert.equal(keepSlackMarkup('ask <!subteam^S123|@sre>'), 'ask @sre');
  });

  it('escapes everything around the tokens', () => {
    assert.equal(keepSlackMarkup('a < b & <@U123> > c'), 'a &lt; b &amp; <@U123> &gt; c');
  });

  it('escapes malformed or dangerous look-alikes', () => {
    assert.equal(keepSlackMarkup('<script>'), '&lt;script&gt;');
    assert.equal(keepSlackMarkup('<@alice>'), '&lt;@alice&gt;');
    assert.equal(keepSlackMarkup('<javascript:alert(1)|click>'), '&lt;javascript:alert(1)|click&gt;');
    assert.equal(keepSlackMarkup('<https://x.example'), '&lt;https://x.example');
  });
});

describe('mentions, dates and links', () => {
  it('mentions by Slack id, or names the person escaped', () => {
    assert.equal(mention({ name: 'Bob', slackUserId: 'U0BOB' }), '<@U0BOB>');
    assert.equal(mention({ name: 'Carol <Ops>', slackUserId: null }), 'Carol &lt;Ops&gt;');
    assert.equal(mention({ name: 'Eve', slackUserId: 'U1><!channel' }), 'Eve');
  });

  it('writes a Slack date token with an ISO fallback', () => {
    assert.equal(slackDate(new Date('2024-05-01T12:00:00Z')), '<!date^1714564800^{date_short_pretty} {time}|2024-05-01T12:00:00.000Z>');
  });

  it('keeps a link well-formed whatever the URL holds', () => {
    assert.equal(slackLink('https://x.example/?a=1&b=|2', 'A <b>'), '<https://x.example/?a=1&amp;b=%7C2|A &lt;b&gt;>');
  });

  it('builds the incident page URL from the public URL and the reference', () => {
    assert.equal(incidentUrl('https://incidents.example.com/', { reference: 'INC-7' }), PAGE_URL);
  });
});

describe('truncation', () => {
  it('leaves short text alone', () => {
    assert.equal(truncateMrkdwn('short', 3000, PAGE_URL), 'short');
    assert.equal(truncatePlain('short', 150), 'short');
  });

  it('cuts long mrkdwn to the limit and points to the incident page', () => {
    const cut = truncateMrkdwn('x'.repeat(5000), 3000, PAGE_URL);
    assert.ok(cut.length <= 3000);
    assert.ok(cut.endsWith(`… <${PAGE_URL}|see the incident page>`));
  });

  it('never splits a mention, a link or an entity, wherever the cut falls', () => {
    for (let prefix = 2880; prefix < 2960; prefix++) {
      const text = `${'a'.repeat(prefix)}<@U0123456789> &amp; <https://x.example/long/path|label> &lt; ${'z'.repeat(200)}`;
      const cut = truncateMrkdwn(text, 3000, PAGE_URL);
      assert.ok(cut.length <= 3000);
      const body = cut.slice(0, cut.lastIndexOf('\n'));
      assert.equal((body.match(/</g) ?? []).length, (body.match(/>/g) ?? []).length, `unbalanced at ${prefix}`);
      assert.doesNotMatch(body, /&(?!amp;|lt;|gt;)/, `split entity at ${prefix}`);
    }
  });

  it('closes a code block the cut left open', () => {
    const cut = truncateMrkdwn('```' + 'log line\n'.repeat(500), 1000, PAGE_URL);
    assert.equal((cut.match(/```/g) ?? []).length, 2);
  });

  it('never splits an emoji in plain text', () => {
    for (const prefix of ['', 'x']) {
      const cut = truncatePlain(prefix + '🔥'.repeat(100), 150);
      assert.ok(cut.length <= 150);
      assert.ok(cut.endsWith('🔥…'), cut.slice(-4));
    }
  });

  it('keeps the fallback text within its limit', () => {
    assert.ok(fallbackText('z'.repeat(10_000)).length <= limits.fallbackText);
  });

  it('keeps a message to 50 blocks, the last one saying where the rest is', () => {
    const many: KnownBlock[] = Array.from({ length: 70 }, () => ({ type: 'divider' }));
    const fitted = fitBlocks(many, PAGE_URL);
    assert.equal(fitted.length, 50);
    assert.equal(fitted[49]?.type, 'context');
    assert.equal(fitBlocks(many.slice(0, 10), PAGE_URL).length, 10);
  });
});
