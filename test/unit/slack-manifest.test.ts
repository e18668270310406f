import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/config.js';
import { buildManifest, eventScopes, MANIFEST_PATH, PLACEHOLDER_HOST, scopesByMethod } from '../../src/slack/manifest.js';

const read = (file: string) => fs.readFileSync(file, 'utf8');
const listenerSources = () =>
  fs
    .readdirSync('src/slack/listeners')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => read(path.join('src/slack/listeners', f)))
    .join('\n');

describe('the Slack app manifest', () => {
  it('slack/manifest.yml is current (regenerate with `npm run manifest`)', () => {
    const checkedIn = parse(read(MANIFEST_PATH)) as unknown;
    assert.deepEqual(checkedIn, parse(stringify(buildManifest({ command: '/incident', publicUrl: PLACEHOLDER_HOST }))));
  });

  it('grants a scope for every Web API method the code calls, and lists no method it does not call', () => {
    const called = new Set([...read('src/slack/slack-api.ts').matchAll(/call\(\s*'([a-zA-Z.]+)'/g)].map((m) => m[1]!));
    assert.ok(called.size > 5, 'found the calls');
    assert.deepEqual([...called].sort(), Object.keys(scopesByMethod).sort());
    const granted = new Set((parse(read(MANIFEST_PATH)) as { oauth_config: { scopes: { bot: string[] } } }).oauth_config.scopes.bot);
    for (const [method, scopes] of Object.entries(scopesByMethod)) {
      for (const scope of scopes) assert.ok(granted.has(scope), `${method} needs ${scope}`);
    }
    for (const needed of ['commands', 'pins:read']) assert.ok(granted.has(needed), `${needed} is granted`);
  });

  it('subscribes to exactly the events the listeners handle', () => {
    const handled = new Set([...listenerSources().matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1]!));
    const manifest = parse(read(MANIFEST_PATH)) as { settings: { event_subscriptions: { bot_events: string[] } } };
    assert.deepEqual([...handled].sort(), [...manifest.settings.event_subscriptions.bot_events].sort());
    assert.deepEqual([...handled].sort(), Object.keys(eventScopes).sort());
  });

  it('registers the default slash command, escaped, and sends everything to /slack/events', () => {
    const manifest = parse(read(MANIFEST_PATH)) as {
      features: { slash_commands: { command: string; url: string; should_escape: boolean }[] };
      settings: { interactivity: { request_url: string }; event_subscriptions: { request_url: string } };
    };
    const [command] = manifest.features.slash_commands;
    assert.equal(command?.command, loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123' }, '/').slack?.command);
    assert.equal(command?.should_escape, true);
    for (const url of [command?.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url]) {
      assert.equal(url, `${PLACEHOLDER_HOST}/slack/events`);
    }
  });
});
