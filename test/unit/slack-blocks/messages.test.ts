import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderClosedMessage } from '../../../src/slack/blocks/closed-message.js';
import { renderCommandReply } from '../../../src/slack/blocks/command-reply.js';
import { renderHelp } from '../../../src/slack/blocks/help.js';
import { actionIds } from '../../../src/slack/blocks/ids.js';
import { renderKickoff } from '../../../src/slack/blocks/kickoff.js';
import { renderReporterConfirmation } from '../../../src/slack/blocks/reporter-confirmation.js';
import { renderRoleAnnouncement, renderRoleDm } from '../../../src/slack/blocks/roles.js';
import {
  alice,
  allText,
  assertWithinLimits,
  bob,
  buttonLabels,
  buttons,
  carol,
  closed,
  declared,
  PAGE_URL,
  PUBLIC_URL,
  severities,
  withChannel,
  withRole,
} from './helpers.js';

describe('renderKickoff', () => {
  const incident = withChannel(declared({ title: 'Checkout & <payments>' }));

  it('says what the channel is for, links the living document and lists the first steps', () => {
    const { blocks, text } = renderKickoff(incident, { publicUrl: PUBLIC_URL, features: { pager: true, call: true } });
    assertWithinLimits(blocks);
    const body = allText(blocks);
    assert.match(body, /This channel is for responding to \*INC-7: Checkout &amp; &lt;payments&gt;\*/);
    assert.ok(body.includes(`<${PAGE_URL}|INC-7 on the incident site>`));
    assert.match(body, /:white_large_square: Page the on-call incident lead/);
    assert.match(body, /:white_large_square: Fill the \*incident lead\* and \*scribe\* roles/);
    assert.match(body, /:white_large_square: Start a call/);
    assert.ok(body.includes('`/incident summary &lt;what is happening&gt;`'));
    assert.ok(body.includes('`/incident sev &lt;level&gt;`'));
    assert.match(text, /^INC-7: Checkout &amp; &lt;payments&gt;\. Next: page the on-call lead/);
  });

  it('offers to take the lead and scribe roles, each button carrying the incident and the role', () => {
    const { blocks } = renderKickoff(incident, { publicUrl: PUBLIC_URL, features: { pager: true, call: true } });
    assert.deepEqual(buttonLabels(blocks), ["I'll lead", "I'll scribe", 'Page on-call lead', 'Start a call']);
    const take = buttons(blocks).filter((b) => b.action_id === actionIds.takeRole);
    assert.deepEqual(
      take.map((b) => JSON.parse(b.value ?? '') as unknown),
      [
        { incidentId: 'incident-7', role: 'lead' },
        { incidentId: 'incident-7', role: 'scribe' },
      ],
    );
  });

  it('leaves out paging and calls when they are not configured', () => {
    const { blocks } = renderKickoff(incident, { publicUrl: PUBLIC_URL, features: { pager: false, call: false } });
    assert.deepEqual(buttonLabels(blocks), ["I'll lead", "I'll scribe"]);
    assert.equal(blocks.some((b) => b.type === 'actions'), false);
  });

  it('shows who already holds a role, and uses the bot mention when given', () => {
    const { blocks } = renderKickoff(withRole(incident, 'lead', bob), {
      publicUrl: PUBLIC_URL,
      features: { pager: false, call: false },
      invocation: '<@U0BOT>',
    });
    const body = allText(blocks);
    assert.match(body, /\*Incident lead\* \(now: <@U0BOB>\)/);
    assert.match(body, /\*Scribe\* \(now: _Unassigned_\)/);
    assert.ok(body.includes('<@U0BOT> `summary &lt;what is happening&gt;`'));
  });
});

