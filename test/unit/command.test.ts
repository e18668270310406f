import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  commandHelp,
  commandKinds,
  parseCommand,
  type CommandKind,
  type IncidentCommand,
} from '../../src/domain/command.js';
import type { DomainError } from '../../src/domain/errors.js';
import { defaultSeverityScale, type SeverityScale } from '../../src/domain/severity.js';
import { catchDomainError } from './assertions.js';

function parse(text: string, scale: SeverityScale = defaultSeverityScale): IncidentCommand {
  return parseCommand(text, scale);
}

function refusal(text: string, scale: SeverityScale = defaultSeverityScale): DomainError {
  return catchDomainError(() => parseCommand(text, scale));
}

function assertInvalid(text: string, message: RegExp): DomainError {
  const error = refusal(text);
  assert.equal(error.code, 'command.invalid', text);
  assert.equal(error.category, 'invalid');
  assert.match(error.message, message, text);
  return error;
}

describe('parseCommand: help and unknown commands', () => {
  it('reads empty text, "?" and help (with anything after it) as help', () => {
    for (const text of ['', '   \n ', '?', ' ? ', 'help', 'HELP', 'Help me', 'help sev']) {
      assert.deepEqual(parse(text), { kind: 'help' }, JSON.stringify(text));
    }
  });

  it('refuses an unknown first word as command.unknown, quoting it and pointing to help', () => {
    const error = refusal('dance now');
    assert.equal(error.code, 'command.unknown');
    assert.equal(error.category, 'invalid');
    assert.equal(error.message, 'Unknown command "dance". Send "help" to see the commands.');
  });

  it('suggests the keyword a typing slip was probably aiming for', () => {
    assert.match(refusal('sevv major').message, /Did you mean "sev"\?/);
    assert.match(refusal('clsoe').message, /Did you mean "close"\?/);
    assert.match(refusal('Summry DB down').message, /Did you mean "summary"\?/);
  });

  it('does not accept the slash form: the transport strips /incident before parsing', () => {
    assert.equal(refusal('/sev major').code, 'command.unknown');
    assert.equal(refusal('/incident sev major').code, 'command.unknown');
  });

  it('never treats an Object.prototype property name as a command', () => {
    for (const text of ['constructor', '__proto__', 'toString', 'hasOwnProperty x']) {
      assert.equal(refusal(text).code, 'command.unknown', text);
    }
  });

  it('shortens a very long unknown word in the message', () => {
    const error = refusal('x'.repeat(500));
    assert.equal(error.code, 'command.unknown');
    assert.ok(error.message.length < 120, error.message);
  });

  it('does not take a word that merely starts with a keyword', () => {
    assert.equal(refusal('summarynow DB down').code, 'command.unknown');
  });
});

describe('parseCommand: summary, impact, action and note', () => {
  const textKinds = ['summary', 'impact', 'action', 'note'] as const;

  it('takes everything after the keyword as the text', () => {
    for (const kind of textKinds) {
      assert.deepEqual(parse(`${kind} Payments API returns 500s`), { kind, text: 'Payments API returns 500s' });
    }
  });

  it('keeps multi-line text whole, trimming only the ends', () => {
    const body = 'Line one\n\n  - indented bullet\nlast line';
    for (const kind of textKinds) {
      assert.deepEqual(parse(`  ${kind}   ${body}  \n`), { kind, text: body });
      assert.deepEqual(parse(`${kind}\n${body}`), { kind, text: body }, 'keyword followed by a new line');
    }
  });

  it('matches the keyword in any case', () => {
    assert.deepEqual(parse('SUMMARY DB down'), { kind: 'summary', text: 'DB down' });
    assert.deepEqual(parse('Impact Nobody can log in'), { kind: 'impact', text: 'Nobody can log in' });
    assert.deepEqual(parse('Action Roll back the deploy'), { kind: 'action', text: 'Roll back the deploy' });
    assert.deepEqual(parse('NoTe disk at 98%'), { kind: 'note', text: 'disk at 98%' });
  });

  it('refuses an empty text with the usage', () => {
    assertInvalid('summary', /^Usage: summary </);
    assertInvalid('impact   \n ', /^Usage: impact </);
    assertInvalid('action', /^Usage: action </);
    assertInvalid('note', /^Usage: note </);
  });
});

