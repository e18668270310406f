import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Actor } from '../../src/domain/user.js';
import { checkAccessibility, launchBrowser, newPage, screenshot, watchPageProblems } from '../support/browser.js';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

// The public status page in Chromium, signed out: it passes axe empty and with incidents, shows
// nothing unpublished, and its Atom feed parses as XML.

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/** What the DOMParser made of the feed, read in the page (the test project has no DOM types). */
interface ParsedFeed {
  readonly parseError: string | null;
  readonly root: string | null;
  readonly namespace: string | null;
  readonly id: string | null;
  readonly title: string | null;
  readonly updated: string | null;
  readonly entries: number;
}

describeEngines('the public status page in Chromium', (ctx) => {
  let running: RunningApp;
  let actor: Actor;
  before(async () => {
    running = await startApp(ctx.databaseUrl, { STATUS_COMPONENTS: 'Use an LPA,Make an LPA,Payments' });
    actor = { user: await running.app.users.fromDevSignIn('Cora Comms'), source: 'web' };
  });
  after(() => running?.close());

  ctx.test('passes axe with nothing published and with current and past incidents; the feed is well-formed Atom', async () => {
    const page = await newPage(browser);
    try {
      const problems = await watchPageProblems(page);

      await page.goto(`${running.baseUrl}/status`);
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Service status' }).count(), 1);
      assert.match((await page.locator('main').textContent()) ?? '', /All services are running normally/);
      await checkAccessibility(page, 'status page, nothing published');

      await running.app.incidents.declare(actor, { title: 'Unpublished zebra', private: true });
      const live = await running.app.incidents.declare(actor, { title: 'Internal wombat' });
      const base = { notifySubscribers: false, publishPrivate: false };
      await running.app.statusPage.publish(actor, live.id, { ...base, title: 'Payments are slow', status: 'investigating', message: 'Some payments fail.\nWe are on it.', components: [{ name: 'Payments', state: 'major_outage' }] });
      await running.app.statusPage.publish(actor, live.id, { ...base, title: 'Payments are slow', status: 'monitoring', message: 'A fix is out.', components: [{ name: 'Payments', state: 'degraded_performance' }] });
      const old = await running.app.incidents.declare(actor, { title: 'Internal koala' });
      await running.app.statusPage.publish(actor, old.id, { ...base, title: 'Maintenance overran', status: 'resolved', message: 'Done.', components: [] });

      await page.goto(`${running.baseUrl}/status`);
      const main = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(main, /Payments are slow/);
      assert.match(main, /Maintenance overran/);
      assert.doesNotMatch(main, /zebra|wombat|koala|All services are running normally/);
      assert.equal(await page.getByRole('row', { name: /Payments Degraded performance/ }).count(), 1);
      await checkAccessibility(page, 'status page with incidents');
      await screenshot(page, `status-${ctx.engine}`);

      // Fetched, not opened: Chromium would ask for /favicon.ico for a bare XML document.
      const xml = await (await fetch(`${running.baseUrl}/status/feed.atom`)).text();
      // A string, not a function: the test transpiler would wrap inner functions in a helper the page lacks.
      const parsed = (await page.evaluate(`(() => {
        const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
        const root = doc.documentElement;
        const text = {};
        for (const c of Array.from(root.children)) if (!(c.localName in text)) text[c.localName] = c.textContent;
        return {
          parseError: doc.querySelector('parsererror')?.textContent ?? null,
          root: root.localName,
          namespace: root.namespaceURI,
          id: text.id ?? null,
          title: text.title ?? null,
          updated: text.updated ?? null,
          entries: doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry').length,
        };
      })()`)) as ParsedFeed;
      assert.equal(parsed.parseError, null);
      assert.equal(parsed.root, 'feed');
      assert.equal(parsed.namespace, 'http://www.w3.org/2005/Atom');
      assert.match(parsed.id ?? '', /^http:\/\/localhost:\d+\/status$/);
      assert.equal(parsed.title, 'Service status');
      assert.match(parsed.updated ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(parsed.entries, 3);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });
});
