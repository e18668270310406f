import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const base = { DATABASE_URL: 'sqlite::memory:' };
const confluence = { CONFLUENCE_URL: 'https://acme.atlassian.net/wiki/', CONFLUENCE_SPACE_KEY: 'OPS', CONFLUENCE_EMAIL: 'ops@example.com', CONFLUENCE_API_TOKEN: 'atlassian-api-token' };
const slack = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'signing-secret-123' };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ ...base, ...env }, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('CONFLUENCE_* configuration', () => {
  it('is off when none is set', () => {
    assert.equal(loadConfig(base, process.cwd()).confluence, null);
  });

  it('Cloud: URL, space, email and API token make Basic auth; the trailing slash goes', () => {
    const config = loadConfig({ ...base, ...confluence, CONFLUENCE_PARENT_PAGE_ID: '123456' }, process.cwd());
    assert.deepEqual(config.confluence, {
      url: 'https://acme.atlassian.net/wiki',
      spaceKey: 'OPS',
      parentPageId: '123456',
      auth: { kind: 'basic', email: 'ops@example.com', apiToken: 'atlassian-api-token' },
    });
  });

  it('Data Center: a personal access token instead', () => {
    const config = loadConfig({ ...base, CONFLUENCE_URL: 'https://wiki.example.com', CONFLUENCE_SPACE_KEY: '~alice', CONFLUENCE_TOKEN: 'personal-access-token' }, process.cwd());
    assert.deepEqual(config.confluence?.auth, { kind: 'bearer', token: 'personal-access-token' });
  });

  it('all or nothing: each missing piece is named, and both kinds of credentials are refused', () => {
    assert.deepEqual(problems({ CONFLUENCE_URL: 'https://acme.atlassian.net/wiki' }), [
      'CONFLUENCE_SPACE_KEY: required with the other CONFLUENCE_ variables',
      'CONFLUENCE_EMAIL: required with CONFLUENCE_API_TOKEN (or set CONFLUENCE_TOKEN, a personal access token, instead)',
      'CONFLUENCE_API_TOKEN: required with CONFLUENCE_EMAIL (or set CONFLUENCE_TOKEN, a personal access token, instead)',
    ]);
    assert.ok(problems({ ...confluence, CONFLUENCE_TOKEN: 'personal-access-token' }).some((p) => p.startsWith('CONFLUENCE_TOKEN: set either it')));
    assert.ok(problems({ ...confluence, CONFLUENCE_URL: 'http://wiki.example.com' }).some((p) => p === 'CONFLUENCE_URL: must be an https:// URL'));
    assert.ok(problems({ ...confluence, CONFLUENCE_PARENT_PAGE_ID: 'home' }).some((p) => p.startsWith('CONFLUENCE_PARENT_PAGE_ID: a Confluence page id')));
  });

  it('a bad value never echoes the secret', () => {
    const listed = problems({ ...confluence, CONFLUENCE_SPACE_KEY: 'not a key' }).join('\n');
    assert.ok(!listed.includes('atlassian-api-token'));
  });
});

describe('RCA_SHARE_CHANNELS', () => {
  it('takes channel ids and #names, without the #, once each', () => {
    const config = loadConfig({ ...base, ...slack, RCA_SHARE_CHANNELS: '#incident-reviews, C0123ABCD,incident-reviews' }, process.cwd());
    assert.deepEqual(config.rcaShareChannels, ['incident-reviews', 'C0123ABCD']);
  });

  it('names a bad channel, and sharing without Slack', () => {
    assert.ok(problems({ ...slack, RCA_SHARE_CHANNELS: '#Incident Reviews' }).some((p) => p.startsWith('RCA_SHARE_CHANNELS: "#Incident Reviews" is not a channel id')));
    assert.deepEqual(problems({ RCA_SHARE_CHANNELS: '#incident-reviews' }), ['RCA_SHARE_CHANNELS: sharing to Slack needs Slack (SLACK_BOT_TOKEN)']);
  });
});
