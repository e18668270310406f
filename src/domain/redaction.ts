/*
 * Masking likely secrets before anything leaves the site (Confluence, exports, the status page,
 * the shared Slack summary, the print page). People paste tokens and connection strings into
 * incident channels; the record keeps them (it is private to the site), every copy that leaves
 * it does not. What was masked is reported by kind and a harmless hint, never the secret itself.
 */

/** The kinds of secret recognised without configuration, plus `configured` (REDACT_PATTERNS). */
export const redactionKinds = [
  'private_key',
  'url_password',
  'jwt',
  'slack_token',
  'github_token',
  'aws_access_key',
  'bearer_token',
  'secret_value',
  'configured',
] as const;
export type RedactionKind = (typeof redactionKinds)[number];

export const redactionLabels: Readonly<Record<RedactionKind, string>> = {
  private_key: 'private key',
  url_password: 'password in a link',
  jwt: 'JSON Web Token',
  slack_token: 'Slack token',
  github_token: 'GitHub token',
  aws_access_key: 'AWS access key id',
  bearer_token: 'bearer token',
  secret_value: 'secret value',
  configured: 'configured pattern',
};

/** One thing masked: what kind, and a hint that helps find it without revealing it. */
export interface Masked {
  readonly kind: RedactionKind;
  readonly label: string;
  readonly hint: string;
}

/** A masked occurrence in a document, with the part of the document it was in. */
export interface MaskedInField extends Masked {
  readonly field: string;
}

export interface Redacted {
  readonly text: string;
  readonly masked: readonly Masked[];
}

/** A configured pattern (REDACT_PATTERNS): always global, validated at start-up. */
export interface RedactionPattern {
  readonly source: string;
  readonly pattern: RegExp;
}

/** The password in a link keeps the link usable to read: `https://user:•••@host`. */
export const URL_PASSWORD_MASK = '•••';

const placeholder = (kind: RedactionKind) => `[masked: ${redactionLabels[kind]}]`;

interface Rule {
  readonly kind: RedactionKind;
  readonly pattern: RegExp;
  /** The replacement and hint for one match, or null to leave it (a false positive). */
  readonly mask: (match: string, groups: readonly (string | undefined)[]) => { replacement: string; hint: string } | null;
}

const prefixHint = (match: string, length: number) => `${match.slice(0, length)}…`;

// Values that are themselves masks: masking twice changes nothing (idempotent).
const alreadyMasked = (value: string) => value.startsWith('[masked') || value === URL_PASSWORD_MASK;

const secretKeys = 'password|passwd|pwd|secret|client_secret|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|auth[_-]?token|access[_-]?token|token';

// Order matters: the most specific first, so a Slack token after `token=` is named as a Slack token.
const rules: readonly Rule[] = [
  {
    kind: 'private_key',
    // An unterminated block (pasted in part) is masked to the end: the rest is likely key material.
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    mask: (_m, [type]) => ({ replacement: placeholder('private_key'), hint: `${type ?? ''}PRIVATE KEY block`.trim() }),
  },
  {
    kind: 'url_password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#[\]]*):([^\s@/?#]+)@([^\s/?#:]+)/gi,
    mask: (_m, [scheme, user, password, host]) => {
      if (!password || alreadyMasked(password)) return null;
      return { replacement: `${scheme}${user}:${URL_PASSWORD_MASK}@${host}`, hint: `${scheme}${user ? `${user}:` : ':'}…@${host}` };
    },
  },
  {
    kind: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    mask: () => ({ replacement: placeholder('jwt'), hint: 'eyJ…' }),
  },
  {
    kind: 'slack_token',
    pattern: /\b(xox[abposr]|xapp)-[A-Za-z0-9-]{10,}/g,
    mask: (_m, [prefix]) => ({ replacement: placeholder('slack_token'), hint: `${prefix}-…` }),
  },
  {
    kind: 'github_token',
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g,
    mask: (match) => ({ replacement: placeholder('github_token'), hint: match.startsWith('github_pat_') ? 'github_pat_…' : prefixHint(match, 4) }),
  },
  {
    kind: 'aws_access_key',
    pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
    mask: (_m, [prefix]) => ({ replacement: placeholder('aws_access_key'), hint: `${prefix}…` }),
  },
  {
    kind: 'bearer_token',
    pattern: /\b(bearer)\s+([A-Za-z0-9\-._~+/]{16,}=*)/gi,
    // A word after "bearer" in prose is not a token: tokens carry digits.
    mask: (_m, [word, token]) => (token && /\d/.test(token) ? { replacement: `${word} ${placeholder('bearer_token')}`, hint: `${word} …` } : null),
  },
  {
    kind: 'secret_value',
    // `password=…`, `token: "…"`, `"api_key": "…"`; a bare `key: word` in prose is left alone unless
    // the value looks machine-made (a digit or a symbol in it).
    pattern: new RegExp(`(["']?)\\b((?:[A-Za-z0-9]+[_-])*(?:${secretKeys}))\\1(\\s*=\\s*|\\s*:\\s*)(["']?)([^\\s"'&,;<>\\[\\]]{3,})\\4`, 'gi'),
    mask: (_match, [quote, key, separator, valueQuote, value]) => {
      if (!key || !value || alreadyMasked(value)) return null;
      // A sentence's full stop is not part of the secret.
      const trail = valueQuote ? '' : (/[.,:!?)]+$/.exec(value)?.[0] ?? '');
      const core = value.slice(0, value.length - trail.length);
      const colon = separator?.includes(':') ?? false;
      if (core.length < 3 || (colon && !valueQuote && !/[\d\W_]/.test(core))) return null;
      const shown = `${quote}${key}${quote}${separator}`;
      return { replacement: `${shown}${valueQuote}${placeholder('secret_value')}${valueQuote}${trail}`, hint: `${key}${colon ? ':' : '='}…` };
    },
  },
];

