/**
 * Generators for the fuzz suites: text as people and Slack write it (unicode, control characters,
 * Slack's `<@U123|name>` markup, huge runs), and JSON of any shape for bodies that should be
 * something else.
 */
import fc from 'fast-check';

/** Slack's markup for people, channels, groups and links, well-formed and not. */
export const slackMarkup: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('<@U123>', '<@U123|name>', '<@W0ABC|Ann Lee>', '<@UBOT>', '<#C1|x>', '<#C0GENERAL>', '<!here>', '<!channel>', '<!everyone>'),
  fc.constantFrom('<!subteam^S123|@team>', '<https://example.org|a link>', '<mailto:a@b.c|a@b.c>', '&lt;', '&gt;', '&amp;', '<@', '<#', '<!', '<>', '<@|>', '<@u1>', '|', '>'),
  fc.tuple(fc.constantFrom('U', 'W', 'u', 'B', 'C', ''), fc.stringMatching(/^[A-Z0-9]{0,12}$/), fc.option(fc.string({ maxLength: 12 }))).map(
    ([prefix, id, name]) => `<@${prefix}${id}${name === null ? '' : `|${name}`}>`,
  ),
);

/** The words the command grammar knows, in any case, and near misses. */
export const commandWord: fc.Arbitrary<string> = fc
  .constantFrom(
    'summary', 'impact', 'sev', 'severity', 'lead', 'scribe', 'comms', 'commslead', 'comms-lead', 'comms_lead', 'role',
    'action', 'note', 'statuspage', 'reopen', 'duration', 'help', 'close', 'rename', 'update', 'checkins', 'checkin',
    'keep', 'archive', 'rca', 'page', 'escalate', 'esc', 'call', 'declare', 'sevv', 'clsoe', 'constructor', '__proto__',
    'toString', 'hasOwnProperty', '?', 'me', 'every', 'blocked', 'resolved', 'until', 'booked', 'off',
  )
  .chain((word) => fc.constantFrom(word, word.toUpperCase(), word[0]?.toUpperCase() + word.slice(1)));

const whitespace = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\u200b', '\ufeff', '\v', '\f');
const controls = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029', '\ud800', '\udfff', '\u202e');
const fragments = fc.constantFrom(
  'db down', 'major', 'critical', 'Trivial', 'resolved', 'blocked', 'until', '2026-12-01', '2026-02-30', '0000-01-01', '9999-12-31',
  'every', '30m', '1h30m', '2', '99999999999999999999m', '0m', 'hours', 'off', 'me', 'ME', 'SME', 'reporter', 'booked', 'lead',
  'the on-call incident lead', '.', ',', ':', ';', '—', '🔥', 'é', 'İ', 'ß', '𝔘', '\u0301', 'null', 'undefined', '{}', '[]', '"', "'", '\\',
);

/** One token of command-ish text. */
const token: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: commandWord },
  { weight: 3, arbitrary: fragments },
  { weight: 2, arbitrary: slackMarkup },
  { weight: 3, arbitrary: whitespace },
  { weight: 1, arbitrary: controls },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

/** A huge input: one fragment repeated into tens of thousands of characters. */
const huge: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(token, fc.constantFrom('a', ' ', '<@U1>', '9', '<@')),
    fc.integer({ min: 1_000, max: 60_000 }),
    fc.option(fc.oneof(commandWord, fc.constantFrom('checkins every', 'close blocked until', 'role', 'sev', 'page the', 'rca'))),
  )
  .map(([piece, times, prefix]) => `${prefix === null ? '' : `${prefix} `}${piece.repeat(Math.ceil(times / Math.max(piece.length, 1)))}`);

/** Text as it reaches the command grammar: mostly command-shaped, sometimes anything at all. */
export const commandText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(token, { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 7, arbitrary: fc.tuple(commandWord, whitespace, fc.array(token, { maxLength: 8 })).map(([w, s, rest]) => `${w}${s}${rest.join(' ')}`) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: huge },
);

/** Any JSON value, nested a little. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** A string that may be a plausible value or garbage, for fields of a payload. */
export const fieldString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: commandText },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'U0ALICE', 'C0GENERAL', 'UBOT', 'T0TEAM', '1700000000.000100', 'null', 'true', '0') },
);

/** A value of the wrong type (or the right one) for any field. */
export const anyField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fieldString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, [], {}) },
  { weight: 1, arbitrary: anyJson },
);

const ABSENT = Symbol('absent');

/**
 * An object shaped by `fields`: each field mostly a plausible value, sometimes anything (a wrong
 * type), sometimes missing; now and then a stray field besides.
 */
export function someOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(
    ([key, value]) =>
      [key, fc.oneof({ weight: 16, arbitrary: value }, { weight: 1, arbitrary: anyField }, { weight: 1, arbitrary: fc.constant(ABSENT) })] as const,
  );
  const strays = fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), anyField, { maxKeys: 2 }) });
  return fc.tuple(fc.record(Object.fromEntries(entries)), strays).map(([known, stray]) => ({
    ...stray,
    ...Object.fromEntries(Object.entries(known).filter(([, value]) => value !== ABSENT)),
  }));
}
