import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, configVariables, loadConfig } from '../../src/config/config.js';

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
});
