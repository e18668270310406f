import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfluenceConfig } from '../../src/config/confluence.config.js';
import { createConfluenceRcaPublisher } from '../../src/integrations/confluence/confluence-rca-publisher.js';
import { RcaPublisherRefused, RcaPublisherUnavailable } from '../../src/ports/rca-publisher.port.js';
import { startFakeConfluence, type FakeConfluence } from '../support/fake-confluence.js';

// The Confluence adapter over real HTTP against the fake's wire format: version rule, conflicts,
// outages, refusals and both kinds of credentials.
describe('the Confluence RCA publisher', () => {
  let fake: FakeConfluence;
  let config: ConfluenceConfig;
  before(async () => {
    fake = await startFakeConfluence({ spaces: ['OPS'], parents: ['1000'], token: 'data-center-pat' });
    config = { url: fake.url, spaceKey: 'OPS', parentPageId: '1000', auth: { kind: 'basic', email: fake.email, apiToken: fake.apiToken } };
  });
  after(() => fake.close());

  it('creates, then updates the same page with the next version, reading again after a 409', async () => {
    const publisher = createConfluenceRcaPublisher(config);
    const created = await publisher.publish({ title: 'RCA INC-1: One', body: '<p>first</p>' }, null);
    assert.equal(created.version, 1);
    assert.equal(created.url, `${fake.url}/spaces/OPS/pages/${created.id}`);
    fake.editBeforeNextUpdate();
    const updated = await publisher.publish({ title: 'RCA INC-1: One', body: '<p>second</p>' }, created.id);
    assert.equal(updated.id, created.id);
    assert.equal(updated.version, 3, 'after the conflict, the version after the other writer’s');
    assert.equal(fake.pages.get(created.id)?.body, '<p>second</p>');
    const puts = fake.requests.filter((r) => r.method === 'PUT').map((r) => r.status);
    assert.deepEqual(puts, [409, 200]);
  });

  it('a page deleted in Confluence is made again rather than failing for ever', async () => {
    const publisher = createConfluenceRcaPublisher(config);
    const page = await publisher.publish({ title: 'RCA INC-2: Two', body: '<p>x</p>' }, '99999999');
    assert.notEqual(page.id, '99999999');
    assert.equal(page.version, 1);
  });

  it('outages and rate limits are "try later" (with Retry-After); refusals are final', async () => {
    const publisher = createConfluenceRcaPublisher(config);
    fake.failNext(1, 429);
    await assert.rejects(publisher.publish({ title: 'RCA INC-3: Three', body: '<p>x</p>' }, null), (e: unknown) => e instanceof RcaPublisherUnavailable && e.retryAfterMs === 1000);
    fake.failNext(1, 503);
    await assert.rejects(publisher.publish({ title: 'RCA INC-3: Three', body: '<p>x</p>' }, null), RcaPublisherUnavailable);
    const wrongKey = createConfluenceRcaPublisher({ ...config, auth: { kind: 'basic', email: fake.email, apiToken: 'wrong-token' } });
    await assert.rejects(wrongKey.publish({ title: 'RCA INC-3: Three', body: '<p>x</p>' }, null), (e: unknown) => e instanceof RcaPublisherRefused && /HTTP 401/.test(e.message) && !e.message.includes('wrong-token'));
    const noSpace = createConfluenceRcaPublisher({ ...config, spaceKey: 'NOPE' });
    await assert.rejects(noSpace.publish({ title: 'RCA INC-3: Three', body: '<p>x</p>' }, null), RcaPublisherRefused);
  });

  it('a Data Center personal access token works as a bearer token', async () => {
    const publisher = createConfluenceRcaPublisher({ ...config, parentPageId: null, auth: { kind: 'bearer', token: 'data-center-pat' } });
    const page = await publisher.publish({ title: 'RCA INC-4: Four', body: '<p>pat</p>' }, null);
    assert.equal(fake.pages.get(page.id)?.parentId, null);
  });
});
