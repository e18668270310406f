import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { buildCallLink, callTemplateProblem } from '../../src/domain/call.js';
import { renderHelpChannels } from '../../src/slack/blocks/help-channels.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret-0123456789' };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env, '/');
    return '';
  } catch (e) {
    return e instanceof ConfigError ? e.problems.join('\n') : String(e);
  }
}

describe('call link templates', () => {
  it('fills {reference} and {channel}, each URL-encoded', () => {
    assert.equal(
      buildCallLink('https://meet.jit.si/acme-{reference}?room={channel}', { reference: 'INC-42', channel: 'inc-42-db-down' }),
      'https://meet.jit.si/acme-INC-42?room=inc-42-db-down',
    );
    assert.equal(
      buildCallLink('https://calls.example/{reference}/{channel}', { reference: 'A B/C', channel: 'x&y?z#' }),
      'https://calls.example/A%20B%2FC/x%26y%3Fz%23',
    );
  });

  it('uses the reference in lower case for {channel} while the incident has no channel', () => {
    assert.equal(buildCallLink('https://meet.jit.si/{channel}', { reference: 'INC-7', channel: null }), 'https://meet.jit.si/inc-7');
  });

  it('keeps a fixed link (a standing Zoom, Meet or Teams bridge) as it is', () => {
    const zoom = 'https://acme.zoom.us/j/1234567890?pwd=abc';
    assert.equal(buildCallLink(zoom, { reference: 'INC-1', channel: 'inc-1' }), zoom);
    assert.equal(callTemplateProblem(zoom), null);
  });

  it('accepts http(s) templates and refuses unknown placeholders and other schemes', () => {
    assert.equal(callTemplateProblem('https://meet.jit.si/{reference}'), null);
    assert.equal(callTemplateProblem('http://calls.internal/{channel}'), null);
    assert.equal(callTemplateProblem('https://{reference}.calls.example/'), null);
    assert.match(callTemplateProblem('https://meet.jit.si/{ref}') ?? '', /unknown placeholder \{ref\}/);
    assert.match(callTemplateProblem('meet.jit.si/{reference}') ?? '', /web address/);
    assert.match(callTemplateProblem('zoommtg://zoom.us/join?confno=123') ?? '', /https:\/\/ or http:\/\//);
    assert.match(callTemplateProblem('javascript:alert(1)') ?? '', /https:\/\/ or http:\/\//);
  });
});

describe('CALL_URL_TEMPLATE and HELP_CHANNELS configuration', () => {
  it('are off by default: no calls, no help channels', () => {
    const config = loadConfig(SLACK, '/');
    assert.equal(config.callUrlTemplate, null);
    assert.deepEqual(config.slack?.helpChannels, []);
  });

  it('reads the template, and fails start-up naming a bad one', () => {
    assert.equal(loadConfig({ CALL_URL_TEMPLATE: ' https://meet.jit.si/{reference} ' }, '/').callUrlTemplate, 'https://meet.jit.si/{reference}');
    assert.match(problemsOf({ CALL_URL_TEMPLATE: 'ftp://calls.example/{reference}' }), /^CALL_URL_TEMPLATE: must start with https:\/\//m);
    assert.match(problemsOf({ CALL_URL_TEMPLATE: 'https://meet.jit.si/{incident}' }), /^CALL_URL_TEMPLATE: unknown placeholder/m);
  });

  it('reads help channels with their descriptions, # optional, description optional', () => {
    const config = loadConfig({ ...SLACK, HELP_CHANNELS: '#ask-platform:Platform and hosting, ask-security : Security ,C0DEVS' }, '/');
    assert.deepEqual(config.slack?.helpChannels, [
      { channel: 'ask-platform', description: 'Platform and hosting' },
      { channel: 'ask-security', description: 'Security' },
      { channel: 'C0DEVS', description: null },
    ]);
  });

  it('refuses a help channel without a usable name, or with a long description', () => {
    assert.match(problemsOf({ ...SLACK, HELP_CHANNELS: ':Platform' }), /^HELP_CHANNELS: ".*" needs a channel name/m);
    assert.match(problemsOf({ ...SLACK, HELP_CHANNELS: '#has space:Platform' }), /^HELP_CHANNELS:/m);
    assert.match(problemsOf({ ...SLACK, HELP_CHANNELS: `#ask:${'x'.repeat(81)}` }), /^HELP_CHANNELS: .*longer than 80/m);
  });
});

describe('renderHelpChannels', () => {
  it('shows nothing when none are configured', () => {
    assert.equal(renderHelpChannels([]), null);
  });

  it('links channel ids, names the others, and escapes descriptions', () => {
    const text = renderHelpChannels([
      { channel: 'ask-platform', description: 'Platform <and> hosting' },
      { channel: 'C0DEVELOPERS', description: null },
    ]);
    assert.equal(text, '*Need help from outside the team? Ask in:*\n• #ask-platform — Platform &lt;and&gt; hosting\n• <#C0DEVELOPERS>');
  });
});
