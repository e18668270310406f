import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

const TITLE = 'Salary file shared by mistake quokka';

describeEngines('the people of a private incident, on the site', (ctx) => {
  let running: RunningApp;
  let reference: string;
  let reporter: WebClient;
  let wendy: WebClient;

  before(async () => {
    running = await startApp(ctx.databaseUrl);
    reporter = new WebClient(running.baseUrl);
    await reporter.signIn('Rita Reporter');
    const csrf = await reporter.csrf('/incidents/new');
    const declared = await reporter.post('/incidents', { _csrf: csrf, kind: 'live', title: TITLE, private: 'yes' });
    reference = declared.location!.split('/').pop()!;
    wendy = new WebClient(running.baseUrl);
    await wendy.signIn('Wendy Witness');
  });
  after(() => running.close());

  const page = () => `/incidents/${reference}`;

  // The search box repeats the word searched for; the title is what must (not) be there.
  async function assertInvisibleTo(client: WebClient): Promise<void> {
    assert.doesNotMatch((await client.get('/incidents')).html, new RegExp(TITLE));
    assert.doesNotMatch((await client.get('/incidents?q=quokka')).html, new RegExp(TITLE));
    const direct = await client.get(page());
    assert.equal(direct.status, 404);
    assert.doesNotMatch(direct.html, /Salary file/);
  }

  async function assertVisibleTo(client: WebClient): Promise<void> {
    assert.match((await client.get('/incidents')).html, new RegExp(TITLE));
    assert.match((await client.get('/incidents?q=quokka')).html, new RegExp(TITLE));
    assert.equal((await client.get(page())).status, 200);
  }

  const addPerson = async (fields: Record<string, string>) => reporter.post(`${page()}/people`, { _csrf: await reporter.csrf(page()), ...fields });

  ctx.test('someone not involved finds no trace, and cannot add themselves', async () => {
    await assertInvisibleTo(wendy);
    const csrf = await wendy.csrf('/incidents/new');
    const sneaky = await wendy.post(`${page()}/people`, { _csrf: csrf, email: 'wendy.witness@dev-sign-in.invalid' });
    assert.equal(sneaky.status, 404);
    await assertInvisibleTo(wendy);
  });

  ctx.test('the page lists the people involved and a form to add one', async () => {
    const { html } = await reporter.get(page());
    assert.match(html, /<h2 class="govuk-heading-m" id="people">People<\/h2>/);
    assert.match(html, /Rita Reporter<\/th>[\s\S]*?<li>Reporter<\/li>/);
    assert.match(html, new RegExp(`<form method="post" action="${page()}/people" novalidate>\\s*<input type="hidden" name="_csrf" value="[^"]+">`));
  });

  ctx.test('adding a person by email on the site lets them see it; removing them hides it again', async () => {
    const added = await addPerson({ email: ' Wendy.Witness@dev-sign-in.invalid ' });
    assert.equal(added.status, 303);
    assert.equal(added.location, `${page()}#people`);
    await assertVisibleTo(wendy);

    const { html } = await reporter.get(page());
    assert.match(html, /Wendy Witness<\/th>[\s\S]*?<li>Added by Rita Reporter, /);
    const userId = /name="userId" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(userId, 'a remove button for the person added');
    const timeline = await running.app.timeline.list(reference);
    assert.ok(timeline.some((e) => e.text === 'Wendy Witness was added to the people involved'));

    const removed = await reporter.post(`${page()}/people/remove`, { _csrf: await reporter.csrf(page()), userId });
    assert.equal(removed.status, 303);
    assert.equal(removed.location, `${page()}#people`);
    await assertInvisibleTo(wendy);
    assert.doesNotMatch((await reporter.get(page())).html, /Wendy Witness<\/th>/);
  });

  ctx.test('adding the same person twice records them once', async () => {
    const before = (await running.app.incidents.audit(reference)).length;
    assert.equal((await addPerson({ email: 'sam.second@dev-sign-in.invalid', name: 'Sam Second' })).status, 303);
    assert.equal((await addPerson({ email: 'sam.second@dev-sign-in.invalid' })).status, 303);
    const audit = await running.app.incidents.audit(reference);
    assert.deepEqual(
      audit.slice(before).map((r) => r.type),
      ['incident.person_added', 'timeline.entry_added'],
    );
  });

  ctx.test('a missing or malformed email is refused GOV.UK style, and nothing is added', async () => {
    const people = async () => (await running.app.incidents.get(reference)).people.length;
    const count = await people();
    for (const [email, message] of [
      ['', 'Enter the person’s email address'],
      ['not-an-email', 'Enter an email address in the correct format, like name@example.com'],
    ] as const) {
      const refused = await addPerson({ email, name: 'Typed name' });
      assert.equal(refused.status, 400);
      assert.match(refused.html, /<title>Error: /);
      assert.match(refused.html, new RegExp(`govuk-error-summary[\\s\\S]*<a href="#person-email">${message}</a>`));
      assert.match(refused.html, new RegExp(`id="person-email-error"[\\s\\S]*?${message}`));
      assert.match(refused.html, /id="person-name" name="name" type="text" value="Typed name"/);
    }
    assert.equal(await people(), count);
  });

  ctx.test('a form without its CSRF token is refused', async () => {
    const refused = await reporter.post(`${page()}/people`, { email: 'mallory@example.org' });
    assert.equal(refused.status, 403);
    assert.ok(!(await running.app.incidents.get(reference)).people.some((p) => p.user.email === 'mallory@example.org'));
  });
});
