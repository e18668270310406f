import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { checkAccessibility, launchBrowser, newPage, screenshot } from '../support/browser.js';
import { startFakeOidc, type FakeOidc } from '../support/fake-oidc.js';
import { freePort } from '../support/free-port.js';
import { startApp, type RunningApp } from '../support/http-app.js';

describe('sign-in with a provider, in Chromium', () => {
  let browser: Browser;
  let oidc: FakeOidc;
  let running: RunningApp;
  before(async () => {
    browser = await launchBrowser();
    oidc = await startFakeOidc();
    const port = await freePort();
    running = await startApp('sqlite::memory:', {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_CLIENT_SECRET: oidc.clientSecret,
      OIDC_LABEL: 'Acme SSO',
    });
  });
  after(async () => {
    await running?.close();
    await oidc?.close();
    await browser?.close();
  });

  it('by keyboard alone: from a deep link, through the provider, back to that page; the pages pass axe', async () => {
    oidc.nextUser({ sub: 'k-1', email: 'kim@acme.example', email_verified: true, name: 'Kim Keys' });
    const page = await newPage(browser);
    try {
      await page.goto(`${running.baseUrl}/incidents/new`);
      assert.equal(new URL(page.url()).pathname, '/sign-in');
      await checkAccessibility(page, 'sign-in with a provider');
      await screenshot(page, 'sign-in-provider');
      // Tab from the top of the page to the button, as a keyboard user would.
      const button = page.getByRole('button', { name: 'Sign in with Acme SSO' });
      for (let i = 0; i < 10 && !(await button.evaluate((el) => el === el.ownerDocument.activeElement)); i++) await page.keyboard.press('Tab');
      assert.ok(await button.evaluate((el) => el === el.ownerDocument.activeElement), 'the sign-in button is reachable by Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/incidents/new');
      assert.match((await page.locator('.app-user-bar').textContent()) ?? '', /Signed in as\s+Kim Keys/);
    } finally {
      await page.context().close();
    }
  });

  it('a refused sign-in explains itself on an accessible page', async () => {
    oidc.denyNext('access_denied');
    const page = await newPage(browser);
    try {
      await page.goto(`${running.baseUrl}/sign-in`);
      await page.getByRole('button', { name: 'Sign in with Acme SSO' }).click();
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Signing in was cancelled at Acme SSO/);
      await checkAccessibility(page, 'sign-in refused');
      await screenshot(page, 'sign-in-refused');
    } finally {
      await page.context().close();
    }
  });
});
