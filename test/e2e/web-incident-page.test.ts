import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { holderOf } from '../../src/domain/incident.js';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

/** Like assert.match, but a failure names the pattern instead of printing the whole page. */
function assertHas(html: string, pattern: RegExp): void {
  assert.ok(pattern.test(html), `expected the page to match ${pattern}`);
}

function assertHasNot(html: string, pattern: RegExp): void {
  assert.ok(!pattern.test(html), `expected the page not to match ${pattern}`);
}

/** The HTML of one timeline entry on the incident page. */
function entryHtml(page: string, entryId: string): string {
  const start = page.indexOf(`id="entry-${entryId}"`);
  assert.ok(start >= 0, `entry ${entryId} is on the page`);
  const next = page.indexOf('class="moj-timeline__item', start);
  return page.slice(start, next === -1 ? page.indexOf('id="add-entry"', start) : next);
}

/** The rows of the first table body on a page. */
function tableRows(page: string): string[] {
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return body.split('<tr class="govuk-table__row"').slice(1);
}

describeEngines('the incident page without JavaScript: details, roles, timeline, actions, close', (ctx) => {
  let running: RunningApp;
  before(async () => {
    running = await startApp(ctx.databaseUrl);
  });
  after(() => running.close());

  async function signedIn(name: string): Promise<WebClient> {
    const client = new WebClient(running.baseUrl);
    await client.signIn(name);
    return client;
  }

  async function declare(client: WebClient, title: string, kind: 'live' | 'report' = 'live'): Promise<string> {
    const csrf = await client.csrf('/incidents/new');
    const declared = await client.post('/incidents', { _csrf: csrf, kind, title });
    assert.equal(declared.status, 303);
    return declared.location!.replace('/incidents/', '');
  }

  /** Posts a form from the incident page (its CSRF token read from the page, as a browser would). */
  async function postFrom(client: WebClient, ref: string, path: string, fields: Record<string, string>) {
    const csrf = await client.csrf(`/incidents/${ref}`);
    return client.post(path, { _csrf: csrf, ...fields });
  }

  ctx.test('edit the details: a summary of several lines, the severity, then "Not set" clears it', async () => {
    const user = await signedIn('Dana Details');
    const ref = await declare(user, 'Search is slow');
    const form = await user.get(`/incidents/${ref}/edit`);
    assert.equal(form.status, 200);
    assertHas(form.html, /value="Search is slow"/);

    const fields = { title: 'Search is very slow', summary: 'Line one\r\nLine two', impact: 'Everyone searching', severity: 'major' };
    const saved = await postFrom(user, ref, `/incidents/${ref}/edit`, fields);
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `/incidents/${ref}#details`);
    const incident = await running.app.incidents.get(ref);
    assert.equal(incident.title, 'Search is very slow');
    assert.equal(incident.summary, 'Line one\nLine two');
    assert.equal(incident.severity, 'major');
    assert.equal(incident.private, false);
    const page = await user.get(`/incidents/${ref}`);
    assertHas(page.html, /<dd class="govuk-summary-list__value">\s*Line one<br\s*\/?>\s*Line two\s*<\/dd>/);
    assertHas(page.html, new RegExp(`href="/incidents/${ref}/edit#severity"`));

    const cleared = await postFrom(user, ref, `/incidents/${ref}/edit`, { ...fields, severity: '', private: 'yes' });
    assert.equal(cleared.status, 303);
    const after = await running.app.incidents.get(ref);
    assert.equal(after.severity, null);
    assert.equal(after.private, true);
    assert.equal(after.summary, 'Line one\nLine two');
  });

  ctx.test('promote a report to a live incident', async () => {
    const user = await signedIn('Rory Reporter');
    const ref = await declare(user, 'Backups skipped last week', 'report');
    const page = await user.get(`/incidents/${ref}`);
    assertHas(page.html, /Make it a live incident/);
    const promoted = await postFrom(user, ref, `/incidents/${ref}/promote`, {});
    assert.equal(promoted.status, 303);
    assert.equal((await running.app.incidents.get(ref)).reportOnly, false);
    assertHasNot((await user.get(`/incidents/${ref}`)).html, /Make it a live incident/);
  });

  ctx.test('assign the lead by email and hand over; assign to me; a custom role; unassign', async () => {
    const user = await signedIn('Morgan Me');
    const ref = await declare(user, 'Logins failing');

    const first = await postFrom(user, ref, `/incidents/${ref}/roles`, { role: 'lead', email: 'lena@example.com', name: 'Lena Lead' });
    assert.equal(first.status, 303);
    assert.equal(first.location, `/incidents/${ref}#roles`);
    assert.equal(holderOf(await running.app.incidents.get(ref), 'lead')?.email, 'lena@example.com');

    const handedOver = await postFrom(user, ref, `/incidents/${ref}/roles`, { role: 'lead', email: 'hank@example.com', name: 'Hank Over' });
    assert.equal(handedOver.status, 303);
    assert.equal(holderOf(await running.app.incidents.get(ref), 'lead')?.name, 'Hank Over');

    const mine = await postFrom(user, ref, `/incidents/${ref}/roles/mine`, { role: 'scribe' });
    assert.equal(mine.status, 303);
    assert.equal(holderOf(await running.app.incidents.get(ref), 'scribe')?.name, 'Morgan Me');

    const custom = await postFrom(user, ref, `/incidents/${ref}/roles`, {
      role: 'other',
      customRole: 'Subject matter expert',
      email: 'sme@example.com',
    });
    assert.equal(custom.status, 303);
    assert.equal(holderOf(await running.app.incidents.get(ref), 'Subject matter expert')?.email, 'sme@example.com');

    const page = await user.get(`/incidents/${ref}`);
    assertHas(page.html, /<h3 class="govuk-heading-s">Hand-overs<\/h3>/);
    assertHas(page.html, /<li>Incident lead: Lena Lead, [^<]+ to [^<]+<\/li>/);
    assertHas(page.html, /<th scope="row" class="govuk-table__header">Incident lead<\/th>\s*<td class="govuk-table__cell">Hank Over<\/td>/);
    assertHas(page.html, /<th scope="row" class="govuk-table__header">Subject matter expert<\/th>/);
    // The signed-in scribe is offered "Unassign" for the scribe role, not "Assign to me".
    assertHasNot(page.html, /Assign to me<span class="govuk-visually-hidden"> as Incident scribe<\/span>/);
    assertHas(page.html, /Assign to me<span class="govuk-visually-hidden"> as Incident lead<\/span>/);

    const unassigned = await postFrom(user, ref, `/incidents/${ref}/roles/unassign`, { role: 'scribe' });
    assert.equal(unassigned.status, 303);
    assert.equal(holderOf(await running.app.incidents.get(ref), 'scribe'), null);
  });

  ctx.test('add a timeline entry, correct it twice, and see three versions with who and when', async () => {
    const scribe = await signedIn('Sam Scribe');
    const other = await signedIn('Olu Other');
    const ref = await declare(scribe, 'Database full');

    const added = await postFrom(scribe, ref, `/incidents/${ref}/timeline`, {
      text: 'Disk full on <db-1>\nsecond line',
      kind: 'call',
      date: '2020-02-03',
      time: '04:05',
      link: '',
    });
    assert.equal(added.status, 303);
    assert.equal(added.location, `/incidents/${ref}#timeline`);
    const entry = (await running.app.timeline.list(ref)).find((e) => e.text.startsWith('Disk full'));
    assert.ok(entry);
    assert.equal(entry.kind, 'call');
    assert.equal(entry.occurredAt.toISOString(), '2020-02-03T04:05:00.000Z');

    const page = await scribe.get(`/incidents/${ref}`);
    assertHas(entryHtml(page.html, entry.id), /Disk full on &lt;db-1&gt;<br\s*\/?>second line/);

    const edit = await scribe.get(`/incidents/${ref}/timeline/${entry.id}/edit`);
    assert.equal(edit.status, 200);
    assertHas(edit.html, /value="2020-02-03"/);
    assertHas(edit.html, /value="04:05"/);
    const firstFix = await scribe.post(`/incidents/${ref}/timeline/${entry.id}/edit`, {
      _csrf: await scribe.csrf(`/incidents/${ref}/timeline/${entry.id}/edit`),
      text: 'Disk full on db-2',
      date: '2020-02-03',
      time: '04:05',
      link: '',
    });
    assert.equal(firstFix.status, 303);
    assert.equal(firstFix.location, `/incidents/${ref}#entry-${entry.id}`);
    const secondFix = await other.post(`/incidents/${ref}/timeline/${entry.id}/edit`, {
      _csrf: await other.csrf(`/incidents/${ref}/timeline/${entry.id}/edit`),
      text: 'Disk full on db-2 (the replica)',
      date: '03/02/2020',
      time: '04:10',
      link: 'https://status.example.com/incidents/1',
    });
    assert.equal(secondFix.status, 303);

    const history = await running.app.timeline.history(ref, entry.id);
    assert.deepEqual(
      history.map((r) => [r.revision, r.text, r.revisedBy.name]),
      [
        [1, 'Disk full on <db-1>\nsecond line', 'Sam Scribe'],
        [2, 'Disk full on db-2', 'Sam Scribe'],
        [3, 'Disk full on db-2 (the replica)', 'Olu Other'],
      ],
    );
    assert.equal(history[2]!.occurredAt.toISOString(), '2020-02-03T04:10:00.000Z');

    const shown = entryHtml((await scribe.get(`/incidents/${ref}`)).html, entry.id);
    assertHas(shown, /Corrected/);
    assertHas(shown, /Disk full on db-2 \(the replica\)/);
    assertHas(shown, new RegExp(`href="/incidents/${ref}/timeline/${entry.id}/history"`));

    const historyPage = await scribe.get(`/incidents/${ref}/timeline/${entry.id}/history`);
    assert.equal(historyPage.status, 200);
    const rows = tableRows(historyPage.html);
    assert.equal(rows.length, 3);
    assertHas(rows[0]!, /Corrected[\s\S]*the replica[\s\S]*Olu Other via web[\s\S]*<time datetime="[^"]+">[^<]+UTC<\/time>/);
    assertHas(rows[2]!, /Written[\s\S]*Disk full on &lt;db-1&gt;[\s\S]*Sam Scribe via web[\s\S]*UTC<\/time>/);
  });

  ctx.test('remove an entry: gone from the current view, marked removed on the page, history kept', async () => {
    const user = await signedIn('Remy Remover');
    const ref = await declare(user, 'Typo in the log');
    await postFrom(user, ref, `/incidents/${ref}/timeline`, { text: 'Wrong thing written', kind: 'note' });
    const entry = (await running.app.timeline.list(ref)).find((e) => e.text === 'Wrong thing written');
    assert.ok(entry);

    const confirm = await user.get(`/incidents/${ref}/timeline/${entry.id}/remove`);
    assert.equal(confirm.status, 200);
    assertHas(confirm.html, /Are you sure you want to remove this timeline entry\?/);
    const removed = await user.post(`/incidents/${ref}/timeline/${entry.id}/remove`, {
      _csrf: await user.csrf(`/incidents/${ref}/timeline/${entry.id}/remove`),
    });
    assert.equal(removed.status, 303);
    assert.equal(removed.location, `/incidents/${ref}#timeline`);

    assert.equal((await running.app.timeline.list(ref)).some((e) => e.id === entry.id), false);
    const kept = (await running.app.timeline.list(ref, { includeRemoved: true })).find((e) => e.id === entry.id);
    assert.equal(kept?.removed, true);
    const shown = entryHtml((await user.get(`/incidents/${ref}`)).html, entry.id);
    assertHas(shown, /Removed/);
    assertHas(shown, /<del>Wrong thing written<\/del>/);
    assertHas(shown, /\/history"/);
    assertHasNot(shown, /\/edit"/);

    const rows = tableRows((await user.get(`/incidents/${ref}/timeline/${entry.id}/history`)).html);
    assert.equal(rows.length, 2);
    assertHas(rows[0]!, /Removed[\s\S]*Remy Remover via web/);
    assert.equal((await user.get(`/incidents/${ref}/timeline/${entry.id}/edit`)).status, 409);
  });

  ctx.test('add an action with an owner, mark it done and reopen it; a double submit adds one', async () => {
    const user = await signedIn('Ash Actions');
    const ref = await declare(user, 'Keys leaked');
    const page = await user.get(`/incidents/${ref}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const formKey = /name="formKey" value="([^"]+)"/.exec(page.html)![1]!;
    const fields = { _csrf: csrf, formKey, text: 'Rotate the keys', owner: 'Owen@Example.com' };
    const added = await user.post(`/incidents/${ref}/actions`, fields);
    assert.equal(added.status, 303);
    assert.equal(added.location, `/incidents/${ref}#actions`);
    assert.equal((await user.post(`/incidents/${ref}/actions`, fields)).status, 303);
    const actions = await running.app.actions.list(ref);
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.owner?.email, 'owen@example.com');

    const done = await postFrom(user, ref, `/incidents/${ref}/actions/${actions[0]!.id}/done`, { done: 'yes' });
    assert.equal(done.status, 303);
    assert.equal((await running.app.actions.list(ref))[0]!.done, true);
    assertHas((await user.get(`/incidents/${ref}`)).html, /Reopen<span class="govuk-visually-hidden"> action: Rotate the keys<\/span>/);
    await postFrom(user, ref, `/incidents/${ref}/actions/${actions[0]!.id}/done`, { done: 'no' });
    assert.equal((await running.app.actions.list(ref))[0]!.done, false);
  });

  ctx.test('close as blocked until a date with a note, then reopen', async () => {
    const user = await signedIn('Cleo Closer');
    const ref = await declare(user, 'Supplier outage');
    const year = String(new Date().getUTCFullYear() + 1);
    const closed = await postFrom(user, ref, `/incidents/${ref}/close`, {
      reason: 'blocked',
      'blockedUntil-day': '3',
      'blockedUntil-month': '4',
      'blockedUntil-year': year,
      note: 'Waiting for the supplier',
    });
    assert.equal(closed.status, 303);
    assert.equal(closed.location, `/incidents/${ref}#status`);
    const incident = await running.app.incidents.get(ref);
    assert.equal(incident.status, 'closed');
    assert.equal(incident.closeReason, 'blocked');
    assert.equal(incident.blockedUntil?.toISOString(), `${year}-04-03T00:00:00.000Z`);
    const closing = (await running.app.timeline.list(ref)).find((e) => e.kind === 'closed');
    assertHas(closing?.text ?? '', /Waiting for the supplier/);
    const page = await user.get(`/incidents/${ref}`);
    assertHas(page.html, /Closed: blocked/);
    assertHas(page.html, new RegExp(`action="/incidents/${ref}/reopen"`));

    const reopened = await postFrom(user, ref, `/incidents/${ref}/reopen`, {});
    assert.equal(reopened.status, 303);
    const after = await running.app.incidents.get(ref);
    assert.equal(after.status, 'open');
    assert.equal(after.blockedUntil, null);
  });

  ctx.test('refused forms come back as a 400 with the error next to the field, what was typed, and nothing written', async () => {
    const user = await signedIn('Val Validator');
    const ref = await declare(user, 'Bad input');
    const before = await running.app.incidents.get(ref);
    const entriesBefore = (await running.app.timeline.list(ref)).length;

    const severity = await postFrom(user, ref, `/incidents/${ref}/edit`, { title: 'Bad input', summary: 'kept summary', severity: 'catastrophic' });
    assert.equal(severity.status, 400);
    assertHas(severity.html, /<title>Error: /);
    assertHas(severity.html, /There is a problem/);
    assertHas(severity.html, /<a href="#severity">Unknown severity &quot;catastrophic&quot;/);
    assertHas(severity.html, /<p id="severity-error" class="govuk-error-message">[\s\S]*Unknown severity/);
    assertHas(severity.html, />kept summary<\/textarea>/);
    const unchanged = await running.app.incidents.get(ref);
    assert.equal(unchanged.summary, null);
    assert.equal(unchanged.version, before.version);

    const empty = await postFrom(user, ref, `/incidents/${ref}/timeline`, { text: '   ', kind: 'page', link: 'https://kept.example.com/' });
    assert.equal(empty.status, 400);
    assertHas(empty.html, /<a href="#timeline-text">The text cannot be empty.<\/a>/);
    assertHas(empty.html, /<p id="timeline-text-error" class="govuk-error-message">/);
    assertHas(empty.html, /value="https:\/\/kept.example.com\/"/);
    assertHas(empty.html, /<option value="page" selected>/);

    const badTime = await postFrom(user, ref, `/incidents/${ref}/timeline`, { text: 'Kept text', date: '2020-02-30', time: '10:00' });
    assert.equal(badTime.status, 400);
    assertHas(badTime.html, /<a href="#timeline-date">Enter a real date/);
    assertHas(badTime.html, />Kept text<\/textarea>/);

    const badEmail = await postFrom(user, ref, `/incidents/${ref}/roles`, { role: 'lead', email: 'not an email' });
    assert.equal(badEmail.status, 400);
    assertHas(badEmail.html, /<a href="#role-email">Enter an email address in the correct format/);

    const badDate = await postFrom(user, ref, `/incidents/${ref}/close`, { reason: 'blocked', 'blockedUntil-day': '31', 'blockedUntil-month': '', 'blockedUntil-year': '2030' });
    assert.equal(badDate.status, 400);
    assertHas(badDate.html, /<a href="#blockedUntil-day">The “blocked until” date must include a month/);
    assertHas(badDate.html, /class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" id="blockedUntil-day" name="blockedUntil-day" type="text" value="31"/);

    const noReason = await postFrom(user, ref, `/incidents/${ref}/close`, { note: 'kept note' });
    assert.equal(noReason.status, 400);
    assertHas(noReason.html, /<a href="#close-reason">Select why the incident is closing/);

    assert.equal((await running.app.timeline.list(ref)).length, entriesBefore);
    const after = await running.app.incidents.get(ref);
    assert.equal(after.version, before.version);
    assert.equal(after.status, 'open');
    assert.equal(holderOf(after, 'lead'), null);
  });

  ctx.test('a form posted without its CSRF token is refused with a 403 and changes nothing', async () => {
    const user = await signedIn('Mallory Target');
    const ref = await declare(user, 'Forgery target');
    const before = await running.app.incidents.get(ref);
    const forged = await user.post(`/incidents/${ref}/edit`, { title: 'Forged', severity: 'critical' });
    assert.equal(forged.status, 403);
    const forgedEntry = await user.post(`/incidents/${ref}/timeline`, { text: 'Forged entry' });
    assert.equal(forgedEntry.status, 403);
    const forgedClose = await user.post(`/incidents/${ref}/close`, { reason: 'resolved' });
    assert.equal(forgedClose.status, 403);
    const after = await running.app.incidents.get(ref);
    assert.equal(after.version, before.version);
    assert.equal((await running.app.timeline.list(ref)).some((e) => e.text === 'Forged entry'), false);
  });

  ctx.test('the forms need sign-in, and unknown entries are a 404 page', async () => {
    const owner = await signedIn('Pat Pages');
    const ref = await declare(owner, 'Pages');
    const visitor = new WebClient(running.baseUrl);
    const edit = await visitor.get(`/incidents/${ref}/edit`);
    assert.equal(edit.status, 303);
    assertHas(edit.location ?? '', /^\/sign-in\?next=/);
    assert.equal((await owner.get(`/incidents/${ref}/timeline/no-such-entry/history`)).status, 404);
    assert.equal((await owner.get('/incidents/INC-99999/edit')).status, 404);
  });
});
