import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env, '/');
    return '';
  } catch (e) {
    return e instanceof ConfigError ? e.problems.join('\n') : String(e);
  }
}

describe('config: Atlassian Statuspage', () => {
  it('is off unless both the API key and the page id are set', () => {
    assert.equal(loadConfig({}, '/').atlassianStatusPage, null);
    assert.match(problemsOf({ ATLASSIAN_STATUSPAGE_API_KEY: 'key-0123456789' }), /ATLASSIAN_STATUSPAGE_API_KEY: set ATLASSIAN_STATUSPAGE_PAGE_ID too/);
    assert.match(problemsOf({ ATLASSIAN_STATUSPAGE_PAGE_ID: 'pg0page' }), /ATLASSIAN_STATUSPAGE_PAGE_ID: set ATLASSIAN_STATUSPAGE_API_KEY too/);
  });

  it('maps our component names to Statuspage ids; the API URL defaults to api.statuspage.io', () => {
    const config = loadConfig(
      {
        STATUS_COMPONENTS: 'Use an LPA,Payments',
        ATLASSIAN_STATUSPAGE_API_KEY: 'key-0123456789',
        ATLASSIAN_STATUSPAGE_PAGE_ID: 'pg0page',
        ATLASSIAN_STATUSPAGE_COMPONENTS: 'Use an LPA:cmp0uselpa, Payments : cmp0payments',
      },
      '/',
    ).atlassianStatusPage;
    assert.equal(config?.apiUrl, 'https://api.statuspage.io');
    assert.deepEqual([...(config?.components ?? [])], [['Use an LPA', 'cmp0uselpa'], ['Payments', 'cmp0payments']]);
  });

  it('refuses a mapped component that is not one of STATUS_COMPONENTS, and an entry without an id', () => {
    const base = { STATUS_COMPONENTS: 'Payments', ATLASSIAN_STATUSPAGE_API_KEY: 'key-0123456789', ATLASSIAN_STATUSPAGE_PAGE_ID: 'pg0page' };
    assert.match(problemsOf({ ...base, ATLASSIAN_STATUSPAGE_COMPONENTS: 'Billing:cmp0billing' }), /Billing is not one of STATUS_COMPONENTS/);
    assert.match(problemsOf({ ...base, ATLASSIAN_STATUSPAGE_COMPONENTS: 'Payments' }), /needs our component name, a colon, then the Statuspage component id/);
  });
});
