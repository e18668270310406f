import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action } from '../../../src/domain/action.js';
import type { ActionId } from '../../../src/domain/ids.js';
import type { Incident } from '../../../src/domain/incident.js';
import { nudgeKinds, type NudgeKind } from '../../../src/domain/nudges.js';
import { actionIds } from '../../../src/slack/blocks/ids.js';
import {
  renderCheckinsScheduled,
  renderNudge,
  renderNudgeSnoozed,
  renderNudgeStopped,
  renderStakeholderUpdate,
  SNOOZE_DAY_MS,
  SNOOZE_SHORT_MS,
  type NudgeOptions,
} from '../../../src/slack/blocks/nudge.js';
import { alice, allText, assertWithinLimits, bob, buttonLabels, buttons, closed, DECLARED_AT, declared, PAGE_URL, PUBLIC_URL, severities, withChannel, withRole } from './helpers.js';

const options = (overrides: Partial<NudgeOptions> = {}): NudgeOptions => ({
  publicUrl: PUBLIC_URL,
  invocation: '/opg-incident',
  severities,
  now: new Date(DECLARED_AT.getTime() + 2 * 3_600_000),
  ...overrides,
});

const live = withChannel(declared({ title: 'Checkout & <payments>' }));
const resolved = closed(live, 'resolved');

function render(kind: NudgeKind, incident: Incident, extra: Partial<NudgeOptions> = {}) {
  const message = renderNudge(kind, incident, options(extra));
  assert.ok(message, `${kind} renders`);
  assertWithinLimits(message.blocks);
  return { ...message, body: allText(message.blocks) };
}

const valueOf = (blocks: Parameters<typeof buttons>[0], actionId: string) =>
  JSON.parse(buttons(blocks).find((b) => b.action_id === actionId)?.value ?? 'null') as unknown;

function action(text: string, done = false): Action {
  return {
    id: `action-${text}` as ActionId,
    incidentId: live.id,
    text,
    owner: done ? null : bob,
    done,
    doneAt: null,
    followUp: false,
    dueOn: null,
    createdBy: alice,
    createdAt: DECLARED_AT,
    updatedAt: DECLARED_AT,
  };
}

