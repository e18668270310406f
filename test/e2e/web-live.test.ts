import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, signIn } from '../support/browser.js';
import { describeEngines } from '../support/engines.js';
import { EventStream, signInCookie } from '../support/event-stream.js';
import { eventually } from '../support/eventually.js';
import { startApp, type RunningApp } from '../support/http-app.js';

describeEngines('live updates: pages hear of changes from any surface over Server-Sent Events', (ctx) => {
  let running: RunningApp;
  let browser: Browser;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await running.close();
  });

  async function declare(title: string): Promise<string> {
    const declared = await running.api('/api/v1/incidents', { method: 'POST', body: { title } });
    assert.equal(declared.status, 201);
    return String(declared.body.reference);
  }

  ctx.test("an incident's stream carries its own changes; the list's stream carries every change", async () => {
    // On PostgreSQL changes come back through NOTIFY, after the commit: the declarations must have
    // been heard here before the streams open, or they would show up on them late.
    const heard = new Set<string>();
    const stopHearing = running.app.live.subscribe((update) => heard.add(update.reference));
    const watched = await declare('Checkout is failing');
    const other = await declare('Search is slow');
    await eventually('the declarations to have been heard', () => (heard.has(watched) && heard.has(other) ? true : undefined));
    stopHearing();
    const cookie = await signInCookie(running.baseUrl, 'Lee Live');
    const one = new EventStream();
    const all = new EventStream();
    try {
      const response = await one.open(`${running.baseUrl}/incidents/${watched}/events`, cookie);
      assert.equal(response.headers.get('content-encoding'), null);
      await all.open(`${running.baseUrl}/incidents/events`, cookie);

      assert.equal((await running.api(`/api/v1/incidents/${other}`, { method: 'PATCH', body: { summary: 'elsewhere' } })).status, 200);
      assert.equal((await running.api(`/api/v1/incidents/${watched}`, { method: 'PATCH', body: { summary: 'x' } })).status, 200);

      // Published in commit order, so the other incident's change, had it been sent, would come first.
      assert.deepEqual(await one.nextChanged(), { reference: watched });
      assert.deepEqual(await all.nextChanged(), { reference: other });
      assert.deepEqual(await all.nextChanged(), { reference: watched });
    } finally {
      one.close();
      all.close();
    }
  });

  ctx.test('without signing in, the stream redirects to sign-in', async () => {
    for (const path of ['/incidents/events', '/incidents/INC-1/events']) {
      const response = await fetch(`${running.baseUrl}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), `/sign-in?next=${encodeURIComponent(path)}`);
      assert.doesNotMatch(response.headers.get('content-type') ?? '', /event-stream/);
      await response.body?.cancel();
    }
  });

  ctx.test('in a browser, the incident page shows a change made through the API without a reload', async () => {
    const reference = await declare('Payments are delayed');
    const page = await newPage(browser);
    try {
      await signIn(page, running.baseUrl, 'Bea Browser');
      const connected = page.waitForResponse((response) => response.url().endsWith(`/incidents/${reference}/events`));
      await page.goto(`${running.baseUrl}/incidents/${reference}`);
      await connected;
      // Survives only if the page is not loaded again.
      await page.evaluate(() => {
        (globalThis as unknown as { liveMarker?: string }).liveMarker = 'same page';
      });

      const changed = await running.api(`/api/v1/incidents/${reference}`, { method: 'PATCH', body: { summary: 'Card payments queue at the bank' } });
      assert.equal(changed.status, 200);
      await page.locator('#main-content').getByText('Card payments queue at the bank', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => (globalThis as unknown as { liveMarker?: string }).liveMarker), 'same page');

      // With something typed and not sent, the page is left alone and offers a reload instead.
      await page.getByLabel('What happened').fill('Half-written update');
      await running.api(`/api/v1/incidents/${reference}`, { method: 'PATCH', body: { summary: 'Payments flow again' } });
      await page.getByText('This incident has changed — reload to see it').waitFor();
      assert.equal(await page.getByLabel('What happened').inputValue(), 'Half-written update');
      assert.equal(await page.getByText('Payments flow again', { exact: true }).count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
