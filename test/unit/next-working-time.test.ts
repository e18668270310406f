import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nextWorkingTime, type WorkingHours } from '../../src/domain/nudges.js';

/**
 * The walk nextWorkingTime did before it learnt to jump whole local hours: a quarter hour at a
 * time, a fresh formatter per call. The faster one must give the same answer everywhere.
 */
function quarterByQuarter(at: Date, hours: WorkingHours): Date {
  if (hours.days.length === 0 || hours.startHour >= hours.endHour) return at;
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: hours.timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const working = (t: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    const hour = Number(parts.hour) + Number(parts.minute) / 60;
    return hours.days.includes(days.indexOf(parts.weekday ?? '')) && hour >= hours.startHour && hour < hours.endHour;
  };
  if (working(at.getTime())) return at;
  const step = 15 * 60_000;
  let t = Math.ceil(at.getTime() / step) * step;
  for (let i = 0; i < (8 * 86_400_000) / step; i++, t += step) if (working(t)) return new Date(t);
  return at;
}

// Zones on whole, half and three-quarter hours, with and without DST, both hemispheres, and Lord
// Howe's half-hour DST shift.
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];

// About half a second: 500 cases, each a walk of up to a few hundred quarter hours in the reference.
test('nextWorkingTime answers as the quarter-hour walk did, in every kind of zone and across DST changes', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 1, max: 24 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
      // 2024–2026, to the second: covers every DST change of those years.
      fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
      (timeZone, startHour, endHour, days, ms) => {
        const hours = { timeZone, startHour, endHour, days };
        const at = new Date(ms);
        assert.equal(nextWorkingTime(at, hours).toISOString(), quarterByQuarter(at, hours).toISOString());
      },
    ),
    { numRuns: 500, seed: 8 },
  );
});

test('around the spring and autumn changes in London and Lord Howe, minute by minute', () => {
  const weekdays = { startHour: 1, endHour: 3, days: [0, 1, 2, 3, 4, 5, 6] };
  for (const [timeZone, from] of [
    ['Europe/London', '2025-03-29T22:00:00Z'],
    ['Europe/London', '2025-10-25T22:00:00Z'],
    ['Australia/Lord_Howe', '2025-04-05T13:00:00Z'],
    ['Australia/Lord_Howe', '2025-10-04T13:00:00Z'],
  ] as const) {
    const hours = { ...weekdays, timeZone };
    for (let m = 0; m < 8 * 60; m += 7) {
      const at = new Date(Date.parse(from) + m * 60_000);
      assert.equal(nextWorkingTime(at, hours).toISOString(), quarterByQuarter(at, hours).toISOString(), `${timeZone} at ${at.toISOString()}`);
    }
  }
});