describe('renderRoleAnnouncement', () => {
  it('announces a hand-over with mentions', () => {
    const { text, blocks } = renderRoleAnnouncement({ role: 'scribe', holder: bob, previous: alice });
    assert.equal(text, '<@U0BOB> is now incident scribe, taking over from <@U0ALICE>.');
    assert.equal(allText(blocks), text);
  });

  it('announces a first holder, a custom role by its name, and people without Slack ids by name', () => {
    assert.equal(renderRoleAnnouncement({ role: 'lead', holder: bob, previous: null }).text, '<@U0BOB> is now incident lead.');
    assert.equal(
      renderRoleAnnouncement({ role: 'Subject matter expert', holder: carol, previous: null }).text,
      'Carol &lt;Ops&gt; &amp; Co is now Subject matter expert.',
    );
    assert.equal(
      renderRoleAnnouncement({ role: 'commsLead', holder: { name: 'Dan', slackUserId: 'U0DAN' }, previous: { name: 'Erin' } }).text,
      '<@U0DAN> is now communications lead, taking over from Erin.',
    );
  });

  it('says so when a role is left empty', () => {
    assert.equal(
      renderRoleAnnouncement({ role: 'scribe', holder: null, previous: alice }).text,
      'Nobody is incident scribe now (was <@U0ALICE>). Who will take it on?',
    );
  });
});

