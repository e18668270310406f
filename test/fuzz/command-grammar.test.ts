import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commandKinds, parseCommand, type IncidentCommand } from '../../src/domain/command.js';
import { DomainError } from '../../src/domain/errors.js';
import { builtInRoles } from '../../src/domain/role.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import { commandText, slackMarkup } from './support/arbitraries.js';
import { Outcomes, runFuzz } from './support/fuzz-run.js';

/*
 * The command grammar (`parseCommand`) against arbitrary text: it answers with a command or a
 * command.unknown / command.invalid DomainError, never anything else, and what it returns holds
 * up. Pure, so each case takes microseconds: 10,000 cases run in about a second.
 */

const severities = defaultSeverityScale;
const severityKeys = new Set(severities.map((s) => s.key));
// Long enough for any help or usage line; short enough that a huge input is never echoed back.
const MAX_MESSAGE = 600;

/** Whatever a parsed command says must be true of it, whatever the input. */
function checkCommand(command: IncidentCommand, input: string): void {
  assert.ok((commandKinds as readonly string[]).includes(command.kind), `unknown kind ${command.kind}`);
  const trimmed = input.trim();
  switch (command.kind) {
    case 'summary':
    case 'impact':
    case 'action':
    case 'note':
    case 'update':
      assert.notEqual(command.text, '', 'text is empty');
      assert.equal(command.text, command.text.trim(), 'text is not trimmed');
      assert.ok(command.text.length < trimmed.length, 'text is longer than the input');
      assert.ok(trimmed.endsWith(command.text), 'text is not the end of the input');
      break;
    case 'severity':
      assert.ok(severityKeys.has(command.severity), `severity ${command.severity} is not on the scale`);
      break;
    case 'assignRole':
      assert.ok(command.role.length > 0 && command.role.length <= 60, `role "${command.role}" out of bounds`);
      assert.notEqual(command.role.toLowerCase(), 'reporter');
      if ('slackUserId' in command.person) assert.match(command.person.slackUserId, /^[UW][A-Z0-9]+$/);
      else assert.equal(command.person.self, true);
      break;
    case 'close':
      assert.ok(command.note === null || (command.note !== '' && command.note === command.note.trim()), 'close note empty or untrimmed');
      if (command.blockedUntil !== null) {
        assert.equal(command.reason, 'blocked');
        assert.match(command.blockedUntil, /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(new Date(`${command.blockedUntil}T00:00:00Z`).toISOString().slice(0, 10), command.blockedUntil, 'not a calendar date');
      }
      break;
    case 'rename':
      assert.notEqual(command.name, '');
      assert.doesNotMatch(command.name, /\s{2}|[\t\n\r]/, 'rename keeps runs of white space');
      break;
    case 'checkins':
      assert.ok(command.everyMs === null || (Number.isSafeInteger(command.everyMs) && command.everyMs > 0), `everyMs ${command.everyMs}`);
      break;
    default:
      break;
  }
}

describe('fuzz: the command grammar', () => {
  it('arbitrary text parses to a sound command or a command.unknown/command.invalid refusal', async () => {
    const outcomes = new Outcomes();
    const property = fc.property(commandText, (text) => {
      let command: IncidentCommand;
      try {
        command = parseCommand(text, severities);
      } catch (error) {
        assert.ok(error instanceof DomainError, `threw ${String(error)}`);
        assert.ok(error.code === 'command.unknown' || error.code === 'command.invalid', `threw ${error.code}`);
        assert.ok(error.message.length > 0 && error.message.length <= MAX_MESSAGE, `message of ${error.message.length} characters`);
        outcomes.add(error.code);
        return;
      }
      checkCommand(command, text);
      // The same text always means the same command.
      assert.deepEqual(parseCommand(text, severities), command);
      outcomes.add(command.kind);
    });
    await runFuzz(property, { surface: 'command-grammar', engine: 'none', outcomes });
    assert.ok(outcomes.count('command.unknown') > 0 && outcomes.count('command.invalid') > 0, 'the generator reaches both refusals');
  });

  it('well-formed commands parse to what they say, whatever the case and spacing', async () => {
    const outcomes = new Outcomes();
    const space = fc.constantFrom(' ', '  ', '\t', '\n', ' \u00a0');
    const words = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
    const userId = fc.stringMatching(/^[UW][A-Z0-9]{2,10}$/);
    const mention = fc.tuple(userId, fc.option(fc.string({ maxLength: 20 }).filter((n) => !/[<>]/.test(n)))).map(([id, name]) => ({
      id,
      text: `<@${id}${name === null ? '' : `|${name}`}>`,
    }));
    const caseOf = (word: string) => fc.constantFrom(word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1));
    const expectation = fc.oneof(
      fc.tuple(fc.constantFrom('summary', 'impact', 'action', 'note', 'update'), space, words).chain(([kind, s, text]) =>
        caseOf(kind).map((word) => ({ input: `${word}${s}${text}`, expected: { kind, text: text.trim() } as IncidentCommand })),
      ),
      fc.tuple(fc.constantFrom(...severities), space).chain(([level, s]) =>
        fc.tuple(caseOf('sev'), fc.constantFrom(level.key, level.label, level.label.toUpperCase())).map(([word, name]) => ({
          input: `${word}${s}${name}`,
          expected: { kind: 'severity', severity: level.key } as IncidentCommand,
        })),
      ),
      fc.tuple(fc.constantFrom(...builtInRoles), space, mention).map(([role, s, m]) => ({
        input: `${role === 'commsLead' ? 'comms' : role}${s}${m.text}`,
        expected: { kind: 'assignRole', role, person: { slackUserId: m.id } } as IncidentCommand,
      })),
      fc.tuple(space, fc.integer({ min: 1, max: 600 }), fc.constantFrom(['m', 60_000], ['h', 3_600_000], [' minutes', 60_000]) as fc.Arbitrary<[string, number]>).map(
        ([s, n, [unit, size]]) => ({ input: `checkins${s}every ${n}${unit}`, expected: { kind: 'checkins', everyMs: n * size } as IncidentCommand }),
      ),
      fc.tuple(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), fc.option(words)).map(([date, note]) => {
        const iso = date.toISOString().slice(0, 10);
        return {
          input: `close blocked until ${iso}${note === null ? '' : ` ${note}`}`,
          expected: { kind: 'close', reason: 'blocked', blockedUntil: iso, note: note === null || note.trim() === '' ? null : note.trim() } as IncidentCommand,
        };
      }),
      slackMarkup.map((markup) => ({ input: `note ${markup}`, expected: { kind: 'note', text: markup } as IncidentCommand })),
    );
    const property = fc.property(expectation, fc.constantFrom('', ' ', '\n', '\t '), ({ input, expected }, pad) => {
      const command = parseCommand(`${pad}${input}${pad}`, severities);
      assert.deepEqual(command, expected);
      checkCommand(command, input);
      outcomes.add(command.kind);
    });
    await runFuzz(property, { surface: 'command-grammar-round-trip', engine: 'none', outcomes });
  });
});
