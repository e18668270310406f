import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentionedSlackIds, slackMarkupToHtml } from '../../src/http/web/slack-markup.js';

describe('Slack markup on the site', () => {
  const names = new Map([['U0LENA', 'Lena Lead']]);

  it('shows mentions as names and links as links', () => {
    assert.equal(
      slackMarkupToHtml('Ask <@U0LENA>, see <https://status.example/x?a=1&b=2|the status page> in <#C0OPS|ops>', names),
      'Ask <strong>@Lena Lead</strong>, see <a class="govuk-link" href="https://status.example/x?a=1&amp;b=2" rel="noopener noreferrer">the status page</a> in #ops',
    );
  });

  it('falls back to the id for someone we do not know, and keeps bare links', () => {
    assert.equal(slackMarkupToHtml('<@W0UNKNOWN> <https://x.example>', names), '<strong>@W0UNKNOWN</strong> <a class="govuk-link" href="https://x.example" rel="noopener noreferrer">https://x.example</a>');
  });

  it('escapes everything else, so typed HTML shows as text', () => {
    assert.equal(slackMarkupToHtml('<script>alert(1)</script> & "quotes"', names), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });

  it('a link cannot carry script: only http(s) targets are links', () => {
    assert.equal(slackMarkupToHtml('<javascript:alert(1)|click>', names), '&lt;javascript:alert(1)|click&gt;');
  });

  it('keeps lines', () => {
    assert.equal(slackMarkupToHtml('one\ntwo', names), 'one<br>two');
  });

  it('lists the people mentioned', () => {
    assert.deepEqual(mentionedSlackIds('<@U0LENA> and <@W0X|x> but not <#C1>'), ['U0LENA', 'W0X']);
  });
});
