import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import fc from 'fast-check';
import { slackSignatureMatches } from '../../src/slack/signature.js';
import { signSlackRequest } from '../support/slack-requests.js';

// The worked example of Slack's "Verifying requests from Slack" guide.
const GUIDE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

/** Bolt's verdict on the same request (its clock set to the request's time, so only the signature counts). */
function boltAccepts(secret: string, timestamp: number, body: string, signature: string): boolean {
  try {
    verifySlackRequest({ signingSecret: secret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: timestamp * 1000 });
    return true;
  } catch {
    return false;
  }
}

describe('slackSignatureMatches', () => {
  it("accepts the example of Slack's guide and refuses it changed in any part", () => {
    assert.ok(slackSignatureMatches(GUIDE.secret, GUIDE.timestamp, GUIDE.body, GUIDE.signature));
    assert.ok(!slackSignatureMatches(GUIDE.secret, GUIDE.timestamp + 1, GUIDE.body, GUIDE.signature), 'another timestamp');
    assert.ok(!slackSignatureMatches(GUIDE.secret, GUIDE.timestamp, `${GUIDE.body}x`, GUIDE.signature), 'another body');
    assert.ok(!slackSignatureMatches(`${GUIDE.secret}x`, GUIDE.timestamp, GUIDE.body, GUIDE.signature), 'another secret');
    assert.ok(!slackSignatureMatches(GUIDE.secret, GUIDE.timestamp, GUIDE.body, GUIDE.signature.toUpperCase()), 'upper-case hex');
    assert.ok(!slackSignatureMatches(GUIDE.secret, GUIDE.timestamp, GUIDE.body, GUIDE.signature.slice(0, -1)), 'one digit short');
    assert.ok(!slackSignatureMatches(GUIDE.secret, GUIDE.timestamp, GUIDE.body, `v1=${GUIDE.signature.slice(3)}`), 'another version');
  });

  it('refuses what follows a valid signature, which Bolt ignores', () => {
    const padded = `${GUIDE.signature}=anything`;
    assert.ok(boltAccepts(GUIDE.secret, GUIDE.timestamp, GUIDE.body, padded), "Bolt's check reads only up to the second '='");
    assert.ok(!slackSignatureMatches(GUIDE.secret, GUIDE.timestamp, GUIDE.body, padded));
  });

  it("agrees with Bolt's check on any body, secret and signature of Slack's form (10,000 cases)", () => {
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 99_999_999_999 }), fc.option(hex), (secret, body, timestamp, forged) => {
        const signed = signSlackRequest(body, secret, timestamp);
        // Half the cases carry the right signature, half a forged one of the same shape.
        const signature = forged === null ? signed : `v0=${forged}`;
        assert.equal(slackSignatureMatches(secret, timestamp, body, signature), boltAccepts(secret, timestamp, body, signature));
      }),
      { numRuns: 10_000 },
    );
  });
});

