import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Actor } from '../../src/domain/user.js';
import { checkAccessibility, launchBrowser, newPage, screenshot, signIn, watchPageProblems } from '../support/browser.js';
import { describeEngines, ManualClock } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';

// The RCA page and the open follow-ups in Chromium: they pass axe empty, filled in and with a
// refused form, and their forms work with the real browser.

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describeEngines('the RCA page and the follow-ups page in Chromium', (ctx) => {
  let running: RunningApp;
  let lead: Actor;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock(new Date('2024-05-01T10:00:00.000Z'));
    running = await startApp(ctx.databaseUrl, {}, { clock });
    lead = { user: await running.app.users.fromDevSignIn('Lena Lead'), source: 'web' };
  });
  after(() => running?.close());

  ctx.test('the RCA page and /follow-ups pass axe; the session, outcome and a follow-up are saved through the browser', async () => {
    const incident = await running.app.incidents.declare(lead, { title: 'Payments failing', summary: 'Card payments fail', impact: 'No orders', severity: 'major' });
    clock.advance(4 * 60_000);
    await running.app.incidents.update(lead, incident.id, { roles: { lead: { id: lead.user.id } } });
    await running.app.timeline.add(lead, incident.id, { kind: 'pinnedMessage', text: 'Gateway returns 502' });
    await running.app.actions.add(lead, incident.id, { text: 'Fail over the gateway' });
    clock.advance(30 * 60_000);
    await running.app.incidents.update(lead, incident.id, { status: 'closed', closeReason: 'resolved' });

    const page = await newPage(browser);
    try {
      const problems = await watchPageProblems(page);
      await signIn(page, running.baseUrl, 'Lena Lead');

      await page.goto(`${running.baseUrl}/incidents/${incident.reference}`);
      await page.getByRole('link', { name: /Root cause analysis \(RCA\)/ }).click();
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Root cause analysis' }).count(), 1);
      await checkAccessibility(page, 'RCA page, not started');

      // A refused form: the error summary and the field's message pass axe too.
      await page.getByRole('button', { name: 'Save the session' }).click();
      assert.equal(await page.locator('.govuk-error-summary').count(), 1);
      await checkAccessibility(page, 'RCA page with an error');

      await page.getByRole('group', { name: /When is \(or was\) the session/ }).getByLabel('Day').fill('3');
      await page.getByRole('group', { name: /When is \(or was\) the session/ }).getByLabel('Month').fill('5');
      await page.getByRole('group', { name: /When is \(or was\) the session/ }).getByLabel('Year').fill('2024');
      await page.getByRole('checkbox', { name: 'Lena Lead' }).check();
      await page.getByLabel('Other attendees’ email addresses (optional)').fill('ola@example.com');
      await page.getByRole('button', { name: 'Save the session' }).click();
      await page.getByLabel('Root cause').fill('Expired TLS certificate');
      await page.getByLabel('What went well').fill('Fast failover');
      await page.getByRole('button', { name: 'Save the outcome' }).click();
      await page.getByLabel('What needs doing').fill('Alert on certificate expiry');
      await page.getByLabel('Owner', { exact: true }).selectOption({ label: 'Lena Lead' });
      const due = page.getByRole('group', { name: 'Due date' });
      await due.getByLabel('Day').fill('20');
      await due.getByLabel('Month').fill('4');
      await due.getByLabel('Year').fill('2024');
      await page.getByRole('button', { name: 'Add follow-up' }).click();

      const main = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(main, /3 May 2024/);
      assert.match(main, /Lena Lead, ola/);
      assert.match(main, /Alert on certificate expiry/);
      assert.match(main, /Overdue/);
      const rca = await running.app.store.rcas.find(incident.id);
      assert.equal(rca?.rootCause, 'Expired TLS certificate');
      await checkAccessibility(page, 'RCA page, filled in');
      await screenshot(page, `rca-${ctx.engine}`);

      await page.getByRole('link', { name: 'Follow-ups', exact: true }).click();
      assert.equal(await page.getByRole('heading', { level: 1, name: 'Open follow-ups' }).count(), 1);
      assert.equal(await page.getByRole('row', { name: /Alert on certificate expiry/ }).count(), 1);
      await checkAccessibility(page, 'open follow-ups');
      await screenshot(page, `follow-ups-${ctx.engine}`);
      // Chromium logs the refused form's own 400 as a failed load; nothing else may appear.
      assert.deepEqual(problems, ['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await page.close();
    }
  });
});