describe('renderNudge', () => {
  it('no lead: says what to do, offers to take the lead or snooze for 30 minutes, with the configured command', () => {
    const { body, blocks, text } = render('no_lead', live);
    assert.match(body, /\*Nobody is leading INC-7 yet\.\* Someone has to coordinate/);
    assert.ok(body.includes('`/opg-incident lead @person`'));
    assert.ok(body.includes(`<${PAGE_URL}|INC-7 on the incident site>`));
    assert.deepEqual(buttonLabels(blocks), ["I'll lead", 'Snooze 30 min']);
    assert.deepEqual(valueOf(blocks, actionIds.takeRole), { incidentId: live.id, role: 'lead' });
    assert.deepEqual(valueOf(blocks, actionIds.snoozeNudge), { incidentId: live.id, kind: 'no_lead', forMs: SNOOZE_SHORT_MS });
    assert.match(text, /^Nobody is leading INC-7 yet/);
  });

  it('no scribe and lead-is-scribe offer "I\'ll scribe"; lead-is-scribe addresses the lead and cannot be snoozed (it is said once)', () => {
    assert.deepEqual(buttonLabels(render('no_scribe', live).blocks), ["I'll scribe", 'Snooze 30 min']);
    const both = withRole(withRole(live, 'lead', alice), 'scribe', alice);
    const { body, blocks } = render('lead_is_scribe', both);
    assert.match(body, /<@U0ALICE>: you are both incident lead and scribe/);
    assert.deepEqual(buttonLabels(blocks), ["I'll scribe"]);
  });

  it('missing details: names only what is missing and the command for each', () => {
    const partly: Incident = { ...live, summary: 'Payments fail' };
    const { body } = render('missing_details', partly);
    assert.match(body, /INC-7 has no severity and impact yet/);
    assert.ok(body.includes('`/opg-incident sev &lt;critical|major|trivial&gt;`'));
    assert.ok(body.includes('`/opg-incident impact &lt;who is affected&gt;`'));
    assert.ok(!body.includes('summary &lt;'));
  });

  it('comms update: addressed to the comms lead, with the update command; a private incident is not announced', () => {
    const withComms = withRole(live, 'commsLead', bob);
    const { body, blocks } = render('comms_update', withComms);
    assert.match(body, /<@U0BOB>: a stakeholder update is due for INC-7/);
    assert.ok(body.includes('`/opg-incident update &lt;text&gt;`'));
    assert.match(body, /announcement channel and here/);
    assert.deepEqual(buttonLabels(blocks), ['Snooze 30 min']);
    assert.match(render('comms_update', { ...live, private: true }).body, /not announced/);
    assert.match(render('comms_update', live).body, /\*A stakeholder update is due/, 'capitalised when nobody is addressed');
  });

  it('check-in: the summary (links kept) and the open actions with their owners', () => {
    const incident: Incident = { ...live, summary: 'DB failover, see <https://status.example.org|status>' };
    const { body } = render('checkin', incident, { openActions: [action('Restart <workers>'), action('Call the supplier')] });
    assert.match(body, /Team check-in for INC-7/);
    assert.ok(body.includes('*Summary:* DB failover, see <https://status.example.org|status>'));
    assert.ok(body.includes('• Restart &lt;workers&gt; — <@U0BOB>'));
    assert.ok(body.includes('`/opg-incident checkins off`'));
    assert.match(render('checkin', live).body, /_not set_[\s\S]*_No open actions\._/);
  });

  it('take a break: how long it has been running, step away, hand over if needed', () => {
    const { body, blocks } = render('take_break', live);
    assert.match(body, /INC-7 has been running for 2 h: take a break/);
    assert.match(body, /hand your role over/);
    assert.deepEqual(buttons(blocks), []);
  });

  it('can it be closed: the close button and a one-day snooze', () => {
    const { blocks } = render('can_close', live);
    assert.deepEqual(buttonLabels(blocks), ['Close incident', 'Snooze 1 day']);
    assert.equal(buttons(blocks)[0]?.action_id, actionIds.close);
    assert.equal(buttons(blocks)[0]?.value, live.id);
    assert.deepEqual(valueOf(blocks, actionIds.snoozeNudge), { incidentId: live.id, kind: 'can_close', forMs: SNOOZE_DAY_MS });
  });

  it('RCA: "RCA is booked" stops it, or snooze a day', () => {
    const { body, blocks } = render('schedule_rca', withRole(resolved, 'lead', alice));
    assert.match(body, /<@U0ALICE>: schedule the root cause analysis for INC-7/);
    assert.deepEqual(buttonLabels(blocks), ['RCA is booked', 'Snooze 1 day']);
    assert.deepEqual(valueOf(blocks, actionIds.stopNudge), { incidentId: live.id, kind: 'schedule_rca' });
    assert.ok(body.includes('`/opg-incident rca booked`'));
  });

  it('archive warning: the date, and "Keep channel"', () => {
    const at = new Date('2024-05-08T14:00:00.000Z');
    const { body, blocks, text } = render('archive_warning', resolved, { archiveAt: at });
    assert.ok(body.includes(`archived on <!date^${at.getTime() / 1000}^{date_long_pretty} at {time}|2024-05-08T14:00:00.000Z>`));
    assert.deepEqual(buttonLabels(blocks), ['Keep channel']);
    assert.deepEqual(valueOf(blocks, actionIds.stopNudge), { incidentId: live.id, kind: 'archive' });
    assert.match(text, /archived on 2024-05-08/);
  });

  it('is not posted when it no longer applies by the time it is delivered', () => {
    assert.equal(renderNudge('no_lead', withRole(live, 'lead', alice), options()), null);
    assert.equal(renderNudge('no_scribe', withRole(live, 'scribe', bob), options()), null);
    assert.equal(renderNudge('missing_details', { ...live, summary: 's', severity: 'major', impact: 'i' }, options()), null);
    assert.equal(renderNudge('checkin', resolved, options()), null);
    assert.equal(renderNudge('archive_warning', live, options()), null);
  });

  it('renders every kind within Block Kit limits, escaping a hostile title', () => {
    const hostile = withChannel(declared({ title: '<!channel> & <@U0EVIL>' }));
    for (const kind of nudgeKinds) {
      const incident = ['schedule_rca', 'archive_warning', 'archive'].includes(kind) ? closed(hostile, 'resolved') : kind === 'lead_is_scribe' ? withRole(withRole(hostile, 'lead', alice), 'scribe', alice) : hostile;
      const message = renderNudge(kind, incident, options({ archiveAt: new Date('2024-05-08T14:00:00.000Z') }));
      assert.ok(message, kind);
      assertWithinLimits(message.blocks);
      assert.ok(!allText(message.blocks).includes('<!channel>'), kind);
    }
  });
});

describe('reminder confirmations and the stakeholder update', () => {
  it('says who snoozed, stopped or scheduled, in one line', () => {
    assert.match(renderNudgeSnoozed('no_lead', new Date('2024-05-01T12:30:00.000Z'), '<@U0ALICE>'), /^:zzz: Reminder snoozed until <!date\^\d+\^[^|]+\|2024-05-01T12:30:00\.000Z>: nobody is incident lead yet — <@U0ALICE>$/);
    assert.match(renderNudgeStopped('archive', '<@U0BOB>'), /This channel will be kept.*— <@U0BOB>$/);
    assert.match(renderNudgeStopped('schedule_rca', 'Bob'), /root cause analysis is booked/);
    assert.match(renderCheckinsScheduled(30 * 60_000, 'Bob'), /Team check-ins every 30 min/);
    assert.match(renderCheckinsScheduled(null, 'Bob'), /Team check-ins stopped — Bob/);
  });

  it('"Update on INC-7 — <title>: <text> — by <person>", keeping mentions and links but not broadcasts', () => {
    const { blocks, text } = renderStakeholderUpdate(live, { text: 'Back up <!here>, thanks <@U0BOB> & <https://x.example|the team>', by: '<@U0ALICE>', publicUrl: PUBLIC_URL });
    assertWithinLimits(blocks);
    const body = allText(blocks);
    assert.ok(body.includes('*Update on INC-7 — Checkout &amp; &lt;payments&gt;:* Back up @here, thanks <@U0BOB> &amp; <https://x.example|the team> — by <@U0ALICE>'));
    assert.match(text, /^Update on INC-7 — Checkout &amp; &lt;payments&gt;: Back up @here/);
  });
});
