import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { IncidentId, SlackUserId, UserId } from '../../src/domain/ids.js';
import {
  anonymisedName,
  decideRetention,
  describeRetentionPeriod,
  maskEmail,
  parseRetentionPeriod,
  redactIdentity,
  redactIdentityInJson,
  retentionCutoff,
  type InvolvementFact,
  type RetentionFacts,
} from '../../src/domain/retention.js';
import { systemUser } from '../../src/domain/user.js';
import { buildUser, fixedNow } from './factories.js';

const DAY = 24 * 60 * 60 * 1000;
const rita = buildUser({ id: 'user-rita' as UserId, name: 'Rita Reporter', email: 'rita@example.org', slackUserId: 'U0RITA' as SlackUserId });

function ended(daysAgo: number, id = `inc-${daysAgo}`): InvolvementFact {
  return { incidentId: id as IncidentId, status: 'closed', endedAt: new Date(fixedNow().getTime() - daysAgo * DAY) };
}

function facts(overrides: Partial<RetentionFacts> = {}): RetentionFacts {
  return { user: rita, anonymisedAt: null, incidents: [ended(800)], hasLiveApiToken: false, ...overrides };
}

// Two years before the fixed now (2024-05-01T12:00Z).
const cutoff = retentionCutoff(fixedNow(), { amount: 2, unit: 'years' });
const decide = (f: RetentionFacts, adminEmails: readonly string[] = []) => decideRetention(f, { cutoff, adminEmails });

describe('retention: the period', () => {
  it('reads years and days, any case and spacing; refuses anything else or under 30 days', () => {
    assert.deepEqual(parseRetentionPeriod('3y'), { amount: 3, unit: 'years' });
    assert.deepEqual(parseRetentionPeriod(' 1095D '), { amount: 1095, unit: 'days' });
    assert.deepEqual(parseRetentionPeriod('30d'), { amount: 30, unit: 'days' });
    for (const bad of ['', 'y', '3', '3 years', '3m', '-1y', '1.5y', '29d', '0y', '101y']) {
      assert.equal(parseRetentionPeriod(bad), null, bad);
    }
    assert.equal(describeRetentionPeriod({ amount: 1, unit: 'years' }), '1 year');
    assert.equal(describeRetentionPeriod({ amount: 1095, unit: 'days' }), '1095 days');
  });

  it('counts years on the calendar (a leap day becomes 1 March) and days as 24 hours', () => {
    assert.equal(cutoff.toISOString(), '2022-05-01T12:00:00.000Z');
    assert.equal(retentionCutoff(new Date('2024-02-29T00:00:00Z'), { amount: 1, unit: 'years' }).toISOString(), '2023-03-01T00:00:00.000Z');
    assert.equal(retentionCutoff(fixedNow(), { amount: 30, unit: 'days' }).toISOString(), '2024-04-01T12:00:00.000Z');
  });

  it('is off by default and when `off`; a bad RETENTION_ANONYMISE_AFTER is named at start', () => {
    assert.equal(loadConfig({}, '/').retention.anonymiseAfter, null);
    assert.equal(loadConfig({ RETENTION_ANONYMISE_AFTER: 'off' }, '/').retention.anonymiseAfter, null);
    assert.deepEqual(loadConfig({ RETENTION_ANONYMISE_AFTER: '3y' }, '/').retention.anonymiseAfter, { amount: 3, unit: 'years' });
    assert.throws(
      () => loadConfig({ RETENTION_ANONYMISE_AFTER: '3 years' }, '/'),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => /^RETENTION_ANONYMISE_AFTER: expected off, years like 3y or days like 1095d/.test(p) && p.includes('"3 years"')),
    );
  });
});

