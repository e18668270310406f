import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelNameFor, withSuffix } from '../../../src/slack/blocks/channel-name.js';
import { renderTopic } from '../../../src/slack/blocks/topic.js';
import { closed, declared, PAGE_URL, PUBLIC_URL, severities } from './helpers.js';

const day = new Date('2024-05-01T23:30:00Z');

describe('channelNameFor', () => {
  it('is inc-<yyyymmdd>-<slug> from the title, using the UTC date', () => {
    assert.equal(channelNameFor(declared(), day), 'inc-20240501-checkout-is-failing');
  });

  it('folds accents and other letters to ASCII and collapses everything else to single hyphens', () => {
    assert.equal(channelNameFor(declared({ title: 'Échec du paiement — Größe Ærø!' }), day), 'inc-20240501-echec-du-paiement-grosse-aero');
    assert.equal(channelNameFor(declared({ title: '  API   /v2/_users  (EU) ' }), day), 'inc-20240501-api-v2-users-eu');
  });

  it('falls back to the incident number when nothing of the title survives', () => {
    assert.equal(channelNameFor(declared({ title: '支付失败' }), day), 'inc-20240501-incident-7');
  });

  it('stays within 80 characters, cut at a word and never ending in a hyphen', () => {
    const name = channelNameFor(declared({ title: 'database connection pool exhausted on the primary cluster in eu west during deploy' }), day);
    assert.ok(name.length <= 80, `${name.length}`);
    assert.match(name, /^inc-20240501-database-connection-pool/);
    assert.match(name, /[a-z0-9]$/);
    assert.equal(name, 'inc-20240501-database-connection-pool-exhausted-on-the-primary-cluster-in-eu');
    const oneWord = channelNameFor(declared({ title: 'x'.repeat(200) }), day);
    assert.equal(oneWord.length, 80);
  });

  it('only ever uses characters Slack allows', () => {
    assert.match(channelNameFor(declared({ title: 'Ünïcödé 🔥 <script> & “quotes”' }), day), /^[a-z0-9-]+$/);
  });
});

describe('withSuffix', () => {
  it('appends -n', () => {
    assert.equal(withSuffix('inc-20240501-checkout-is-failing', 2), 'inc-20240501-checkout-is-failing-2');
  });

  it('cuts the name so the result stays within 80 characters', () => {
    const long = channelNameFor(declared({ title: 'y'.repeat(200) }), day);
    const suffixed = withSuffix(long, 12);
    assert.equal(suffixed.length, 80);
    assert.ok(suffixed.endsWith('y-12'));
    assert.doesNotMatch(withSuffix(`${'a'.repeat(77)}-b`, 2), /--/);
  });

  it('refuses a suffix that would not make a new name', () => {
    assert.throws(() => withSuffix('inc', 1), RangeError);
    assert.throws(() => withSuffix('inc', 2.5), RangeError);
  });
});

describe('renderTopic', () => {
  it('reads "INC-7 [Major] Title — doc: <url>"', () => {
    assert.equal(renderTopic(declared({ severity: 'major' }), PUBLIC_URL, severities), `INC-7 [Major] Checkout is failing — doc: ${PAGE_URL}`);
    assert.equal(renderTopic(declared(), PUBLIC_URL), `INC-7 Checkout is failing — doc: ${PAGE_URL}`);
    assert.equal(renderTopic(declared({ severity: 'major' }), PUBLIC_URL), `INC-7 [Major] Checkout is failing — doc: ${PAGE_URL}`);
  });

  it('marks a closed incident', () => {
    assert.match(renderTopic(closed(declared(), 'resolved'), PUBLIC_URL), /^INC-7 \[Closed\] /);
  });

  it('escapes the title', () => {
    assert.equal(renderTopic(declared({ title: 'A <b> & c' }), PUBLIC_URL), `INC-7 A &lt;b&gt; &amp; c — doc: ${PAGE_URL}`);
  });

  it('cuts the title first, keeping the reference and the link, within 250 characters', () => {
    const topic = renderTopic(declared({ title: 'word & '.repeat(28).trim() }), PUBLIC_URL, severities);
    assert.ok(topic.length <= 250, `${topic.length}`);
    assert.ok(topic.startsWith('INC-7 '));
    assert.ok(topic.endsWith(`… — doc: ${PAGE_URL}`));
    assert.doesNotMatch(topic, /&(?!amp;)/);
  });

  it('stays within 250 characters even with an absurd URL', () => {
    const topic = renderTopic(declared(), `https://example.com/${'p'.repeat(300)}`);
    assert.ok(topic.length <= 250);
    assert.ok(topic.startsWith('INC-7 Checkout'));
  });
});
