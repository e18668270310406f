import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startApp, type ApiResponse, type RunningApp } from '../support/http-app.js';

interface Listed {
  id: string;
}

describeEngines('REST API: private incidents are visible only to their people and admin tokens', (ctx) => {
  const marker = `okapi-${ctx.engine}`;
  let running: RunningApp;
  /** Declared the private incident (running.token, a token with a user of its own). */
  let tokenA: string;
  /** Another token with a user of its own: involved in nothing. */
  let tokenB: string;
  let adminToken: string;
  /** Acts as the private incident's lead. */
  let leadToken: string;
  let hidden: { id: string; reference: string };
  let publicId: string;
  let entryId: string;
  let actionId: string;

  before(async () => {
    running = await startApp(ctx.databaseUrl);
    tokenA = running.token;
    tokenB = (await running.app.tokens.create('outsider')).secret;
    adminToken = (await running.app.tokens.create('operator', { admin: true })).secret;

    const declared = await running.api('/api/v1/incidents', {
      method: 'POST',
      token: tokenA,
      body: {
        title: `Payroll export leaked ${marker}`,
        private: true,
        roles: { lead: { email: 'lena@example.org', name: 'Lena Lead' } },
      },
    });
    assert.equal(declared.status, 201);
    hidden = { id: declared.body.id, reference: declared.body.reference };
    leadToken = (await running.app.tokens.create('lena script', { as: 'lena@example.org' })).secret;

    const shown = await running.api('/api/v1/incidents', { method: 'POST', token: tokenA, body: { title: `Status page slow ${marker}` } });
    publicId = shown.body.id;

    const entry = await running.api(`/api/v1/incidents/${hidden.id}/timeline`, { method: 'POST', token: tokenA, body: { text: 'Export job stopped' } });
    assert.equal(entry.status, 201);
    entryId = entry.body.id;
    const action = await running.api(`/api/v1/incidents/${hidden.id}/actions`, { method: 'POST', token: tokenA, body: { text: 'Rotate the export key' } });
    assert.equal(action.status, 201);
    actionId = action.body.id;
  });
  after(() => running.close());

  /** Every incident id a token can reach through `query`, following the cursor one incident a page. */
  async function listAll(token: string, query = ''): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await running.api(`/api/v1/incidents?limit=1${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      assert.equal(page.status, 200);
      ids.push(...page.body.items.map((i: Listed) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return ids;
  }

  /** What token A (a person involved) sees of the private incident: to prove an outsider changed nothing. */
  async function snapshot() {
    const path = `/api/v1/incidents/${hidden.id}`;
    const read = async (p: string) => (await running.api(p, { token: tokenA })).body;
    return {
      incident: await read(path),
      timeline: await read(`${path}/timeline?includeRemoved=true`),
      history: await read(`${path}/timeline/${entryId}/history`),
      actions: await read(`${path}/actions`),
      audit: await read(`${path}/audit`),
    };
  }

  /** The 404 body for an incident that does not exist, as named by `name`. */
  async function notFoundBodyFor(name: string): Promise<unknown> {
    const missing = await running.api('/api/v1/incidents/INC-999999', { token: tokenB });
    assert.equal(missing.status, 404);
    return JSON.parse(JSON.stringify(missing.body).replaceAll('INC-999999', name));
  }

  ctx.test('the token that declared it is its reporter and sees it everywhere', async () => {
    const byRef = await running.api(`/api/v1/incidents/${hidden.reference}`, { token: tokenA });
    assert.equal(byRef.status, 200);
    assert.equal(byRef.body.private, true);
    const reporter = byRef.body.roles.find((r: { role: string }) => r.role === 'reporter');
    assert.match(reporter.holder.name, /\(API\)$/);
    assert.ok((await listAll(tokenA)).includes(hidden.id));
    assert.ok((await listAll(tokenA, `&q=${marker}`)).includes(hidden.id));
    for (const sub of ['timeline', 'actions', 'audit', `timeline/${entryId}/history`]) {
      assert.equal((await running.api(`/api/v1/incidents/${hidden.id}/${sub}`, { token: tokenA })).status, 200, sub);
    }
  });

  ctx.test('another token does not find it in lists, text search, private filter or any page', async () => {
    const all = await listAll(tokenB);
    assert.ok(all.includes(publicId), 'the outsider still sees public incidents');
    assert.ok(!all.includes(hidden.id));
    assert.deepEqual(await listAll(tokenB, `&q=${marker}`), [publicId]);
    assert.deepEqual(await listAll(tokenB, `&q=${hidden.reference}`), []);
    assert.ok(!(await listAll(tokenB, '&private=true')).includes(hidden.id));
  });

  ctx.test('another token gets the 404 of a missing incident for it by id, by reference and on every route below it', async () => {
    const before = await snapshot();
    const byId = `/api/v1/incidents/${hidden.id}`;
    const byRef = `/api/v1/incidents/${hidden.reference.toLowerCase()}`;
    const requests: [string, string, unknown?][] = [
      ['GET', byId],
      ['GET', byRef],
      ['PATCH', byId, { summary: 'written by an outsider' }],
      ['PATCH', byRef, { private: false }],
      ['GET', `${byId}/audit`],
      ['GET', `${byId}/timeline`],
      ['POST', `${byId}/timeline`, { text: 'outsider note' }],
      ['PATCH', `${byId}/timeline/${entryId}`, { text: 'outsider correction' }],
      ['DELETE', `${byId}/timeline/${entryId}`],
      ['GET', `${byId}/timeline/${entryId}/history`],
      ['GET', `${byRef}/actions`],
      ['POST', `${byId}/actions`, { text: 'outsider action' }],
      ['PATCH', `${byId}/actions/${actionId}`, { done: true }],
      ['GET', `${byId}/export`],
      ['GET', `${byRef}/export?format=markdown`],
    ];
    for (const [method, path, body] of requests) {
      const response = await running.api(path, { method, body, token: tokenB });
      const name = path.includes(hidden.id) ? hidden.id : hidden.reference.toLowerCase();
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.deepEqual(response.body, await notFoundBodyFor(name), `${method} ${path}`);
    }
    assert.deepEqual(await snapshot(), before, 'nothing an outsider sent was written');
  });

  ctx.test('an admin token sees it in lists, search and every route', async () => {
    assert.ok((await listAll(adminToken)).includes(hidden.id));
    assert.deepEqual(await listAll(adminToken, `&q=${marker}`), [publicId, hidden.id]);
    const read = await running.api(`/api/v1/incidents/${hidden.reference}`, { token: adminToken });
    assert.equal(read.status, 200);
    assert.equal(read.body.id, hidden.id);
    for (const sub of ['timeline', 'actions', 'audit']) {
      assert.equal((await running.api(`/api/v1/incidents/${hidden.id}/${sub}`, { token: adminToken })).status, 200, sub);
    }
  });

  ctx.test('a token acting as one of its people sees it, and its changes are theirs', async () => {
    assert.ok((await listAll(leadToken, `&q=${marker}`)).includes(hidden.id));
    const changed = await running.api(`/api/v1/incidents/${hidden.id}`, { method: 'PATCH', token: leadToken, body: { impact: 'Salaries of 40 people exposed' } });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.impact, 'Salaries of 40 people exposed');
    const audit = await running.api(`/api/v1/incidents/${hidden.id}/audit`, { token: leadToken });
    assert.equal(audit.status, 200);
    const last = audit.body.items.at(-1);
    assert.equal(last.actor.name, 'Lena Lead');
    assert.equal(last.source, 'api');
  });
});
