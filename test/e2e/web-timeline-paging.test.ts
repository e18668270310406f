import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TIMELINE_PAGE, timelineShown } from '../../src/http/web/incident-page.js';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

/** The "Update n" texts of the timeline entries on a page, in page order. */
function updatesOn(html: string): number[] {
  return [...html.matchAll(/Paging update (\d+)\b/g)].map((m) => Number(m[1]));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// About 2 s per engine: 130 entries through the API, then five page loads.
describeEngines('a long timeline on the incident page: the latest entries, then earlier ones by plain links', (ctx) => {
  const TOTAL = TIMELINE_PAGE + 30;
  let running: RunningApp;
  let reference: string;
  // The declaration's own entries happen now, after every backdated update: the latest page holds them.
  let own: number;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
    const declared = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'A long night' } });
    assert.equal(declared.status, 201);
    reference = declared.body.reference;
    own = (await running.api(`/api/v1/incidents/${reference}/timeline`)).body.items.length;
    const start = Date.parse('2026-01-01T00:00:00Z');
    // Written newest-first on purpose: the page orders by when things happened, not by insertion.
    for (const n of range(1, TOTAL).reverse()) {
      const added = await running.api(`/api/v1/incidents/${reference}/timeline`, {
        method: 'POST',
        body: { text: `Paging update ${n}`, occurredAt: new Date(start + n * 60_000).toISOString() },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
  });
  after(() => running.close());

  ctx.test('the page shows the latest page of entries in order, and links to earlier ones', async () => {
    const client = new WebClient(running.baseUrl);
    await client.signIn('Pat Pager');
    const first = await client.get(`/incidents/${reference}`);
    assert.equal(first.status, 200);
    assert.deepEqual(updatesOn(first.html), range(TOTAL - TIMELINE_PAGE + own + 1, TOTAL));
    assert.match(first.html, new RegExp(`Showing the latest ${TIMELINE_PAGE} entries`));
    const earlier = /href="([^"]+)">Show earlier entries</.exec(first.html)?.[1];
    assert.ok(earlier, 'a "Show earlier entries" link');

    const more = await client.get(`/incidents/${reference}${earlier.replaceAll('&amp;', '&')}`);
    assert.equal(more.status, 200);
    assert.deepEqual(updatesOn(more.html), range(1, TOTAL), 'the second page reaches the start');
    assert.doesNotMatch(more.html, /Show earlier entries/);

    const all = await client.get(`/incidents/${reference}?entries=all`);
    assert.deepEqual(updatesOn(all.html), range(1, TOTAL));
  });

  ctx.test('a nonsense ?entries= is the first page, not an error', async () => {
    const client = new WebClient(running.baseUrl);
    await client.signIn('Pat Pager');
    const page = await client.get(`/incidents/${reference}?entries=-5%27`);
    assert.equal(page.status, 200);
    assert.deepEqual(updatesOn(page.html), range(TOTAL - TIMELINE_PAGE + own + 1, TOTAL));
  });

  ctx.test('entries added after the first page are on it (what live updates re-fetch)', async () => {
    const added = await running.api(`/api/v1/incidents/${reference}/timeline`, { method: 'POST', body: { text: `Paging update ${TOTAL + 1}` } });
    assert.equal(added.status, 201);
    const client = new WebClient(running.baseUrl);
    await client.signIn('Pat Pager');
    const page = await client.get(`/incidents/${reference}`);
    assert.deepEqual(updatesOn(page.html), range(TOTAL - TIMELINE_PAGE + own + 2, TOTAL + 1));
  });

  ctx.test('after correcting an entry, the page it lands on shows that entry, however old it is', async () => {
    const client = new WebClient(running.baseUrl);
    await client.signIn('Pat Pager');
    const items: { id: string; text: string }[] = (await running.api(`/api/v1/incidents/${reference}/timeline`)).body.items;
    const idOf = (n: number) => items.find((e) => e.text === `Paging update ${n}`)!.id;
    const correct = async (n: number, fields: Record<string, string>) => {
      const path = `/incidents/${reference}/timeline/${idOf(n)}/edit`;
      const form = await client.get(path);
      const value = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(form.html)?.[1] ?? '';
      return client.post(path, { _csrf: await client.csrf(path), text: `Paging update ${n} (corrected)`, date: value('date'), time: value('time'), link: '', ...fields });
    };

    const recent = await correct(TOTAL, {});
    assert.equal(recent.status, 303);
    assert.equal(recent.location, `/incidents/${reference}#entry-${idOf(TOTAL)}`, 'a recent entry: the latest page');

    const old = await correct(1, {});
    assert.equal(old.status, 303);
    assert.match(old.location ?? '', new RegExp(`^/incidents/${reference}\\?entries=\\d+#entry-${idOf(1)}$`));
    const landed = await client.get(old.location!.replace(/#.*$/, ''));
    assert.match(landed.html, new RegExp(`id="entry-${idOf(1)}"`), 'the old entry is on the page it lands on');

    const moved = await correct(2, { time: '23:59' });
    assert.equal(moved.status, 303);
    assert.equal(moved.location, `/incidents/${reference}?entries=all#entry-${idOf(2)}`, 'a moved entry: the whole timeline');
  });
});

test('?entries= rounds up to whole pages, takes "all", and falls back to one page', () => {
    assert.equal(timelineShown({}), TIMELINE_PAGE);
    assert.equal(timelineShown({ entries: '1' }), TIMELINE_PAGE);
    assert.equal(timelineShown({ entries: String(TIMELINE_PAGE + 1) }), 2 * TIMELINE_PAGE);
    assert.equal(timelineShown({ entries: 'all' }), 'all');
    assert.equal(timelineShown({ entries: ['200', '300'] }), TIMELINE_PAGE);
    assert.equal(timelineShown(null), TIMELINE_PAGE);
});