describe('renderRoleDm', () => {
  const incident = withChannel(declared());

  it("gives the lead the process's responsibilities and first job", () => {
    const { text, blocks } = renderRoleDm('lead', incident, PUBLIC_URL);
    assertWithinLimits(blocks);
    const body = allText(blocks);
    assert.equal(text, 'You are now incident lead for INC-7: Checkout is failing');
    assert.match(body, /Work happens in <#C0INC7>/);
    assert.match(body, /Coordinate the response/);
    assert.match(body, /you do not have to do them yourself/);
    assert.match(body, /Make the final decision/);
    assert.match(body, /RCA/);
    assert.match(body, /set the summary, severity and impact/);
    assert.ok(body.includes(`<${PAGE_URL}|Open the incident page>`));
  });

  it('tells the scribe what to log and how', () => {
    const body = allText(renderRoleDm('scribe', incident, PUBLIC_URL).blocks);
    assert.match(body, /Keep a log: important events, discussion topics, decisions, actions/);
    assert.match(body, /Pin important messages/);
    assert.ok(body.includes('`/incident action &lt;what needs doing&gt;`'));
  });

  it('tells the comms lead about updates and the status page', () => {
    const body = allText(renderRoleDm('commsLead', incident, PUBLIC_URL, { invocation: '/opg-incident' }).blocks);
    assert.match(body, /Tell the people affected/);
    assert.match(body, /regular intervals/);
    assert.ok(body.includes('`/opg-incident statuspage`'));
  });

  it('gives a custom role a short generic text', () => {
    const { text, blocks } = renderRoleDm('Database <expert>', incident, PUBLIC_URL);
    assert.equal(text, 'You are now Database &lt;expert&gt; for INC-7: Checkout is failing');
    assert.match(allText(blocks), /The incident lead will tell you what they need/);
    assert.doesNotMatch(allText(blocks), /Your job/);
  });
});

describe('renderClosedMessage', () => {
  it('asks the comms lead to tell people and the lead to schedule the RCA, by mention', () => {
    const incident = closed(withRole(withRole(declared(), 'lead', bob), 'commsLead', alice), 'resolved');
    const { text, blocks } = renderClosedMessage(incident, { publicUrl: PUBLIC_URL });
    assertWithinLimits(blocks);
    const body = allText(blocks);
    assert.equal(text, 'INC-7 is closed (resolved): Checkout is failing');
    assert.match(body, /INC-7 is closed — resolved/);
    assert.match(body, /<@U0ALICE> \(comms lead\): if people were told about this incident, tell them it is over/);
    assert.match(body, /<@U0BOB> \(incident lead\): schedule the root cause analysis \(RCA\)/);
    assert.match(body, /Archive this channel/);
    assert.ok(body.includes(PAGE_URL));
  });

  it('addresses whoever told people when there is no comms lead, and shows the blocked-until date', () => {
    const incident = closed(declared(), 'blocked', new Date('2024-05-08T09:00:00Z'));
    const body = allText(renderClosedMessage(incident, { publicUrl: PUBLIC_URL }).blocks);
    assert.match(body, /closed — blocked until <!date\^1715158800\^\{date_long_pretty\}\|2024-05-08T09:00:00.000Z>/);
    assert.match(body, /Whoever told people about this incident: tell them it is over/);
    assert.match(body, /Incident lead: schedule the root cause analysis/);
    assert.doesNotMatch(body, /Archive/);
  });

  it('offers to record the RCA and to reopen, and shows the closing note with its Slack markup', () => {
    const { blocks } = renderClosedMessage(closed(declared(), 'resolved'), { publicUrl: PUBLIC_URL, note: 'Fixed by <@U9> & co' });
    assert.match(allText(blocks), /\*Note:\* Fixed by <@U9> &amp; co/);
    assert.deepEqual(
      buttons(blocks).map((b) => [b.action_id, b.text.text, b.value]),
      [
        [actionIds.openRca, 'Record the RCA', 'incident-7'],
        [actionIds.reopen, 'Reopen', 'incident-7'],
      ],
    );
  });

  it('offers no RCA while blocked: work is left before anyone analyses it', () => {
    const { blocks } = renderClosedMessage(closed(declared(), 'blocked'), { publicUrl: PUBLIC_URL });
    assert.ok(!buttons(blocks).some((b) => b.action_id === actionIds.openRca));
  });
});

describe('renderReporterConfirmation', () => {
  it('confirms and gives the next steps of a live incident', () => {
    const { text } = renderReporterConfirmation(declared(), { publicUrl: PUBLIC_URL, announcementChannelId: 'C0INCIDENTS' });
    assert.equal(text, 'INC-7 declared and announced in <#C0INCIDENTS>. Next: create the comms channel and page the on-call lead.');
  });

  it('asks for details of a report instead', () => {
    const { text } = renderReporterConfirmation(declared({ reportOnly: true }), { publicUrl: PUBLIC_URL });
    assert.equal(text, `INC-7 recorded. Next: add what happened and its impact on <${PAGE_URL}|the incident page>.`);
  });
});

describe('renderHelp', () => {
  const { blocks, text } = renderHelp({ commandName: '/incident', severities, botMention: '<@U0BOT>' });

  it('lists every command, usable as a mention or a slash command', () => {
    assertWithinLimits(blocks);
    const body = allText(blocks);
    assert.ok(body.includes('type <@U0BOT> `&lt;command&gt;` or `/incident &lt;command&gt;`'));
    for (const command of [
      'summary',
      'impact',
      'sev &lt;critical|major|trivial&gt;',
      'lead @person',
      'scribe @person',
      'comms @person',
      'role &lt;name&gt; @person',
      'action',
      'note',
      'statuspage',
      'close [resolved|blocked] [note]',
      'reopen',
      'rename',
      'duration',
      'help',
    ]) {
      assert.ok(body.includes(`• \`${command}`), command);
    }
    assert.match(text, /\/incident help/);
  });

  it('says how to declare from anywhere else', () => {
    assert.ok(allText(blocks).includes('`/incident &lt;what happened&gt;` declares a new incident'));
    const custom = allText(renderHelp({ commandName: 'opg-incident', severities, botMention: '@opg-bot' }).blocks);
    assert.ok(custom.includes('type @opg-bot `&lt;command&gt;` or `/opg-incident &lt;command&gt;`'));
  });
});

describe('renderCommandReply', () => {
  it('marks success and failure and escapes what people typed, keeping mentions', () => {
    const ok = renderCommandReply('ok', 'Severity set to Major by <@U0BOB>.');
    assert.equal(allText(ok.blocks), ':white_check_mark: Severity set to Major by <@U0BOB>.');
    assert.equal(ok.text, 'Severity set to Major by <@U0BOB>.');
    const error = renderCommandReply('error', 'Unknown severity "<huge> & bad".');
    assert.equal(allText(error.blocks), ':warning: Unknown severity "&lt;huge&gt; &amp; bad".');
  });

  it('stays within the section limit', () => {
    assertWithinLimits(renderCommandReply('error', 'x'.repeat(5000)).blocks);
  });
});
