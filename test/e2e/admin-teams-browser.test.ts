import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { axeCspHash, checkAccessibility, launchBrowser, newPage, screenshot, signIn } from '../support/browser.js';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

// The admin page of teams in Chromium: it passes axe with teams listed, with a refused form and on
// the change and remove pages; the key typed never comes back.

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

const KEY = '0123456789abcdef0123456789ab9f3c';

describeEngines('the admin page of teams in Chromium', (ctx) => {
  let running: RunningApp;
  before(async () => {
    running = await startApp(ctx.databaseUrl, {
      ADMIN_EMAILS: 'ada.admin@dev-sign-in.invalid',
      PAGERDUTY_ROUTING_KEY: 'R0LEADLEADLEADLEADLEADLEADLEAD01',
      PAGERDUTY_TEAMS: 'database:R0DATABASEDATABASEDATABASEDATA02:Databases and replication',
    });
  });
  after(() => running?.close());

  ctx.test('passes axe listing, refusing, adding, changing and removing a team', async () => {
    const page = await newPage(browser);
    try {
      const axeHash = await axeCspHash();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        // A refused form answers 400, which Chromium reports as a failed load: expected once here.
        const expected = message.text().includes(axeHash) || message.text().includes('status of 400 (Bad Request)');
        if (message.type() === 'error' && !expected) problems.push(`console error: ${message.text()}`);
      });

      await signIn(page, running.baseUrl, 'Ada Admin');
      await page.getByRole('link', { name: 'Teams that can be paged' }).click();
      assert.equal(new URL(page.url()).pathname, '/admin/teams');
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Teams that can be paged' }).count(), 1);
      await checkAccessibility(page, 'teams, configuration only');

      await page.getByLabel('Team name').fill('network');
      await page.getByLabel('PagerDuty integration key').fill(KEY.toUpperCase());
      await page.getByRole('button', { name: 'Add team' }).click();
      assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Enter what the team covers/);
      assert.equal(await page.getByLabel('PagerDuty integration key').inputValue(), '', 'the key is not filled back in');
      await checkAccessibility(page, 'teams, a refused form');

      await page.getByLabel('What the team covers').fill('Routers, DNS and the VPN');
      await page.getByLabel('PagerDuty integration key').fill(KEY);
      await page.getByRole('button', { name: 'Add team' }).click();
      await page.waitForURL((url) => url.search === '?added=network');
      assert.equal(await page.getByRole('row', { name: /network Routers, DNS and the VPN ends in •••• 9f3c Active/ }).count(), 1);
      assert.ok(!(await page.content()).includes(KEY));
      await checkAccessibility(page, 'teams, one added');
      await screenshot(page, `admin-teams-${ctx.engine}`);

      await page.getByRole('link', { name: 'Change team network' }).click();
      await checkAccessibility(page, 'change a team');
      await page.getByRole('link', { name: 'Cancel' }).click();
      await page.getByRole('link', { name: 'Remove team network' }).click();
      await checkAccessibility(page, 'remove a team');
      await page.getByRole('button', { name: 'Remove team' }).click();
      await page.waitForURL((url) => url.search === '?removed=network');
      assert.equal(await page.getByRole('row', { name: /network/ }).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });
});