describe('parseCommand: severity', () => {
  it('accepts sev and severity with a key or a label, in any case', () => {
    assert.deepEqual(parse('sev major'), { kind: 'severity', severity: 'major' });
    assert.deepEqual(parse('severity Critical'), { kind: 'severity', severity: 'critical' });
    assert.deepEqual(parse('SEV TRIVIAL'), { kind: 'severity', severity: 'trivial' });
    assert.deepEqual(parse('  Severity   major  '), { kind: 'severity', severity: 'major' });
  });

  it("uses the team's scale, where a label may differ from its key", () => {
    const scale: SeverityScale = [
      { key: 'sev1', label: 'Customer facing' },
      { key: 'sev2', label: 'Internal' },
    ];
    assert.deepEqual(parse('sev customer   FACING', scale), { kind: 'severity', severity: 'sev1' });
    assert.deepEqual(parse('sev SEV2', scale), { kind: 'severity', severity: 'sev2' });
    assert.equal(refusal('sev major', scale).code, 'command.invalid');
  });

  it('refuses "sev minor, not major" rather than reading a level out of the phrase', () => {
    const error = assertInvalid(
      'sev minor, not major',
      /^Severity must be one of: Critical \(critical\), Major \(major\), Trivial \(trivial\)\.$/,
    );
    assert.deepEqual(error.details.allowed, ['critical', 'major', 'trivial']);
    assert.equal(error.details.field, 'severity');
  });

  it('refuses a level with anything around it, or none, as command.invalid (not the incident code)', () => {
    for (const text of ['sev major please', 'sev major.', 'sev', 'severity   ', 'sev sev1', 'sev maj']) {
      const error = refusal(text);
      assert.equal(error.code, 'command.invalid', text);
      assert.deepEqual(error.details.allowed, ['critical', 'major', 'trivial'], text);
    }
  });

  it('lists the levels of a custom scale by label and key', () => {
    const scale: SeverityScale = [
      { key: 'p1', label: 'P1' },
      { key: 'p2', label: 'Degraded' },
    ];
    const error = refusal('sev high', scale);
    assert.equal(error.message, 'Severity must be one of: P1 (p1), Degraded (p2).');
    assert.deepEqual(error.details.allowed, ['p1', 'p2']);
  });
});

describe('parseCommand: roles', () => {
  it('assigns the built-in roles to a mentioned person', () => {
    assert.deepEqual(parse('lead <@U123ABC>'), { kind: 'assignRole', role: 'lead', person: { slackUserId: 'U123ABC' } });
    assert.deepEqual(parse('scribe <@U0SCRIBE>'), {
      kind: 'assignRole',
      role: 'scribe',
      person: { slackUserId: 'U0SCRIBE' },
    });
  });

  it('accepts every spelling of the communications lead', () => {
    for (const text of ['comms <@U1>', 'commslead <@U1>', 'comms-lead <@U1>', 'comms_lead <@U1>', 'comms lead <@U1>']) {
      assert.deepEqual(parse(text), { kind: 'assignRole', role: 'commsLead', person: { slackUserId: 'U1' } }, text);
    }
  });

  it('matches role keywords in any case', () => {
    assert.deepEqual(parse('LEAD <@U1>'), { kind: 'assignRole', role: 'lead', person: { slackUserId: 'U1' } });
    assert.deepEqual(parse('Comms-Lead <@U1>'), { kind: 'assignRole', role: 'commsLead', person: { slackUserId: 'U1' } });
  });

  it('reads the <@U1|name> form, even when the name has spaces', () => {
    assert.deepEqual(parse('lead <@U1|alice>'), { kind: 'assignRole', role: 'lead', person: { slackUserId: 'U1' } });
    assert.deepEqual(parse('scribe <@U2|Bob Smith>'), {
      kind: 'assignRole',
      role: 'scribe',
      person: { slackUserId: 'U2' },
    });
  });

  it('reads Enterprise Grid ids, which start with W', () => {
    assert.deepEqual(parse('lead <@W012A3CDE>'), {
      kind: 'assignRole',
      role: 'lead',
      person: { slackUserId: 'W012A3CDE' },
    });
    assert.deepEqual(parse('comms <@W9|carol>'), {
      kind: 'assignRole',
      role: 'commsLead',
      person: { slackUserId: 'W9' },
    });
  });

  it('reads "me" as the sender, in any case', () => {
    assert.deepEqual(parse('lead me'), { kind: 'assignRole', role: 'lead', person: { self: true } });
    assert.deepEqual(parse('Scribe ME'), { kind: 'assignRole', role: 'scribe', person: { self: true } });
  });

  it('assigns an extra role named by the words between "role" and the person', () => {
    assert.deepEqual(parse('role Subject matter   expert <@U7>'), {
      kind: 'assignRole',
      role: 'Subject matter expert',
      person: { slackUserId: 'U7' },
    });
    assert.deepEqual(parse('ROLE SME me'), { kind: 'assignRole', role: 'SME', person: { self: true } });
  });

  it('maps "role <built-in name>" to the built-in role', () => {
    assert.deepEqual(parse('role lead <@U1>'), { kind: 'assignRole', role: 'lead', person: { slackUserId: 'U1' } });
    assert.deepEqual(parse('role incident scribe me'), { kind: 'assignRole', role: 'scribe', person: { self: true } });
    assert.deepEqual(parse('role Communications lead <@W2|dee>'), {
      kind: 'assignRole',
      role: 'commsLead',
      person: { slackUserId: 'W2' },
    });
  });

  it('refuses a missing, unresolved or malformed mention with the usage', () => {
    const cases = [
      'lead',
      'lead @alice',
      'lead alice',
      'lead <@u123>',
      'lead <@B123>',
      'lead <@>',
      'lead <#C123|general>',
      'lead <!here>',
      'lead <@U1',
    ];
    for (const text of cases) assertInvalid(text, /^Usage: lead @person/);
    assertInvalid('scribe', /^Usage: scribe @person/);
    assertInvalid('comms @carol', /^Usage: comms @person/);
  });

  it('refuses words around the person for a built-in role, rather than guessing', () => {
    assertInvalid('lead <@U1> please', /^Usage: lead @person/);
    assertInvalid('lead <@U1> <@U2>', /^Usage: lead @person/);
    assertInvalid('scribe please <@U1>', /^Usage: scribe @person/);
    assertInvalid('lead meme', /^Usage: lead @person/);
  });

  it('refuses "role" without a name, without a person, or with two people', () => {
    assertInvalid('role <@U1>', /^Usage: role <name> @person/);
    assertInvalid('role me', /^Usage: role <name> @person/);
    assertInvalid('role SME', /^Usage: role <name> @person/);
    assertInvalid('role', /^Usage: role <name> @person/);
    assertInvalid('role SME <@U1> <@U2>', /^Usage: role <name> @person/);
  });

  it('refuses a role name the role rules reject, as command.invalid', () => {
    const reporter = assertInvalid('role reporter <@U1>', /reporter.*Usage: role <name> @person/);
    assert.equal(reporter.details.field, 'role');
    assertInvalid(`role ${'x'.repeat(61)} <@U1>`, /1 to 60 characters.*Usage: role/);
  });
});

