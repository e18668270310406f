import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { checkAccessibility, launchBrowser, newPage, screenshot, signIn } from '../support/browser.js';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

let browser: Browser;
let launchMs = 0;

before(async () => {
  const started = performance.now();
  browser = await launchBrowser();
  launchMs = performance.now() - started;
});
after(() => browser?.close());

/** Runs `fn` on a page in a fresh context and closes the context whatever happens. */
async function withPage(options: { javaScriptEnabled?: boolean }, fn: (page: Page) => Promise<void>): Promise<void> {
  const page = await newPage(browser, options);
  try {
    await fn(page);
  } finally {
    await page.context().close();
  }
}

async function timed(t: TestContext, label: string, fn: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await fn();
  t.diagnostic(`${label}: ${Math.round(performance.now() - started)} ms`);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const accessiblePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harness check</title></head>
<body>
<main>
<h1>Harness check</h1>
<form method="post" action="/">
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name">
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>`;

// No lang, no title, an unlabelled field and an image without alt text.
const inaccessiblePage = `<!doctype html>
<html>
<head><meta charset="utf-8"></head>
<body><main><input type="text"><img src="/missing.png"></main></body>
</html>`;

// The browser helpers are checked on a static page first, so a failure in the site test below is
// about the site, not the harness. The page is served with a CSP that forbids inline scripts, as
// helmet's defaults do, so the axe injection's fallback is exercised too.
describe('browser harness on a static page', () => {
  let server: http.Server;
  let baseUrl: string;

  before(async () => {
    server = http.createServer((request, response) => {
      const body = request.url === '/broken' ? inaccessiblePage : accessiblePage;
      response.writeHead(request.url === '/' || request.url === '/broken' ? 200 : 404, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'self'",
      });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))));

  it('launches Chromium, passes axe on an accessible page, fails it on a broken one, and writes a screenshot', async (t) => {
    t.diagnostic(`chromium launch: ${Math.round(launchMs)} ms (${browser.version()})`);
    await withPage({}, async (page) => {
      await page.goto(`${baseUrl}/`);
      await timed(t, 'axe on the static page (first run, includes injection)', () => checkAccessibility(page, 'static page'));
      await timed(t, 'axe on the static page (second run)', () => checkAccessibility(page, 'static page'));

      await page.goto(`${baseUrl}/broken`);
      await assert.rejects(checkAccessibility(page, 'broken page'), (error: unknown) => {
        assert.ok(error instanceof assert.AssertionError);
        assert.match(error.message, /^broken page: \d+ accessibility violation\(s\) at http:\/\/127\.0\.0\.1:\d+\/broken\n/);
        for (const rule of ['html-has-lang', 'document-title', 'label', 'image-alt']) {
          assert.match(error.message, new RegExp(`^  ${rule} \\(\\w+\\): `, 'm'), `expected ${rule} in:\n${error.message}`);
        }
        assert.match(error.message, /^ {4}- img$/m, 'lists the offending element');
        return true;
      });

      await page.goto(`${baseUrl}/`);
      const file = await screenshot(page, 'harness-static-page');
      const png = await fs.readFile(file);
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
      assert.ok(png.length > 1000, `screenshot is ${png.length} bytes`);
    });
  });

  it('refuses at once to run axe on a page with JavaScript disabled, where it would never finish', async () => {
    await withPage({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${baseUrl}/`);
      await assert.rejects(checkAccessibility(page, 'no-JS page'), /^Error: no-JS page: checkAccessibility needs a page with JavaScript enabled/);
    });
  });
});

describeEngines('web site smoke test in Chromium', (ctx) => {
  let running: RunningApp;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
  });
  after(() => running?.close());

  ctx.test('the sign-in page passes axe (WCAG 2.2 AA) and is screenshotted', async (t) => {
    await withPage({}, async (page) => {
      const response = await page.goto(`${running.baseUrl}/sign-in`);
      assert.equal(response?.status(), 200);
      await timed(t, 'axe on /sign-in', () => checkAccessibility(page, '/sign-in'));
      const png = await fs.readFile(await screenshot(page, `sign-in-${ctx.engine}`));
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    });
  });

  ctx.test('after sign-in, / leads to the incidents list', async () => {
    await withPage({}, async (page) => {
      await signIn(page, running.baseUrl, 'Ada Lovelace');
      await page.goto(`${running.baseUrl}/`);
      if (new URL(page.url()).pathname !== '/incidents') {
        // Not redirected: the home page must link to the list instead.
        await page.locator('a[href="/incidents"]').first().click();
        await page.waitForURL((url) => url.pathname === '/incidents');
      }
      assert.equal(new URL(page.url()).pathname, '/incidents');
      assert.ok((await page.getByRole('heading', { level: 1 }).count()) === 1, 'the incidents list has one h1');
    });
  });
});
