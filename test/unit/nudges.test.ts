import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoleAssignmentId } from '../../src/domain/ids.js';
import type { Incident, RoleAssignment } from '../../src/domain/incident.js';
import { defaultNudgeSettings, neverSent, nextNudgeAt, nextWorkingTime, type NudgeFacts, type NudgeKind, type NudgeState } from '../../src/domain/nudges.js';
import type { RoleName } from '../../src/domain/role.js';
import { buildIncident, buildUser, fixedNow, minutesFromNow } from './factories.js';

// fixedNow() is Wednesday 1 May 2024, 12:00 UTC (13:00 in London): inside working hours.
const settings = defaultNudgeSettings;

function facts(incident: Incident, more: Partial<NudgeFacts> = {}): NudgeFacts {
  return { incident, lastUpdateAt: null, checkins: null, rcaRecorded: false, keepChannel: false, channelArchived: false, ...more };
}

function assignment(role: RoleName, name: string, assignedAt: Date, endedAt: Date | null = null): RoleAssignment {
  const holder = buildUser({ id: `user-${name}` as never, name });
  return { id: `ra-${role}-${name}` as RoleAssignmentId, role, holder, assignedAt, assignedBy: holder, endedAt, endedBy: endedAt ? holder : null };
}

const at = (kind: NudgeKind, incident: Incident, state: NudgeState = neverSent, more: Partial<NudgeFacts> = {}) =>
  nextNudgeAt(kind, facts(incident, more), settings, state)?.toISOString() ?? null;
const sent = (minutes: number, count = 1): NudgeState => ({ sentCount: count, lastSentAt: minutesFromNow(minutes), snoozedUntil: null, stoppedAt: null });

