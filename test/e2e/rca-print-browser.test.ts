import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Actor } from '../../src/domain/user.js';
import { axeCspHash, checkAccessibility, launchBrowser, newPage, screenshot, signIn } from '../support/browser.js';
import { describeEngines } from '../support/engines.js';
import { startFakeConfluence, type FakeConfluence } from '../support/fake-confluence.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';

// The RCA's publish page and its print-ready version in Chromium: axe-clean, masked, and the
// print version makes a sensible A4 PDF.

const TOKEN = 'ghp_9999999999abcdefghijABCDEFGHIJ999999';
const LEAD = 'Lena Lead';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describeEngines('the RCA publish and print pages in Chromium', (ctx) => {
  let slack: SlackHarness;
  let confluence: FakeConfluence;
  let reference: string;

  before(async () => {
    confluence = await startFakeConfluence();
    slack = await startSlackApp(ctx.databaseUrl, {
      env: {
        CONFLUENCE_URL: confluence.url,
        CONFLUENCE_SPACE_KEY: 'OPS',
        CONFLUENCE_EMAIL: confluence.email,
        CONFLUENCE_API_TOKEN: confluence.apiToken,
        RCA_SHARE_CHANNELS: '#incident-reviews',
      },
    });
    const lead: Actor = { user: await slack.app.users.fromDevSignIn(LEAD), source: 'web' };
    const incident = await slack.app.incidents.declare(lead, {
      title: 'Certificate expiry took payments down',
      summary: 'Card payments failed for 40 minutes.',
      impact: 'About 1,200 payments failed.',
      severity: 'major',
      private: true,
    });
    // A long timeline: the printed RCA runs over more than one page.
    for (let n = 1; n <= 45; n++) {
      const text = n === 3 ? `Pasted the deploy key ${TOKEN} by mistake` : `Step ${n}: checked the load balancer, the certificate chain and the payment provider's status page again.`;
      await slack.app.timeline.add(lead, incident.id, { kind: 'note', text, link: n % 10 === 0 ? `https://runbooks.example.com/payments/${n}` : null });
    }
    await slack.app.incidents.update(lead, incident.id, { status: 'closed', closeReason: 'resolved' });
    await slack.app.rca.recordOutcome(lead, incident.id, {
      rootCause: 'The certificate was renewed by hand and the reminder went to a person who had left.',
      contributingFactors: 'No alert on expiry.',
      wentWell: 'The rollback was quick.',
      wentBadly: 'Nobody knew who owned the certificate.',
    });
    await slack.app.followUps.add(lead, incident.id, { text: 'Alert 30 days before any certificate expires', owner: { id: lead.user.id }, dueOn: '2031-02-28' });
    await slack.app.worker.idle();
    reference = incident.reference;
  });
  after(async () => {
    await slack?.close();
    await confluence?.close();
  });

  ctx.test('the publish page passes axe, shows what was masked, and refuses a private share without the tick', async () => {
    const page = await newPage(browser);
    try {
      const axeHash = await axeCspHash();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      // The refused form answers 400 on purpose (Chromium logs that as a failed load): anything else is a problem.
      page.on('response', (r) => {
        if (r.status() >= 400 && !(r.status() === 400 && r.url().endsWith('/rca/publish/share'))) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().includes(axeHash) && !message.text().includes('status of 400')) problems.push(`console error: ${message.text()}`);
      });
      await signIn(page, slack.baseUrl, LEAD);
      await page.goto(`${slack.baseUrl}/incidents/${reference}/rca/publish`);
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Publish and share the root cause analysis' }).count(), 1);
      const masked = page.locator('table', { has: page.locator('caption', { hasText: 'Masked before publishing' }) });
      assert.match((await masked.textContent()) ?? '', /GitHub token\s*ghp_…\s*Timeline,/);
      assert.ok(!((await page.content()).includes(TOKEN)), 'the token is nowhere on the page');
      await checkAccessibility(page, 'RCA publish page');

      await page.getByRole('button', { name: 'Share summary to Slack' }).click();
      await page.waitForURL(/\/rca\/publish\/share$/);
      assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /is private: tick "share anyway"/);
      await checkAccessibility(page, 'RCA publish page with an error');

      await page.getByLabel('Share anyway').check();
      await page.getByRole('button', { name: 'Share summary to Slack' }).click();
      await page.waitForURL(/\/rca\/publish\?done=share#share$/);
      assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /being shared to Slack/);

      // Private: Confluence needs its own explicit tick too.
      await page.getByLabel('Publish anyway').check();
      await page.getByRole('button', { name: 'Publish to Confluence' }).click();
      await page.waitForURL(/done=confluence/);
      await slack.app.worker.idle();
      await page.reload();
      assert.equal(await page.getByRole('button', { name: 'Update the Confluence page' }).count(), 1);
      await checkAccessibility(page, 'RCA publish page once published');
      await screenshot(page, `rca-publish-${ctx.engine}`);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  ctx.test('the print page passes axe, has no navigation, is masked, and prints to a PDF of a few A4 pages', async () => {
    const page = await newPage(browser);
    try {
      const axeHash = await axeCspHash();
      const problems: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().includes(axeHash)) problems.push(`console error: ${message.text()}`);
      });
      await signIn(page, slack.baseUrl, LEAD);
      const response = await page.goto(`${slack.baseUrl}/incidents/${reference}/rca/print`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.getByRole('heading', { level: 1, name: `RCA ${reference}: Certificate expiry took payments down` }).count(), 1);
      assert.equal(await page.locator('nav').count(), 0, 'no navigation');
      assert.equal(await page.locator('form').count(), 0, 'no forms');
      const text = (await page.locator('main').textContent()) ?? '';
      assert.match(text, /Pasted the deploy key \[masked: GitHub token\] by mistake/);
      assert.match(text, /Alert 30 days before any certificate expires/);
      assert.ok(!(await page.content()).includes(TOKEN));
      // The print stylesheet loaded (the CSP allows it): the section headings have their rule.
      const border = await page.locator('h2').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderBottomStyle: string } }).getComputedStyle(el).borderBottomStyle);
      assert.equal(border, 'solid');
      await checkAccessibility(page, 'RCA print page');

      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
      assert.ok(pages >= 2 && pages <= 12, `a sensible number of pages: ${pages}`);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  ctx.test('signed out, the print page asks to sign in', async () => {
    const response = await fetch(`${slack.baseUrl}/incidents/${reference}/rca/print`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /^\/sign-in\?next=/);
  });
});
