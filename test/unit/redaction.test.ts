import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactPatternList } from '../../src/config/redaction.config.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { compileRedactionPattern, createRedactor, redact, type RedactionPattern } from '../../src/domain/redaction.js';

// Realistic shapes, made up: none of these is a live credential.
const secrets = {
  slackBot: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx',
  slackUser: 'xoxp-1234567890-0987654321-1122334455-abcdef0123456789',
  slackApp: 'xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef',
  githubClassic: 'ghp_1234567890abcdefghijABCDEFGHIJ123456',
  githubOauth: 'gho_abcdefghijABCDEFGHIJ1234567890abcdef',
  githubFine: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  bearer: 'abcDEF123456ghiJKL789012mnoPQR',
  keyBody: 'MIIEowIBAAKCAQEAuVq1c5tQ3y0ZlD9bBqJX7\nq8Xz0gFf8Wn4kPZ+h6vYp2Q0Lr3xM8b9cA==',
  password: 'hunter2!Secret',
};

function assertMasked(input: string, secret: string, kind: string, expected?: string) {
  const result = redact(input);
  assert.ok(!result.text.includes(secret), `the secret is gone from ${JSON.stringify(result.text)}`);
  if (expected !== undefined) assert.equal(result.text, expected);
  assert.deepEqual(
    result.masked.map((m) => m.kind),
    [kind],
  );
  for (const m of result.masked) {
    assert.ok(!JSON.stringify(m).includes(secret), 'the report never contains the secret');
  }
  return result;
}

describe('redaction: what is masked', () => {
  it('masks Slack tokens of every kind and says so', () => {
    assertMasked(`bot token ${secrets.slackBot} leaked`, secrets.slackBot, 'slack_token', 'bot token [masked: Slack token] leaked');
    assertMasked(`user ${secrets.slackUser}`, secrets.slackUser, 'slack_token');
    assertMasked(`app ${secrets.slackApp}`, secrets.slackApp, 'slack_token');
    assert.equal(redact(secrets.slackBot).masked[0]?.hint, 'xoxb-…');
  });

  it('masks GitHub tokens: classic, OAuth and fine-grained', () => {
    assertMasked(`see ${secrets.githubClassic}`, secrets.githubClassic, 'github_token', 'see [masked: GitHub token]');
    assertMasked(secrets.githubOauth, secrets.githubOauth, 'github_token');
    const fine = assertMasked(`pat ${secrets.githubFine}.`, secrets.githubFine, 'github_token', 'pat [masked: GitHub token].');
    assert.equal(fine.masked[0]?.hint, 'github_pat_…');
  });

  it('masks AWS access key ids', () => {
    assertMasked(`aws_access_key_id ${secrets.aws} in the logs`, secrets.aws, 'aws_access_key', 'aws_access_key_id [masked: AWS access key id] in the logs');
  });

  it('masks a private key block, and one pasted without its end', () => {
    const block = `-----BEGIN RSA PRIVATE KEY-----\n${secrets.keyBody}\n-----END RSA PRIVATE KEY-----`;
    const whole = assertMasked(`key:\n${block}\nthanks`, secrets.keyBody, 'private_key', 'key:\n[masked: private key]\nthanks');
    assert.equal(whole.masked[0]?.hint, 'RSA PRIVATE KEY block');
    assertMasked(`-----BEGIN OPENSSH PRIVATE KEY-----\n${secrets.keyBody}`, secrets.keyBody, 'private_key', '[masked: private key]');
  });

  it('masks JSON Web Tokens', () => {
    assertMasked(`cookie session=${secrets.jwt}`, secrets.jwt.split('.')[2]!, 'jwt', 'cookie session=[masked: JSON Web Token]');
  });

  it('masks bearer tokens but keeps the word', () => {
    assertMasked(`Authorization: Bearer ${secrets.bearer}`, secrets.bearer, 'bearer_token', 'Authorization: Bearer [masked: bearer token]');
  });

  it('masks password=, secret=, token= and api_key= values, in URLs, env files and JSON', () => {
    assertMasked(`DB_PASSWORD=${secrets.password}`, secrets.password, 'secret_value', 'DB_PASSWORD=[masked: secret value]');
    assertMasked('curl https://api.example.com/v1?api_key=abc123def&page=2', 'abc123def', 'secret_value', 'curl https://api.example.com/v1?api_key=[masked: secret value]&page=2');
    assertMasked('client_secret = s3cr3t-value', 's3cr3t-value', 'secret_value');
    assertMasked('{"token": "tok_0123456789"}', 'tok_0123456789', 'secret_value', '{"token": "[masked: secret value]"}');
    assertMasked('Password: hunter22', 'hunter22', 'secret_value', 'Password: [masked: secret value]');
  });

  it('masks the password in a link, keeping the user and host readable', () => {
    const result = assertMasked('connect to postgres://app:s3cretPass@db.internal:5432/app now', 's3cretPass', 'url_password', 'connect to postgres://app:•••@db.internal:5432/app now');
    assert.equal(result.masked[0]?.hint, 'postgres://app:…@db.internal');
    assertMasked('https://deploy:Pa55word@ci.example.com/job', 'Pa55word', 'url_password', 'https://deploy:•••@ci.example.com/job');
  });

  it('masks a token after `token=` once, named for what it is', () => {
    const result = redact(`token=${secrets.slackBot}`);
    assert.equal(result.text, 'token=[masked: Slack token]');
    assert.deepEqual(result.masked.map((m) => m.kind), ['slack_token']);
  });

  it('masks configured patterns (REDACT_PATTERNS) after the built-in rules', () => {
    const patterns = [compileRedactionPattern('ACME-\\d{6}'), compileRedactionPattern('/customer\\s+\\d{8}/i')] as RedactionPattern[];
    const result = redact('Ticket ACME-123456 for Customer 12345678.', patterns);
    assert.equal(result.text, 'Ticket [masked: configured pattern] for [masked: configured pattern].');
    assert.deepEqual(result.masked.map((m) => m.hint), ['pattern 1', 'pattern 2']);
  });
});

