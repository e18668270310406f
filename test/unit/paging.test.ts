import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { checkPageMessage, pageKeyFor, type PageId } from '../../src/domain/page.js';
import type { IncidentId } from '../../src/domain/ids.js';
import { renderNudge } from '../../src/slack/blocks/nudge.js';
import { renderPageModal } from '../../src/slack/blocks/page.js';
import { buttons, DECLARED_AT, declared, PUBLIC_URL, severities, withChannel } from './slack-blocks/helpers.js';

const KEY = 'R0LEADLEADLEADLEADLEADLEADLEAD01';
const env = (extra: Record<string, string>) => ({ DATABASE_URL: 'sqlite::memory:', ...extra });

describe('paging configuration', () => {
  it('is off without a routing key, and names a lone PAGERDUTY_* variable', () => {
    assert.equal(loadConfig(env({}), '/tmp').pager, null);
    assert.throws(() => loadConfig(env({ PAGERDUTY_API_TOKEN: 'token-123456' }), '/tmp'), /PAGERDUTY_API_TOKEN: set PAGERDUTY_ROUTING_KEY too/);
  });

  it('reads the teams as name:routing_key:description and refuses a bad one', () => {
    const config = loadConfig(env({ PAGERDUTY_ROUTING_KEY: KEY, PAGERDUTY_TEAMS: `database:${KEY}:Databases: and replication` }), '/tmp');
    assert.deepEqual(config.pager?.teams, [{ name: 'database', routingKey: KEY, description: 'Databases: and replication' }]);
    assert.equal(config.pager?.eventsUrl, 'https://events.pagerduty.com');
    assert.throws(() => loadConfig(env({ PAGERDUTY_ROUTING_KEY: KEY, PAGERDUTY_TEAMS: 'database:short' }), '/tmp'), /PAGERDUTY_TEAMS/);
    assert.throws(() => loadConfig(env({ PAGERDUTY_ROUTING_KEY: KEY, PAGERDUTY_ESCALATION_POLICY: 'PABC123' }), '/tmp'), /needs it|PAGERDUTY_API_TOKEN too/);
  });
});

describe('pages', () => {
  it('have a key per page, so a second page on one incident is a new alert', () => {
    const incident = 'inc-1' as IncidentId;
    assert.notEqual(pageKeyFor(incident, 'p1' as PageId), pageKeyFor(incident, 'p2' as PageId));
    assert.equal(pageKeyFor(incident, 'p1' as PageId), 'inc-1:p1');
  });

  it('refuse an empty or overlong message', () => {
    assert.throws(() => checkPageMessage('  \n '), /Write what the person on call needs to know/);
    assert.throws(() => checkPageMessage('x'.repeat(1001)), /under 1000 characters/);
    assert.equal(checkPageMessage(' Come and lead \r\n please '), 'Come and lead \n please');
  });

  it('the no-lead reminder offers "Page on-call lead" only with a pager', () => {
    const live = withChannel(declared({ title: 'Checkout down' }));
    const options = { publicUrl: PUBLIC_URL, invocation: '/incident', severities, now: new Date(DECLARED_AT.getTime() + 600_000) };
    const ids = (pager: boolean) => buttons(renderNudge('no_lead', live, { ...options, pager })!.blocks).map((b) => b.action_id);
    assert.ok(ids(true).includes('incident.page_lead'));
    assert.ok(!ids(false).includes('incident.page_lead'));
  });

  it('the modal asks to be clear and kind', () => {
    const view = renderPageModal(withChannel(declared({ title: 'Checkout down' })), { target: 'lead', privateMetadata: '{}' });
    assert.match(JSON.stringify(view), /You may be waking someone up: be clear and kind/);
  });
});