describe('retention: who is anonymised', () => {
  it('someone whose every incident ended before the cutoff, with the date of the last one', () => {
    const decision = decide(facts({ incidents: [ended(900, 'a'), ended(732, 'b')] }));
    assert.deepEqual(decision, { anonymise: true, lastInvolvement: new Date(fixedNow().getTime() - 732 * DAY) });
  });

  it('not while any of their incidents is recent or open', () => {
    assert.deepEqual(decide(facts({ incidents: [ended(900), ended(700)] })), { anonymise: false, reason: 'recent' });
    const open: InvolvementFact = { incidentId: 'open' as IncidentId, status: 'open', endedAt: null };
    assert.deepEqual(decide(facts({ incidents: [ended(900), open] })), { anonymise: false, reason: 'open_incident' });
    // Exactly at the cutoff is not "more than" the period ago.
    const atCutoff: InvolvementFact = { incidentId: 'edge' as IncidentId, status: 'closed', endedAt: cutoff };
    assert.deepEqual(decide(facts({ incidents: [atCutoff] })), { anonymise: false, reason: 'recent' });
  });

  it('never admins (by email, any case), holders of a live API token, the app itself, or people in no incident', () => {
    assert.deepEqual(decide(facts(), ['rita@example.org']), { anonymise: false, reason: 'admin' });
    assert.deepEqual(decide(facts({ user: { ...rita, email: 'Rita@Example.org' } }), ['rita@example.org']), { anonymise: false, reason: 'admin' });
    assert.deepEqual(decide(facts({ hasLiveApiToken: true })), { anonymise: false, reason: 'api_token' });
    assert.deepEqual(decide(facts({ user: systemUser })), { anonymise: false, reason: 'system' });
    assert.deepEqual(decide(facts({ incidents: [] })), { anonymise: false, reason: 'no_incidents' });
  });

  it('never twice: someone anonymised is never planned again', () => {
    assert.deepEqual(decide(facts({ anonymisedAt: new Date('2023-01-01T00:00:00Z') })), { anonymise: false, reason: 'anonymised' });
  });
});

describe('retention: the new name and the rewritten text', () => {
  it('"Former colleague" and a short id stable for one person, different for another', () => {
    const name = anonymisedName('user-rita' as UserId);
    assert.match(name, /^Former colleague [0-9A-F]{6}$/);
    assert.equal(anonymisedName('user-rita' as UserId), name);
    assert.notEqual(anonymisedName('user-rito' as UserId), name);
  });

  it('replaces the whole name (exact case), the email (any case) and the Slack id or mention, nothing else', () => {
    const x = 'Former colleague ABC123';
    assert.equal(redactIdentity('Rita Reporter is now Incident lead', rita, x), `${x} is now Incident lead`);
    assert.equal(redactIdentity('handed over from Rita Reporter)', rita, x), `handed over from ${x})`);
    assert.equal(redactIdentity('Mail RITA@example.org or ask <@U0RITA|rita> / U0RITA', rita, x), `Mail ${x} or ask ${x} / ${x}`);
    // Not inside longer words, not another case, not a first name alone.
    assert.equal(redactIdentity('Rita Reporterson; rita reporter; Rita', rita, x), 'Rita Reporterson; rita reporter; Rita');
    assert.equal(redactIdentity('U0RITA2 joined', rita, x), 'U0RITA2 joined');
    // A name of two letters would hit too much to replace safely; the email still goes.
    const al = buildUser({ name: 'Al', email: 'al@example.org' });
    assert.equal(redactIdentity('Al said Alerts fire (al@example.org)', al, x), `Al said Alerts fire (${x})`);
    // Regex characters in a name are taken literally.
    const odd = buildUser({ name: 'J. (Jo) Smith+', email: null });
    assert.equal(redactIdentity('by J. (Jo) Smith+ today; J. Jo Smith', odd, x), `by ${x} today; J. Jo Smith`);
  });

  it('rewrites every string of an audit event\'s data, keeping its keys and other values', () => {
    const data = { role: 'lead', holder: { id: 'user-rita', name: 'Rita Reporter' }, previous: null, count: 2, names: ['Rita Reporter', 'Sam'] };
    assert.deepEqual(redactIdentityInJson(data, rita, 'X Y'), { role: 'lead', holder: { id: 'user-rita', name: 'X Y' }, previous: null, count: 2, names: ['X Y', 'Sam'] });
  });

  it('shows an email partly: the first letter and the domain', () => {
    assert.equal(maskEmail('rita@example.org'), 'r***@example.org');
    assert.equal(maskEmail(null), '(no email)');
  });
});