describe('redaction: what is left alone', () => {
  const prose = [
    'The token expired at 12:30 and the password reset page at https://example.com/reset?step=2 was slow.',
    'Rotate the secret: done. Bearer of bad news: Bob. Secret: rotate it tomorrow.',
    'Email alice@example.com, see https://github.com/acme/payments/pull/42 and https://user@host.example.com/path',
    'Port http://localhost:8080/healthz, https://acme.atlassian.net/wiki/spaces/OPS/pages/123 and INC-42 at 2024-05-01T12:00:00Z',
    'A ghp_ prefix alone, AKIA short, xoxb- nothing, eyJ alone, tokenizer=fast, the keyword secret_santa.',
    'SELECT * FROM users WHERE id = 12; -- no secrets here',
  ];
  for (const text of prose) {
    it(`leaves "${text.slice(0, 40)}…" as it is`, () => {
      const result = redact(text);
      assert.equal(result.text, text);
      assert.deepEqual(result.masked, []);
    });
  }
});

describe('redaction: idempotent', () => {
  it('masking masked text changes nothing and reports nothing', () => {
    const text = [
      `Slack ${secrets.slackBot}, GitHub ${secrets.githubClassic}, AWS ${secrets.aws}, JWT ${secrets.jwt}`,
      `Authorization: Bearer ${secrets.bearer}; password=${secrets.password}; postgres://app:pw123456@db/app`,
      `-----BEGIN PRIVATE KEY-----\n${secrets.keyBody}\n-----END PRIVATE KEY-----`,
    ].join('\n');
    const patterns = [compileRedactionPattern('ACME-\\d+')] as RedactionPattern[];
    const once = redact(`${text} ACME-77`, patterns);
    assert.equal(once.masked.length, 9);
    const twice = redact(once.text, patterns);
    assert.equal(twice.text, once.text);
    assert.deepEqual(twice.masked, []);
    for (const secret of Object.values(secrets)) assert.ok(!once.text.includes(secret.split('\n')[0]!), `${secret.slice(0, 8)}… is gone`);
  });

  it('a redactor names the field and lists each secret once per field', () => {
    const r = createRedactor([]);
    assert.equal(r.text(`a ${secrets.aws} b ${secrets.aws}`, 'Summary'), 'a [masked: AWS access key id] b [masked: AWS access key id]');
    assert.equal(r.text(null, 'Impact'), null);
    assert.deepEqual(r.masked(), [{ kind: 'aws_access_key', label: 'AWS access key id', hint: 'AKIA…', field: 'Summary' }]);
  });
});

describe('REDACT_PATTERNS', () => {
  it('parses whitespace-separated expressions, with /body/flags', () => {
    const patterns = redactPatternList.parse('ACME-\\d{6}   /cust\\d+/i');
    assert.deepEqual(patterns.map((p) => p.pattern.flags), ['g', 'gi']);
  });

  it('names a bad expression at start-up', () => {
    const refuse = (value: string, message: RegExp) => {
      assert.throws(
        () => loadConfig({ DATABASE_URL: 'sqlite::memory:', REDACT_PATTERNS: value }, process.cwd()),
        (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('REDACT_PATTERNS') && message.test(p)),
      );
    };
    refuse('ok-\\d+ (unclosed', /"\(unclosed" is not a valid regular expression/);
    refuse('a*', /matches empty text/);
    refuse('/x/g', /only the flags/);
  });
});
