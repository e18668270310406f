import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, configVariables, loadConfig } from '../../src/config/config.js';
import { parseDuration } from '../../src/config/nudges.config.js';
import { defaultNudgeSettings } from '../../src/domain/nudges.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The problems loadConfig reports for `env`, one per line; '' when it loads. */
function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env, '/');
    return '';
  } catch (e) {
    return e instanceof ConfigError ? e.problems.join('\n') : String(e);
  }
}

describe('configuration', () => {
  it('has safe defaults: SQLite file under ./data, port 3000, the seed’s severity scale', () => {
    const config = loadConfig({}, '/srv/app');
    assert.deepEqual(config.database, { engine: 'sqlite', file: path.resolve('/srv/app', 'data/incident-response.sqlite') });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.deepEqual(
      config.severities.map((s) => s.key),
      ['critical', 'major', 'trivial'],
    );
    assert.equal(config.referencePrefix, 'INC');
    assert.ok(Object.isFrozen(config));
  });

  it('reads sqlite: and postgres: database URLs', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }, '/').database, { engine: 'sqlite', file: '/tmp/x.db' });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'postgres://u:p@db/ir' }, '/').database, {
      engine: 'postgres',
      connectionString: 'postgres://u:p@db/ir',
    });
  });

  it('parses a custom severity scale in order', () => {
    const config = loadConfig({ SEVERITIES: 'p1:P1 - outage, p2:P2,p3' }, '/');
    assert.deepEqual(config.severities, [
      { key: 'p1', label: 'P1 - outage' },
      { key: 'p2', label: 'P2' },
      { key: 'p3', label: 'p3' },
    ]);
  });

  it('fails naming every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', SEVERITIES: 'A:a,a:b,a:c' }, '/');
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const text = error.problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'SEVERITIES']) assert.match(text, new RegExp(name));
  });

  it('refuses to start in production without a sign-in provider, naming the variables to set', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
    assert.throws(() => loadConfig(production, '/'), (e: unknown) => e instanceof ConfigError && /sign-in: production needs a provider: OIDC_ISSUER/.test(e.message));
    const oidc = { OIDC_ISSUER: 'https://login.example.org', OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 'secret' };
    assert.equal(loadConfig({ ...production, ...oidc }, '/').signIn.oidc?.issuer, 'https://login.example.org');
    const github = loadConfig({ ...production, GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 's', GITHUB_ORG: 'ministryofjustice' }, '/').signIn.github;
    assert.deepEqual(github, { clientId: 'id', clientSecret: 's', org: 'ministryofjustice', webUrl: 'https://github.com', apiUrl: 'https://api.github.com' });
  });

  it('needs a whole provider: issuer, id and secret together; plain HTTP only on this machine', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env, '/');
        return '';
      } catch (e) {
        return e instanceof ConfigError ? e.problems.join('\n') : String(e);
      }
    };
    assert.match(problems({ OIDC_ISSUER: 'https://idp.example.org' }), /OIDC_CLIENT_ID: required[\s\S]*OIDC_CLIENT_SECRET: required/);
    assert.match(problems({ OIDC_ISSUER: 'http://idp.example.org', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }), /OIDC_ISSUER: must be an https:\/\/ URL/);
    assert.equal(problems({ OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }), '');
    assert.match(problems({ GITHUB_CLIENT_ID: 'a' }), /GITHUB_CLIENT_SECRET: required/);
    assert.match(problems({ GITHUB_ORG: 'acme' }), /GITHUB_ORG: set GITHUB_CLIENT_ID/);
    assert.deepEqual(loadConfig({}, '/').signIn, { oidc: null, github: null });
  });

  it('every variable is documented in the README configuration table', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    for (const variable of configVariables) {
      assert.match(readme, new RegExp(`\\| \`${variable.name}\` \\|`), `${variable.name} is in README.md`);
    }
  });

  describe('reminders', () => {
    it('default to defaultNudgeSettings, frozen all the way down', () => {
      const { nudges } = loadConfig({}, '/');
      assert.deepEqual(nudges, defaultNudgeSettings);
      assert.ok(Object.isFrozen(nudges));
      assert.ok(Object.isFrozen(nudges.noLead));
      assert.ok(Object.isFrozen(nudges.commsCadenceMs));
      assert.ok(Object.isFrozen(nudges.workingHours));
      assert.ok(Object.isFrozen(nudges.workingHours.days));
    });

    it('documents defaults that parse to the defaults', () => {
      const defaults = loadConfig({}, '/').nudges;
      const documented = configVariables.filter((v) => /^(NUDGE_|COMMS_|ARCHIVE_|WORKING_HOURS$|TZ$)/.test(v.name));
      assert.equal(documented.length, 12);
      for (const variable of documented) {
        assert.deepEqual(loadConfig({ [variable.name]: variable.default }, '/').nudges, defaults, variable.name);
      }
    });

    it('parses durations from minutes up, compound ones included', () => {
      assert.equal(parseDuration('0m'), 0);
      assert.equal(parseDuration('90m'), 90 * MINUTE);
      assert.equal(parseDuration('2h'), 2 * HOUR);
      assert.equal(parseDuration('1d'), DAY);
      assert.equal(parseDuration('1h30m'), 90 * MINUTE);
      assert.equal(parseDuration('2d4h5m'), 2 * DAY + 4 * HOUR + 5 * MINUTE);
      for (const bad of ['30s', '', 'm', '5', '30m1h', '1.5h', '-5m', 'soon']) assert.equal(parseDuration(bad), null, bad);
    });

    it('reads off, once and every', () => {
      const { nudges } = loadConfig(
        { NUDGE_NO_LEAD: 'off', NUDGE_NO_SCRIBE: '0m', NUDGE_DETAILS: '1h30m every 45m', NUDGE_BREAK: '90m every 1h30m', NUDGE_CAN_CLOSE: '2d', NUDGE_RCA: 'OFF', NUDGE_LEAD_IS_SCRIBE: 'off' },
        '/',
      );
      assert.equal(nudges.noLead, null);
      assert.deepEqual(nudges.noScribe, { afterMs: 0, everyMs: null });
      assert.deepEqual(nudges.missingDetails, { afterMs: 90 * MINUTE, everyMs: 45 * MINUTE });
      assert.deepEqual(nudges.takeBreak, { afterMs: 90 * MINUTE, everyMs: 90 * MINUTE });
      assert.deepEqual(nudges.canClose, { afterMs: 2 * DAY, everyMs: null });
      assert.equal(nudges.scheduleRca, null);
      assert.equal(nudges.leadIsScribe, null);
    });

    it('reads the comms cadence, archive timing, working hours and time zone', () => {
      const { nudges } = loadConfig(
        {
          SEVERITIES: 'p1,p2,p3',
          COMMS_UPDATE_EVERY: 'p1:15m, p2:2h',
          ARCHIVE_CHANNEL_AFTER: '3d',
          ARCHIVE_WARNING_BEFORE: '12h',
          WORKING_HOURS: '08:00-18:00 Mon,Wed,Fri-Sat',
          TZ: 'America/New_York',
        },
        '/',
      );
      assert.deepEqual(nudges.commsCadenceMs, { p1: 15 * MINUTE, p2: 2 * HOUR });
      assert.equal(nudges.archiveAfterMs, 3 * DAY);
      assert.equal(nudges.archiveWarningMs, 12 * HOUR);
      assert.deepEqual(nudges.workingHours, { timeZone: 'America/New_York', startHour: 8, endHour: 18, days: [1, 3, 5, 6] });
      assert.deepEqual(loadConfig({ WORKING_HOURS: '00:00-24:00 Sun-Sat' }, '/').nudges.workingHours.days, [0, 1, 2, 3, 4, 5, 6]);
      assert.deepEqual(loadConfig({ WORKING_HOURS: '09:00-17:00 Fri-Mon' }, '/').nudges.workingHours.days, [0, 1, 5, 6]);
      assert.deepEqual(loadConfig({ COMMS_UPDATE_EVERY: 'off' }, '/').nudges.commsCadenceMs, {});
      // Off, the archive needs no warning, so a default warning longer than nothing is no problem.
      assert.equal(loadConfig({ ARCHIVE_CHANNEL_AFTER: 'off' }, '/').nudges.archiveAfterMs, null);
    });

    it('keeps the default comms cadence only for severities the scale has', () => {
      assert.deepEqual(loadConfig({ SEVERITIES: 'critical,minor' }, '/').nudges.commsCadenceMs, { critical: 30 * MINUTE });
    });

    it('names the variable and what it expects for a bad duration or repeat', () => {
      assert.match(problemsOf({ NUDGE_NO_LEAD: '30s' }), /^NUDGE_NO_LEAD: expected off, <after> or <after> every <repeat>.*"30s"$/);
      assert.match(problemsOf({ NUDGE_RCA: 'every 1d' }), /^NUDGE_RCA: expected off/);
      assert.match(problemsOf({ NUDGE_BREAK: '1h every 0m' }), /^NUDGE_BREAK: the repeat must be at least 1m/);
      assert.match(problemsOf({ NUDGE_LEAD_IS_SCRIBE: 'yes' }), /^NUDGE_LEAD_IS_SCRIBE: .*"on"\|"off"/);
      assert.match(problemsOf({ ARCHIVE_CHANNEL_AFTER: 'never' }), /^ARCHIVE_CHANNEL_AFTER: expected off or a duration/);
      assert.match(problemsOf({ ARCHIVE_WARNING_BEFORE: 'off' }), /^ARCHIVE_WARNING_BEFORE: expected a duration/);
      assert.match(problemsOf({ COMMS_UPDATE_EVERY: 'critical:30s' }), /^COMMS_UPDATE_EVERY: "critical:30s" needs a severity key and a duration/);
    });

    it('names an unknown severity key and the allowed ones', () => {
      assert.equal(
        problemsOf({ COMMS_UPDATE_EVERY: 'critical:30m,sev1:1h' }),
        'COMMS_UPDATE_EVERY: unknown severity key "sev1"; expected keys of SEVERITIES: critical, major, trivial',
      );
    });

    it('refuses an archive warning that is not before the archive', () => {
      assert.match(problemsOf({ ARCHIVE_CHANNEL_AFTER: '1d' }), /^ARCHIVE_WARNING_BEFORE: must be less than ARCHIVE_CHANNEL_AFTER \(1 d is not less than 1 d\)$/);
      assert.match(problemsOf({ ARCHIVE_WARNING_BEFORE: '8d' }), /^ARCHIVE_WARNING_BEFORE: must be less than ARCHIVE_CHANNEL_AFTER/);
      assert.equal(problemsOf({ ARCHIVE_CHANNEL_AFTER: '1d', ARCHIVE_WARNING_BEFORE: '23h' }), '');
    });

    it('refuses bad working hours, naming the variable', () => {
      for (const bad of ['9-5', '09:30-17:00 Mon-Fri', '17:00-09:00 Mon-Fri', '09:00-25:00 Mon-Fri', '09:00-17:00', '09:00-17:00 Mon-Fro', '09:00-17:00 Mon,,Fri']) {
        assert.match(problemsOf({ WORKING_HOURS: bad }), /^WORKING_HOURS: .*expected whole hours and days like "09:00-17:00 Mon-Fri"/, bad);
      }
      assert.match(problemsOf({ WORKING_HOURS: '09:30-17:00 Mon-Fri' }), /only whole hours/);
    });

    it('refuses an unknown time zone, naming it', () => {
      assert.equal(problemsOf({ TZ: 'Mars/Olympus_Mons' }), 'TZ: unknown time zone "Mars/Olympus_Mons"; expected an IANA name like Europe/London or UTC');
    });

    it('reads the POSIX form TZ=:/etc/localtime as the system zone, so such a host still starts', () => {
      const zone = loadConfig({ TZ: ':/etc/localtime' }, '/').nudges.workingHours.timeZone;
      assert.equal(zone, new Intl.DateTimeFormat().resolvedOptions().timeZone);
    });

    it('reports every bad reminder variable at once', () => {
      const text = problemsOf({ NUDGE_NO_LEAD: 'soon', NUDGE_CAN_CLOSE: '1 day', WORKING_HOURS: 'always', TZ: 'Nowhere' });
      for (const name of ['NUDGE_NO_LEAD', 'NUDGE_CAN_CLOSE', 'WORKING_HOURS', 'TZ']) assert.match(text, new RegExp(`^${name}: `, 'm'));
    });
  });
});
