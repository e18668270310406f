import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, incidentDuration } from '../../src/domain/duration.js';
import { fixedNow, minutesFromNow } from './factories.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it('shows whole seconds under a minute, and a lone "0 s" for nothing', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(999), '0 s');
    assert.equal(formatDuration(45 * SECOND), '45 s');
    assert.equal(formatDuration(MINUTE - 1), '59 s');
  });

  it('shows minutes only under an hour, dropping the seconds', () => {
    assert.equal(formatDuration(MINUTE), '1 min');
    assert.equal(formatDuration(12 * MINUTE + 59 * SECOND), '12 min');
    assert.equal(formatDuration(HOUR - 1), '59 min');
  });

  it('shows hours and minutes under a day, leaving out zero minutes', () => {
    assert.equal(formatDuration(HOUR), '1 h');
    assert.equal(formatDuration(2 * HOUR + 5 * MINUTE), '2 h 5 min');
    assert.equal(formatDuration(2 * HOUR + 30 * SECOND), '2 h');
    assert.equal(formatDuration(DAY - 1), '23 h 59 min');
  });

  it('shows days and hours from a day on, leaving out zero hours', () => {
    assert.equal(formatDuration(DAY), '1 d');
    assert.equal(formatDuration(3 * DAY + 4 * HOUR), '3 d 4 h');
    assert.equal(formatDuration(3 * DAY + 59 * MINUTE), '3 d');
    assert.equal(formatDuration(40 * DAY + 2 * HOUR + 7 * MINUTE), '40 d 2 h');
  });

  it('treats a negative or non-finite duration as zero', () => {
    assert.equal(formatDuration(-5 * MINUTE), '0 s');
    assert.equal(formatDuration(Number.NaN), '0 s');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '0 s');
  });
});

describe('incidentDuration', () => {
  it('measures an open incident up to now', () => {
    assert.equal(incidentDuration({ startedAt: minutesFromNow(-90), endedAt: null }, fixedNow()), 90 * MINUTE);
  });

  it('measures a closed incident up to its end, whatever the time now', () => {
    const incident = { startedAt: minutesFromNow(-90), endedAt: minutesFromNow(-30) };
    assert.equal(incidentDuration(incident, fixedNow()), 60 * MINUTE);
    assert.equal(incidentDuration(incident, minutesFromNow(600)), 60 * MINUTE);
  });

  it('never goes negative when the clock reads earlier than the start', () => {
    assert.equal(incidentDuration({ startedAt: minutesFromNow(5), endedAt: null }, fixedNow()), 0);
  });
});
