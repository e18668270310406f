import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Actor } from '../../src/domain/user.js';
import { checkAccessibility, launchBrowser, newPage, screenshot, signIn, watchPageProblems } from '../support/browser.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

// The metrics dashboard in Chromium: it passes axe with figures, empty and with a refused date;
// the charts are images named and described for assistive technology; the CSP blocks nothing.

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

const MINUTE = 60_000;

describeEngines('the metrics dashboard in Chromium', (ctx) => {
  let running: RunningApp;
  let clock: ManualClock;
  let actor: Actor;
  before(async () => {
    clock = new ManualClock(new Date('2026-10-01T09:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock });
    actor = { user: await running.app.users.fromDevSignIn('Rita Reporter'), source: 'web' };
    // A spread of incidents over two months, every severity and none, some led, updated and closed.
    const severities = ['critical', 'major', 'trivial', null];
    for (let i = 0; i < 16; i++) {
      clock.set(new Date(Date.parse('2026-10-01T09:00:00.000Z') + i * 3.5 * 86_400_000));
      const incident = await running.app.incidents.declare(actor, {
        title: `Incident ${i}`,
        severity: severities[i % 4],
        drill: i === 3,
        ...(i % 3 === 0 ? {} : { roles: { lead: { email: `lead${i}@example.com` } } }),
      });
      clock.advance((i + 1) * 7 * MINUTE);
      await running.app.timeline.add(actor, incident.reference, { kind: 'statusPage', text: 'Update' });
      if (i % 2 === 0) {
        clock.advance((i + 1) * 20 * MINUTE);
        await running.app.incidents.update(actor, incident.reference, { status: 'closed', closeReason: 'resolved' });
      }
    }
    clock.set(new Date('2026-11-27T12:00:00.000Z'));
  });
  after(() => running?.close());

  ctx.test('passes axe with figures, with none and with a refused date; the charts are named images', async () => {
    const page = await newPage(browser);
    try {
      const problems = await watchPageProblems(page);
      await signIn(page, running.baseUrl, 'Olly Outsider');

      await page.goto(`${running.baseUrl}/dashboard`);
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Metrics' }).count(), 1);
      const chart = page.getByRole('img', { name: 'Incidents started per week, by severity', exact: true });
      assert.equal(await chart.count(), 1);
      assert.match((await chart.getAttribute('aria-describedby')) ?? '', /^incidents-chart-desc$/);
      assert.match((await page.locator('#incidents-chart-desc').textContent()) ?? '', /^Bar chart: 15 incidents declared from /);
      assert.equal(await page.getByRole('img', { name: 'Response times: median and 90th percentile', exact: true }).count(), 1);
      assert.equal(await page.getByRole('table', { name: 'Incidents started per week, by severity' }).count(), 1);
      assert.match(((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' '), /15 incidents declared from/);
      await checkAccessibility(page, 'metrics with figures');
      await screenshot(page, `metrics-${ctx.engine}`);

      // The form, used as a person would: a shorter range gives daily bars.
      await page.getByLabel('From', { exact: true }).fill('2026-10-01');
      await page.getByLabel('To (included)', { exact: true }).fill('2026-10-14');
      await page.getByRole('button', { name: 'Show metrics' }).click();
      await page.waitForURL(/from=2026-10-01&to=2026-10-14/);
      assert.equal(await page.getByRole('img', { name: 'Incidents started per day, by severity', exact: true }).count(), 1);

      await page.goto(`${running.baseUrl}/dashboard?from=2020-01-01&to=2020-01-31`);
      await checkAccessibility(page, 'metrics with no incidents');

      assert.deepEqual(problems, []);
      const refused = await page.goto(`${running.baseUrl}/dashboard?from=2026-02-30`);
      assert.equal(refused?.status(), 400);
      assert.equal(await page.getByRole('link', { name: 'The start date must be a real date, like 2026-11-27' }).count(), 1);
      await checkAccessibility(page, 'metrics with a refused date');
      // Chromium logs the page's own 400 as a failed load; nothing else may appear.
      assert.deepEqual(problems, ['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await page.context().close();
    }
  });
});