describe('nudges: when each reminder is due', () => {
  it('no lead: 5 minutes after declaring, then every 10 while nobody leads; stops when someone does', () => {
    const incident = buildIncident();
    assert.equal(at('no_lead', incident), minutesFromNow(5).toISOString());
    assert.equal(at('no_lead', incident, sent(5)), minutesFromNow(15).toISOString());
    const led = { ...incident, roleAssignments: [assignment('lead', 'lena', minutesFromNow(3))] };
    assert.equal(at('no_lead', led, sent(5)), null);
  });

  it('no lead again after the lead steps down without a successor: counted from the hand-back, not the first reminder', () => {
    const incident = { ...buildIncident(), roleAssignments: [assignment('lead', 'lena', minutesFromNow(1), minutesFromNow(60))] };
    assert.equal(at('no_lead', incident, sent(5)), minutesFromNow(65).toISOString());
  });

  it('lead and scribe the same person: once, at once', () => {
    const incident = { ...buildIncident(), roleAssignments: [assignment('lead', 'lena', minutesFromNow(1)), assignment('scribe', 'lena', minutesFromNow(2))] };
    assert.equal(at('lead_is_scribe', incident), minutesFromNow(2).toISOString());
    assert.equal(at('lead_is_scribe', incident, sent(2)), null);
    assert.equal(at('no_scribe', incident), null);
  });

  it('missing summary, severity or impact: until all three are there', () => {
    const incident = buildIncident();
    assert.equal(at('missing_details', incident), minutesFromNow(15).toISOString());
    const complete = { ...incident, summary: 's', impact: 'i', severity: 'major' };
    assert.equal(at('missing_details', complete), null);
  });

  it('comms cadence by severity, counted from the last stakeholder update; none for trivial', () => {
    const critical = { ...buildIncident(), severity: 'critical' };
    assert.equal(at('comms_update', critical), minutesFromNow(30).toISOString());
    assert.equal(at('comms_update', critical, neverSent, { lastUpdateAt: minutesFromNow(20) }), minutesFromNow(50).toISOString());
    assert.equal(at('comms_update', critical, sent(30), { lastUpdateAt: minutesFromNow(20) }), minutesFromNow(60).toISOString());
    assert.equal(at('comms_update', { ...critical, severity: 'trivial' }), null);
    assert.equal(at('comms_update', { ...critical, severity: null }), null);
  });

  it('check-ins on the lead’s schedule, restarting when the schedule changes', () => {
    const incident = buildIncident();
    assert.equal(at('checkin', incident), null);
    const every30 = { everyMs: 30 * 60_000, since: minutesFromNow(10) };
    assert.equal(at('checkin', incident, neverSent, { checkins: every30 }), minutesFromNow(40).toISOString());
    assert.equal(at('checkin', incident, sent(40), { checkins: every30 }), minutesFromNow(70).toISOString());
    const every10 = { everyMs: 10 * 60_000, since: minutesFromNow(45) };
    assert.equal(at('checkin', incident, sent(40), { checkins: every10 }), minutesFromNow(55).toISOString());
  });

  it('snoozed: not before the snooze ends', () => {
    const incident = buildIncident();
    const snoozed: NudgeState = { sentCount: 1, lastSentAt: minutesFromNow(5), snoozedUntil: minutesFromNow(45), stoppedAt: null };
    assert.equal(at('no_lead', incident, snoozed), minutesFromNow(45).toISOString());
  });

  it('nothing fires for a closed incident, except the after-close ones; nothing at all for a report', () => {
    const closed = { ...buildIncident(), status: 'closed' as const, closeReason: 'resolved' as const, endedAt: minutesFromNow(60), channel: { id: 'C1', name: 'inc-1' } };
    for (const kind of ['no_lead', 'no_scribe', 'missing_details', 'take_break', 'can_close', 'checkin'] as const) {
      assert.equal(at(kind, closed, neverSent, { checkins: { everyMs: 60_000, since: fixedNow() } }), null, kind);
    }
    assert.ok(at('schedule_rca', closed));
    assert.equal(at('schedule_rca', closed, neverSent, { rcaRecorded: true }), null);
    assert.equal(at('archive_warning', closed), minutesFromNow(60 + 6 * 24 * 60).toISOString());
    assert.equal(at('archive', closed), minutesFromNow(60 + 7 * 24 * 60).toISOString());
    assert.equal(at('archive', closed, neverSent, { keepChannel: true }), null);
    assert.equal(at('archive', { ...closed, channel: null }), null);
    const report = { ...buildIncident({ reportOnly: true }) };
    for (const kind of ['no_lead', 'missing_details', 'take_break'] as const) assert.equal(at(kind, report), null, kind);
  });

  it('"can it be closed?" waits for working hours in the configured zone, never skipped', () => {
    // Started Wednesday 12:00 UTC; due a day later, Thursday 13:00 London: in hours.
    const incident = buildIncident();
    assert.equal(at('can_close', incident), '2024-05-02T12:00:00.000Z');
    // Started at 20:00 UTC (21:00 London): due Thursday 21:00 London, so Friday 09:00 London.
    const evening = { ...incident, startedAt: new Date('2024-05-01T20:00:00Z') };
    assert.equal(at('can_close', evening), '2024-05-03T08:00:00.000Z');
  });
});

describe('nextWorkingTime', () => {
  const london = settings.workingHours;
  it('keeps a time inside working hours and moves one outside to the next start', () => {
    assert.equal(nextWorkingTime(new Date('2024-05-01T10:07:00Z'), london).toISOString(), '2024-05-01T10:07:00.000Z');
    // Friday 18:30 London → Monday 09:00 London (BST, UTC+1).
    assert.equal(nextWorkingTime(new Date('2024-05-03T17:30:00Z'), london).toISOString(), '2024-05-06T08:00:00.000Z');
  });
  it('works in zones offset by half an hour', () => {
    const kolkata = { ...london, timeZone: 'Asia/Kolkata' };
    // 02:00 UTC Wednesday = 07:30 in Kolkata → 09:00 Kolkata = 03:30 UTC.
    assert.equal(nextWorkingTime(new Date('2024-05-01T02:00:00Z'), kolkata).toISOString(), '2024-05-01T03:30:00.000Z');
  });
});
