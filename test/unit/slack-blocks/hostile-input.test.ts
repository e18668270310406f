import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlackMessage } from '../../../src/slack/blocks/limits.js';
import { renderClosedMessage } from '../../../src/slack/blocks/closed-message.js';
import { renderCommandReply } from '../../../src/slack/blocks/command-reply.js';
import { renderHeadline } from '../../../src/slack/blocks/headline.js';
import { renderHelp } from '../../../src/slack/blocks/help.js';
import { renderKickoff } from '../../../src/slack/blocks/kickoff.js';
import { renderReporterConfirmation } from '../../../src/slack/blocks/reporter-confirmation.js';
import { renderRoleAnnouncement, renderRoleDm } from '../../../src/slack/blocks/roles.js';
import { renderTopic } from '../../../src/slack/blocks/topic.js';
import { assertWellFormedMrkdwn, assertWithinLimits, carol, closed, declared, PUBLIC_URL, severities, withChannel, withRole } from './helpers.js';

const hostileTitle = `<script>alert(1)</script> & <!channel> ${'long title '.repeat(15)}`.slice(0, 200);
const hostileText = `<@U123> <https://x|y> <!here> & <b> > ${'&<>'.repeat(1700)}`;

function hostile() {
  let incident = declared({ title: hostileTitle, summary: hostileText, impact: hostileText, severity: 'major', private: true });
  incident = withRole(incident, 'lead', carol);
  incident = withRole(incident, 'commsLead', carol);
  incident = withRole(incident, 'Expert <&>', carol);
  return withChannel(incident);
}

function check(name: string, message: SlackMessage): void {
  assertWithinLimits(message.blocks);
  assertWellFormedMrkdwn(message.text);
  assert.ok(message.text.length > 0 && message.text.length <= 3000, `${name}: fallback text`);
}

describe('every message, given hostile and over-long input', () => {
  const features = { pager: true, call: true };

  it('stays within Block Kit limits and holds only well-formed mrkdwn', () => {
    const open = hostile();
    const done = closed(open, 'resolved');
    check('headline', renderHeadline(open, { publicUrl: PUBLIC_URL, severities, features }));
    check('closed headline', renderHeadline(done, { publicUrl: PUBLIC_URL, severities, features }));
    check('kickoff', renderKickoff(open, { publicUrl: PUBLIC_URL, features }));
    check('role announcement', renderRoleAnnouncement({ role: 'Expert <&>', holder: carol, previous: carol }));
    for (const role of ['lead', 'scribe', 'commsLead', 'Expert <&>']) check(`dm ${role}`, renderRoleDm(role, open, PUBLIC_URL));
    check('closed', renderClosedMessage(done, { publicUrl: PUBLIC_URL, note: hostileText }));
    check('confirmation', renderReporterConfirmation(open, { publicUrl: PUBLIC_URL, announcementChannelId: 'C1' }));
    check('help', renderHelp({ commandName: '/inc<i>dent', severities, botMention: '@b&t' }));
    check('reply', renderCommandReply('error', hostileText));
  });

  it('keeps the topic within 250 characters and escaped', () => {
    const topic = renderTopic(hostile(), PUBLIC_URL, severities);
    assert.ok(topic.length <= 250);
    assertWellFormedMrkdwn(topic);
  });

  it('is caught by the mrkdwn check when it is not well formed', () => {
    assert.throws(() => assertWellFormedMrkdwn('type `/incident <command>`'));
    assert.throws(() => assertWellFormedMrkdwn('AT&T'));
    assertWellFormedMrkdwn('<@U1> &amp; <https://x|y> &lt;b&gt;');
  });
});
