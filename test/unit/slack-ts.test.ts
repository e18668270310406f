import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slackTsToDate } from '../../src/slack/parse/slack-text.js';

describe('slackTsToDate', () => {
  it('reads a Slack message ts as the moment it was sent, to the millisecond', () => {
    assert.equal(slackTsToDate('1700000000.000100')?.toISOString(), '2023-11-14T22:13:20.000Z');
    assert.equal(slackTsToDate('1700000000.123456')?.toISOString(), '2023-11-14T22:13:20.123Z');
    assert.equal(slackTsToDate('1700000000')?.toISOString(), '2023-11-14T22:13:20.000Z');
  });

  // Found by the Slack payload fuzz suite: a pinned message with such a ts became an Invalid Date,
  // whose write failed with a RangeError and lost the pin.
  it('is null for anything that is not a Slack ts, never an Invalid Date', () => {
    for (const ts of ['', 'x', '99999999999999999999.1', '-1.0', '1.2.3', '1700000000.', ' 1700000000.000100', '1e9']) {
      assert.equal(slackTsToDate(ts), null, ts);
    }
  });
});