describe('parseCommand: commands without arguments', () => {
  it('reads statuspage, reopen and duration in any case', () => {
    assert.deepEqual(parse('statuspage'), { kind: 'statuspage' });
    assert.deepEqual(parse('StatusPage'), { kind: 'statuspage' });
    assert.deepEqual(parse('reopen'), { kind: 'reopen' });
    assert.deepEqual(parse(' REOPEN \n'), { kind: 'reopen' });
    assert.deepEqual(parse('duration'), { kind: 'duration' });
    assert.deepEqual(parse('Duration'), { kind: 'duration' });
  });

  it('refuses words after them rather than silently dropping them', () => {
    assertInvalid('statuspage now', /^Usage: statuspage/);
    assertInvalid('reopen it is back', /^Usage: reopen/);
    assertInvalid('duration please', /^Usage: duration/);
  });
});

describe('parseCommand: close', () => {
  it('closes as resolved with no note by default', () => {
    assert.deepEqual(parse('close'), { kind: 'close', reason: 'resolved', note: null, blockedUntil: null });
    assert.deepEqual(parse('CLOSE resolved'), { kind: 'close', reason: 'resolved', note: null, blockedUntil: null });
  });

  it('takes the note after "resolved", keeping several lines', () => {
    assert.deepEqual(parse('close Resolved rolled back\nsee the timeline'), {
      kind: 'close',
      reason: 'resolved',
      note: 'rolled back\nsee the timeline',
      blockedUntil: null,
    });
  });

  it('closes as blocked, with or without a note', () => {
    assert.deepEqual(parse('close blocked'), { kind: 'close', reason: 'blocked', note: null, blockedUntil: null });
    assert.deepEqual(parse('close BLOCKED waiting on the supplier'), {
      kind: 'close',
      reason: 'blocked',
      note: 'waiting on the supplier',
      blockedUntil: null,
    });
  });

  it('reads "blocked until yyyy-mm-dd" as the date work resumes', () => {
    assert.deepEqual(parse('close blocked until 2026-12-01 waiting on AWS\nticket 123'), {
      kind: 'close',
      reason: 'blocked',
      note: 'waiting on AWS\nticket 123',
      blockedUntil: '2026-12-01',
    });
    assert.deepEqual(parse('close blocked Until 2028-02-29'), {
      kind: 'close',
      reason: 'blocked',
      note: null,
      blockedUntil: '2028-02-29',
    });
  });

  it('reads the reason even when followed by punctuation', () => {
    assert.deepEqual(parse('close blocked: waiting on AWS'), {
      kind: 'close',
      reason: 'blocked',
      note: 'waiting on AWS',
      blockedUntil: null,
    });
    assert.deepEqual(parse('close resolved, thanks all'), {
      kind: 'close',
      reason: 'resolved',
      note: 'thanks all',
      blockedUntil: null,
    });
  });

  it('reads any other first word as the start of a note on a resolved incident', () => {
    assert.deepEqual(parse('close rolled back the deploy\nall green'), {
      kind: 'close',
      reason: 'resolved',
      note: 'rolled back the deploy\nall green',
      blockedUntil: null,
    });
    assert.deepEqual(parse('close blockedness was not the issue'), {
      kind: 'close',
      reason: 'resolved',
      note: 'blockedness was not the issue',
      blockedUntil: null,
    });
  });

  it('refuses "until" without an ISO date, with the usage', () => {
    for (const until of ['', 'next week', '1/12/2026', '2026-12-1']) {
      const error = assertInvalid(`close blocked until ${until}`, /^Usage: close blocked until yyyy-mm-dd/);
      assert.equal(error.details.field, 'blockedUntil');
    }
  });

  it('refuses a date that is not on the calendar', () => {
    for (const date of ['2026-02-30', '2027-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-01-00']) {
      assertInvalid(`close blocked until ${date}`, new RegExp(`^${date} is not a real date`));
    }
  });
});

