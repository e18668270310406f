import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident } from '../../../src/domain/incident.js';
import { renderHeadline } from '../../../src/slack/blocks/headline.js';
import { actionIds } from '../../../src/slack/blocks/ids.js';
import type { SlackFeatures } from '../../../src/slack/blocks/incident-parts.js';
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
  texts,
  withChannel,
  withRole,
} from './helpers.js';

const all: SlackFeatures = { pager: true, call: true };
const none: SlackFeatures = { pager: false, call: false };

function render(incident: Incident, features: SlackFeatures = all) {
  const message = renderHeadline(incident, { publicUrl: PUBLIC_URL, severities, features });
  assertWithinLimits(message.blocks);
  return message;
}

describe('renderHeadline buttons', () => {
  it('offers every next step on a live, open incident with no channel yet', () => {
    const { blocks } = render(declared());
    assert.deepEqual(buttonLabels(blocks), ['Create comms channel', 'Page on-call lead', 'Start a call', 'Edit', 'Close']);
    assert.deepEqual(
      buttons(blocks).map((b) => b.action_id),
      [actionIds.createChannel, actionIds.pageLead, actionIds.startCall, actionIds.edit, actionIds.close],
    );
    assert.ok(buttons(blocks).every((b) => b.value === 'incident-7'));
  });

  it('drops "Create comms channel" once the channel exists', () => {
    assert.deepEqual(buttonLabels(render(withChannel(declared())).blocks), ['Page on-call lead', 'Start a call', 'Edit', 'Close']);
  });

  it('shows paging and calls only when those integrations are configured', () => {
    assert.deepEqual(buttonLabels(render(declared(), none).blocks), ['Create comms channel', 'Edit', 'Close']);
    assert.deepEqual(buttonLabels(render(declared(), { pager: true, call: false }).blocks), [
      'Create comms channel',
      'Page on-call lead',
      'Edit',
      'Close',
    ]);
  });

  it('offers no channel, paging or call for a report of something already over', () => {
    assert.deepEqual(buttonLabels(render(declared({ reportOnly: true })).blocks), ['Edit', 'Close']);
  });

  it('has no buttons at all once closed', () => {
    const { blocks } = render(closed(declared(), 'resolved'));
    assert.deepEqual(buttons(blocks), []);
    assert.equal(blocks.some((b) => b.type === 'actions'), false);
  });
});

describe('renderHeadline content', () => {
  it('heads with the reference and title and links the incident page', () => {
    const { blocks, text } = render(declared());
    assert.deepEqual(blocks[0], { type: 'header', text: { type: 'plain_text', text: 'INC-7: Checkout is failing', emoji: true } });
    assert.ok(allText(blocks).includes(`<${PAGE_URL}|Open the incident page>`));
    assert.equal(text, 'INC-7 declared: Checkout is failing');
  });

  it('shows status, "Not set" severity, unassigned roles and the start as a Slack date', () => {
    const body = allText(render(declared()).blocks);
    assert.match(body, /\*Status\*\nOpen/);
    assert.match(body, /\*Severity\*\nNot set/);
    assert.match(body, /\*Incident lead\*\n_Unassigned_/);
    assert.match(body, /\*Scribe\*\n_Unassigned_/);
    assert.match(body, /\*Comms lead\*\n_Unassigned_/);
    assert.match(body, /\*Channel\*\n_Not created yet_/);
    assert.ok(body.includes('*Started*\n<!date^1714564800^{date_short_pretty} {time}|2024-05-01T12:00:00.000Z>'));
  });

  it('mentions role holders by Slack id, or names them (escaped) when they have none', () => {
    let incident = withRole(declared({ severity: 'critical' }), 'lead', bob);
    incident = withRole(incident, 'scribe', alice);
    incident = withRole(incident, 'commsLead', carol);
    const body = allText(render(withChannel(incident)).blocks);
    assert.match(body, /\*Incident lead\*\n<@U0BOB>/);
    assert.match(body, /\*Scribe\*\n<@U0ALICE>/);
    assert.ok(body.includes('*Comms lead*\nCarol &lt;Ops&gt; &amp; Co'));
    assert.match(body, /\*Severity\*\nCritical/);
    assert.match(body, /\*Channel\*\n<#C0INC7>/);
  });

  it('warns when the lead is also the scribe', () => {
    const incident = withRole(withRole(declared(), 'lead', bob), 'scribe', bob);
    assert.match(allText(render(incident).blocks), /:warning: Bob is both incident lead and scribe/);
  });

  it('marks closed incidents with their reason', () => {
    const resolved = render(closed(declared(), 'resolved'));
    assert.match(allText(resolved.blocks), /\*Status\*\nClosed — resolved/);
    assert.equal(resolved.text, 'INC-7 closed: Checkout is failing');
    const blocked = allText(render(closed(declared(), 'blocked', new Date('2024-05-08T09:00:00Z'))).blocks);
    assert.match(blocked, /\*Status\*\nClosed — blocked until <!date\^1715158800\^\{date_short_pretty\}\|2024-05-08T09:00:00.000Z>/);
  });

  it('marks report-only incidents, and when it happened', () => {
    const body = allText(render(declared({ reportOnly: true, occurredAt: new Date('2024-04-30T08:00:00Z') })).blocks);
    assert.match(body, /Open \(report of something that already happened\)/);
    assert.match(body, /\*Reported\*\n<!date/);
    assert.match(body, /\*Happened\*\n<!date\^1714464000/);
  });

  it('marks private incidents', () => {
    const { blocks, text } = render(declared({ private: true }));
    assert.match(allText(blocks), /:lock: \*Private\* — only the people involved can see it/);
    assert.match(text, /\(private\)/);
    assert.doesNotMatch(allText(render(declared()).blocks), /Private/);
  });

  it('escapes a title with markup in the fallback text, and keeps the header plain', () => {
    const { blocks, text } = render(declared({ title: '<script>alert(1)</script> & co' }));
    assert.equal(text, 'INC-7 declared: &lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    assert.equal(texts(blocks)[0], 'INC-7: <script>alert(1)</script> & co');
  });

  it('keeps mentions and links in a summary typed in Slack, escaping the rest', () => {
    const body = allText(render(declared({ summary: 'Paged <@U123>, see <https://x|y>. 5 < 6 & <b>' })).blocks);
    assert.ok(body.includes('*Summary*\nPaged <@U123>, see <https://x|y>. 5 &lt; 6 &amp; &lt;b&gt;'));
  });

  it('cuts a 5000-character summary to the section limit, pointing to the incident page', () => {
    const { blocks } = render(declared({ summary: 'word '.repeat(1000), impact: 'i'.repeat(5000) }));
    const long = texts(blocks).filter((t) => t.startsWith('*Summary*') || t.startsWith('*Impact*'));
    assert.equal(long.length, 2);
    for (const t of long) {
      assert.ok(t.length <= 3000, `${t.length}`);
      assert.ok(t.endsWith(`<${PAGE_URL}|see the incident page>`));
    }
  });

  it('cuts an over-long header to 150 characters', () => {
    const { blocks } = render({ ...declared(), title: 'T'.repeat(200) });
    const [first] = texts(blocks);
    assert.ok(first !== undefined && first.length <= 150 && first.endsWith('…'));
  });
});