function applyRule(text: string, kind: RedactionKind, pattern: RegExp, mask: Rule['mask'], masked: Masked[]): string {
  pattern.lastIndex = 0;
  return text.replace(pattern, (match: string, ...rest: unknown[]) => {
    // replace() passes the groups, then the offset (a number) and the whole string.
    const offsetAt = rest.findIndex((v) => typeof v === 'number');
    const groups = rest.slice(0, offsetAt < 0 ? rest.length : offsetAt) as (string | undefined)[];
    const result = mask(match, groups);
    if (!result) return match;
    masked.push({ kind, label: redactionLabels[kind], hint: result.hint });
    return result.replacement;
  });
}

/**
 * Masks likely secrets in `text`: tokens (Slack, GitHub, AWS, bearer, JWT), private keys,
 * passwords in links and `password=`-style values, then each configured pattern. Masking twice
 * changes nothing.
 */
export function redact(text: string, patterns: readonly RedactionPattern[] = []): Redacted {
  const masked: Masked[] = [];
  let out = text;
  for (const rule of rules) out = applyRule(out, rule.kind, rule.pattern, rule.mask, masked);
  patterns.forEach(({ pattern }, index) => {
    out = applyRule(out, 'configured', pattern, (match) => (match.length === 0 || alreadyMasked(match) ? null : { replacement: placeholder('configured'), hint: `pattern ${index + 1}` }), masked);
  });
  return { text: out, masked };
}

/**
 * Redacts field after field of one document and keeps the list of what was masked where. Each
 * call of `text` returns the masked value (null stays null).
 */
export function createRedactor(patterns: readonly RedactionPattern[]) {
  const masked: MaskedInField[] = [];
  function text(value: string, field: string): string;
  function text(value: string | null, field: string): string | null;
  function text(value: string | null, field: string): string | null {
    if (value === null) return null;
    const result = redact(value, patterns);
    for (const m of result.masked) {
      if (!masked.some((x) => x.kind === m.kind && x.hint === m.hint && x.field === field)) masked.push({ ...m, field });
    }
    return result.text;
  }
  return { text, masked: (): readonly MaskedInField[] => masked };
}

/**
 * Compiles one configured pattern, or says why it cannot be used: an invalid expression, or one
 * that matches empty text (it would mask nothing, everywhere). `/body/flags` sets flags (i, m, s, u).
 */
export function compileRedactionPattern(source: string): RedactionPattern | string {
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(source);
  const body = slashed ? slashed[1]! : source;
  const flags = slashed ? slashed[2]! : '';
  if (/[^imsu]/.test(flags)) return `"${source}": only the flags i, m, s and u are allowed`;
  let pattern: RegExp;
  try {
    pattern = new RegExp(body, `${[...new Set(flags)].join('')}g`);
  } catch (error) {
    return `"${source}" is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
  if (new RegExp(pattern.source, pattern.flags.replace('g', '')).test('')) return `"${source}" matches empty text`;
  return { source, pattern };
}