describe('parseCommand: rename', () => {
  it('takes the new channel name, on one line', () => {
    assert.deepEqual(parse('rename db-outage'), { kind: 'rename', name: 'db-outage' });
    assert.deepEqual(parse('Rename  payments   down\n'), { kind: 'rename', name: 'payments down' });
  });

  it('refuses a missing name with the usage', () => {
    assertInvalid('rename', /^Usage: rename </);
    assertInvalid('rename   ', /^Usage: rename </);
  });
});

describe('parseCommand: update, checkins, keep and rca booked', () => {
  it('takes everything after "update" as the stakeholder update, several lines too', () => {
    assert.deepEqual(parse('update Payments are back for most users\nmonitoring'), {
      kind: 'update',
      text: 'Payments are back for most users\nmonitoring',
    });
    assert.deepEqual(parse('UPDATE <@U1> is on it'), { kind: 'update', text: '<@U1> is on it' });
    assertInvalid('update', /^Usage: update </);
    assertInvalid('update   ', /^Usage: update </);
  });

  it('reads "checkins every <duration>" in minutes and hours, with or without a space, in any case', () => {
    const every = (text: string) => parse(text);
    assert.deepEqual(every('checkins every 30m'), { kind: 'checkins', everyMs: 30 * 60_000 });
    assert.deepEqual(every('checkins every 45 min'), { kind: 'checkins', everyMs: 45 * 60_000 });
    assert.deepEqual(every('Checkins Every 1h'), { kind: 'checkins', everyMs: 3_600_000 });
    assert.deepEqual(every('checkins every 2 hours'), { kind: 'checkins', everyMs: 7_200_000 });
    assert.deepEqual(every('checkins every 1h30m'), { kind: 'checkins', everyMs: 90 * 60_000 });
    assert.deepEqual(every('checkin every 20 minutes'), { kind: 'checkins', everyMs: 20 * 60_000 });
  });

  it('reads "checkins off" (or stop) as no check-ins', () => {
    assert.deepEqual(parse('checkins off'), { kind: 'checkins', everyMs: null });
    assert.deepEqual(parse('CHECKINS Stop'), { kind: 'checkins', everyMs: null });
  });

  it('asks for the unit when the duration is a bare number', () => {
    const error = assertInvalid('checkins every 2', /^Say the unit: checkins every 2m \(minutes\) or checkins every 2h \(hours\)\.$/);
    assert.equal(error.details.field, 'every');
  });

  it('never echoes a huge bare number back in the unit hint (found by the command-grammar fuzz suite)', () => {
    const error = assertInvalid(`checkins every ${'9'.repeat(10_000)}`, /^Say the unit: checkins every 30m \(minutes\) or checkins every 30h \(hours\)\.$/);
    assert.ok(error.message.length < 100, `a message of ${error.message.length} characters`);
  });

  it('refuses other forms with the usage and an example', () => {
    for (const text of ['checkins', 'checkins 30m', 'checkins every', 'checkins every soon', 'checkins every 1.5h', 'checkins every 2 days', 'checkins every 0m']) {
      assertInvalid(text, /^Usage: checkins every <duration> \(e\.g\. checkins every 30m/);
    }
  });

  it('reads keep and rca booked, refusing anything else after them', () => {
    assert.deepEqual(parse('keep'), { kind: 'keepChannel' });
    assert.deepEqual(parse(' KEEP '), { kind: 'keepChannel' });
    assert.deepEqual(parse('rca booked'), { kind: 'rcaBooked' });
    assert.deepEqual(parse('RCA Scheduled'), { kind: 'rcaBooked' });
    assertInvalid('keep it please', /^Usage: keep/);
    assert.deepEqual(parse('rca'), { kind: 'rcaSession' });
    assert.deepEqual(parse(' RCA '), { kind: 'rcaSession' });
    assertInvalid('rca maybe', /^Usage: rca \(record the session\) or rca booked/);
  });

  it('reads call, in any case, and refuses anything after it', () => {
    assert.deepEqual(parse('call'), { kind: 'call' });
    assert.deepEqual(parse(' CALL '), { kind: 'call' });
    assertInvalid('call me maybe', /^Usage: call \(nothing after it\)/);
  });

  it('reads page lead, escalate and its aliases (esc, page alone)', () => {
    assert.deepEqual(parse('page lead'), { kind: 'pageLead' });
    assert.deepEqual(parse('Page on-call lead'), { kind: 'pageLead' });
    assert.deepEqual(parse('escalate'), { kind: 'escalate' });
    assert.deepEqual(parse('esc'), { kind: 'escalate' });
    assert.deepEqual(parse('page'), { kind: 'escalate' });
    assertInvalid('page the database folks', /^Usage: page lead, or escalate/);
    assertInvalid('escalate now', /^Usage: escalate \(nothing after it\)/);
  });

  it('reads archive, in any case, and refuses anything after it', () => {
    assert.deepEqual(parse('archive'), { kind: 'archiveChannel' });
    assert.deepEqual(parse(' Archive '), { kind: 'archiveChannel' });
    assertInvalid('archive now please', /^Usage: archive \(nothing after it\)/);
  });

  it('suggests call for a slip of the keyboard', () => {
    assert.match(refusal('cal').message, /Did you mean "call"\?/);
  });
});

describe('commandKinds and commandHelp', () => {
  // A Record over the union's kinds: adding a command without listing it here fails to compile.
  const everyKind: Record<CommandKind, true> = {
    summary: true,
    impact: true,
    severity: true,
    assignRole: true,
    action: true,
    note: true,
    statuspage: true,
    reopen: true,
    duration: true,
    help: true,
    close: true,
    rename: true,
    update: true,
    checkins: true,
    keepChannel: true,
    archiveChannel: true,
    rcaBooked: true,
    rcaSession: true,
    call: true,
    pageLead: true,
    escalate: true,
  };

  it('lists every kind of the command union exactly once', () => {
    assert.deepEqual([...commandKinds].sort(), Object.keys(everyKind).sort());
    assert.equal(new Set(commandKinds).size, commandKinds.length);
  });

  it('gives a usage every line of which is valid grammar, covering every kind in order', () => {
    const example = (usage: string) =>
      usage
        .replace('<level>', 'major')
        .replace(/\[until yyyy-mm-dd\]/, 'until 2026-12-01')
        .replace('<duration>', '30m')
        .replace(/<[^>]+>|\[[^\]]+\]/g, 'some words')
        .replace('@person', '<@U1>');
    const kinds = commandHelp.map((line) => parse(example(line.usage)).kind);
    assert.deepEqual([...new Set(kinds)], [...commandKinds]);
  });

  it('describes each command in one short, plain line', () => {
    assert.ok(commandHelp.length >= commandKinds.length);
    for (const line of commandHelp) {
      assert.ok(line.description.length > 0 && line.description.length <= 70, line.usage);
      assert.doesNotMatch(line.description, /\n/);
    }
    assert.deepEqual(
      commandHelp.find((line) => line.usage.startsWith('sev ')),
      { usage: 'sev <level>', description: "Set the severity (one of the team's levels)" },
    );
  });
});
