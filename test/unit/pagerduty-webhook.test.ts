import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { parsePagerDutyWebhook, verifyPagerDutySignature } from '../../src/integrations/pagerduty/pagerduty-webhook.js';
import { buildAcknowledgedWebhook, signPagerDutyWebhook } from '../support/fake-pagerduty.js';

const SECRET = 'whsec-current-0123';

describe('PagerDuty webhooks: signature and payload', () => {
  const body = Buffer.from(JSON.stringify(buildAcknowledgedWebhook({ id: '01EV', incidentKey: 'inc:page', agent: { id: 'PUSER1', name: 'Olivia' } })));

  it('accepts any one valid v1 signature among several, and nothing else', () => {
    assert.equal(verifyPagerDutySignature(body, signPagerDutyWebhook(body.toString(), [SECRET]), SECRET), true);
    assert.equal(verifyPagerDutySignature(body, signPagerDutyWebhook(body.toString(), ['old-secret', SECRET]), SECRET), true);
    assert.equal(verifyPagerDutySignature(body, signPagerDutyWebhook(body.toString(), ['old-secret']), SECRET), false);
    assert.equal(verifyPagerDutySignature(body, undefined, SECRET), false);
    assert.equal(verifyPagerDutySignature(body, 'v1=zz,v0=abc,', SECRET), false);
    const other = Buffer.concat([body, Buffer.from(' ')]);
    assert.equal(verifyPagerDutySignature(other, signPagerDutyWebhook(body.toString(), [SECRET]), SECRET), false);
  });

  it('reads an acknowledgement by incident_key or dedup_key; other events are ignored', () => {
    assert.deepEqual(parsePagerDutyWebhook(JSON.parse(body.toString())), {
      kind: 'acknowledged',
      acknowledgement: { noticeId: '01EV', pageKey: 'inc:page', by: { pagerUserId: 'PUSER1', name: 'Olivia' } },
    });
    const byDedup = { event: { id: '02EV', event_type: 'incident.acknowledged', agent: null, data: { id: 'Q1', type: 'incident', dedup_key: 'k', assignees: [{ summary: 'Brian' }] } } };
    assert.deepEqual(parsePagerDutyWebhook(byDedup), { kind: 'acknowledged', acknowledgement: { noticeId: '02EV', pageKey: 'k', by: { pagerUserId: null, name: 'Brian' } } });
    assert.deepEqual(parsePagerDutyWebhook({ event: { id: '03EV', event_type: 'incident.resolved', data: {} } }), { kind: 'ignored' });
    assert.equal(parsePagerDutyWebhook({ hello: 'world' }), null);
  });

  it('PAGERDUTY_WEBHOOK_SECRET needs PAGERDUTY_ROUTING_KEY', () => {
    assert.throws(() => loadConfig({ PAGERDUTY_WEBHOOK_SECRET: SECRET }, '/'), /PAGERDUTY_WEBHOOK_SECRET: set PAGERDUTY_ROUTING_KEY too/);
    const config = loadConfig({ PAGERDUTY_ROUTING_KEY: 'R0LEADLEADLEADLEADLEADLEADLEAD01', PAGERDUTY_WEBHOOK_SECRET: SECRET }, '/');
    assert.equal(config.pager?.webhookSecret, SECRET);
  });
});
