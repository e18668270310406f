import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeEngines } from '../support/engines.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startFakeOidc, type FakeOidc } from '../support/fake-oidc.js';
import { startApp, type RunningApp } from '../support/http-app.js';
import { WebClient } from '../support/web-client.js';

// The address the app believes it is served at: redirect URIs are built from it. The test plays
// the browser, so it carries the provider's redirect back to wherever the app really listens.
const PUBLIC_URL = 'http://localhost:3999';

/**
 * Plays a browser through a provider sign-in: the app's start link, the provider's authorize
 * endpoint (which signs the queued person in at once), then the app's callback.
 */
async function signInThrough(client: WebClient, provider: 'oidc' | 'github', next = '/incidents') {
  const start = await client.get(`/sign-in/${provider}?next=${encodeURIComponent(next)}`);
  assert.equal(start.status, 303, `the start link redirects to the provider (got ${start.status})`);
  const authorize = new URL(start.location!);
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  assert.equal(atProvider.status, 302, 'the provider sends the browser back');
  const back = new URL(atProvider.headers.get('location')!);
  assert.equal(`${back.origin}${back.pathname}`, `${PUBLIC_URL}/sign-in/${provider}/callback`);
  const callbackPath = `${back.pathname}${back.search}`;
  const done = await client.get(callbackPath);
  return { authorize, callbackPath, done };
}

describeEngines('sign-in with OpenID Connect', (ctx) => {
  let oidc: FakeOidc;
  let running: RunningApp;
  before(async () => {
    oidc = await startFakeOidc();
    running = await startApp(ctx.databaseUrl, {
      PUBLIC_URL,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_CLIENT_SECRET: oidc.clientSecret,
      OIDC_LABEL: 'Acme SSO',
      ADMIN_EMAILS: 'ada@acme.example',
    });
  });
  after(async () => {
    await running.close();
    await oidc.close();
  });

  ctx.test('the sign-in page offers the provider and no development sign-in', async () => {
    const client = new WebClient(running.baseUrl);
    const page = await client.get('/sign-in?next=/incidents/new');
    assert.match(page.html, /href="\/sign-in\/oidc\?next=%2Fincidents%2Fnew"[^>]*>\s*Sign in with Acme SSO/);
    assert.doesNotMatch(page.html, /development sign-in|name="name"/i);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const dev = await client.post('/sign-in', { _csrf: csrf, name: 'Mallory' });
    assert.equal(dev.status, 404, 'the development sign-in is off beside a real provider');
  });

  ctx.test('a person signs in with code, PKCE, state and nonce, and lands where they were going', async () => {
    oidc.nextUser({ sub: 'u-100', email: 'Olive.Ops@Acme.example', email_verified: true, name: 'Olive Ops' });
    const client = new WebClient(running.baseUrl);
    assert.equal((await client.get('/incidents/new')).status, 303, 'signed out: sent to sign in');
    const { authorize, done } = await signInThrough(client, 'oidc', '/incidents/new');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
    assert.equal(authorize.searchParams.get('scope'), 'openid email profile');
    assert.equal(done.status, 303);
    assert.equal(done.location, '/incidents/new');
    const page = await client.get('/incidents/new');
    assert.equal(page.status, 200);
    assert.match(page.html, /Signed in as <strong>Olive Ops<\/strong>/);
    const token = oidc.requests.findLast((r) => r.path === '/token');
    assert.ok(token?.body?.code_verifier, 'the token request proves the PKCE verifier');
    assert.equal(token?.body?.redirect_uri, `${PUBLIC_URL}/sign-in/oidc/callback`);
  });

  ctx.test('the Slack user with the same verified email is the same person: their private incident is theirs', async () => {
    const slackPerson = await running.app.users.updateFromSlackProfile('U0LEAD', { name: 'Lee Lead', email: 'lee@acme.example' });
    const declared = await running.api('/api/v1/incidents', {
      method: 'POST',
      body: { title: 'Card data in logs walrus', private: true, roles: { lead: { slackUserId: 'U0LEAD' } } },
    });
    assert.equal(declared.status, 201);
    const reference = declared.body.reference as string;

    oidc.nextUser({ sub: 'u-lee', email: 'lee@acme.example', email_verified: true, name: 'Lee Lead' });
    const lee = new WebClient(running.baseUrl);
    assert.equal((await signInThrough(lee, 'oidc')).done.status, 303);
    assert.equal((await lee.get(`/incidents/${reference}`)).status, 200, 'the lead sees their private incident');
    const users = await running.app.users.byId(slackPerson.id);
    assert.equal(users?.slackUserId, 'U0LEAD', 'still one person, with the Slack id');

    oidc.nextUser({ sub: 'u-other', email: 'other@acme.example', email_verified: true, name: 'Otto Other' });
    const other = new WebClient(running.baseUrl);
    await signInThrough(other, 'oidc');
    assert.equal((await other.get(`/incidents/${reference}`)).status, 404);

    oidc.nextUser({ sub: 'u-ada', email: 'ADA@acme.example', email_verified: true, name: 'Ada Admin' });
    const admin = new WebClient(running.baseUrl);
    await signInThrough(admin, 'oidc');
    assert.equal((await admin.get(`/incidents/${reference}`)).status, 200, 'ADMIN_EMAILS matches the signed-in email');
  });

  ctx.test('cancelled at the provider: told so, not signed in', async () => {
    oidc.denyNext('access_denied');
    const client = new WebClient(running.baseUrl);
    const { done } = await signInThrough(client, 'oidc');
    assert.equal(done.status, 403);
    assert.match(done.html, /Signing in was cancelled at Acme SSO/);
    assert.equal((await client.get('/incidents')).status, 303, 'still signed out');
  });

  ctx.test('an unverified email is refused: it could be anyone’s', async () => {
    oidc.nextUser({ sub: 'u-x', email: 'ada@acme.example', email_verified: false, name: 'Not Ada' });
    const client = new WebClient(running.baseUrl);
    const { done } = await signInThrough(client, 'oidc');
    assert.equal(done.status, 403);
    assert.match(done.html, /not verified/);
    assert.equal((await client.get('/incidents')).status, 303);
  });

  ctx.test('a callback that did not start in this browser, or is replayed, signs nobody in', async () => {
    oidc.nextUser({ sub: 'u-200', email: 'pat@acme.example', email_verified: true, name: 'Pat' });
    const victim = new WebClient(running.baseUrl);
    const { callbackPath, done } = await signInThrough(victim, 'oidc');
    assert.equal(done.status, 303);

    const replay = await victim.get(callbackPath);
    assert.equal(replay.status, 400, 'the pending sign-in is used up');

    const attacker = new WebClient(running.baseUrl);
    const stolen = await attacker.get(callbackPath);
    assert.equal(stolen.status, 400);
    assert.match(stolen.html, /not started in this browser/);
    assert.equal((await attacker.get('/incidents')).status, 303);
  });

  ctx.test('sign-out ends the session', async () => {
    oidc.nextUser({ sub: 'u-300', email: 'sid@acme.example', email_verified: true, name: 'Sid' });
    const client = new WebClient(running.baseUrl);
    await signInThrough(client, 'oidc');
    const csrf = await client.csrf('/incidents');
    assert.equal((await client.post('/sign-out', { _csrf: csrf })).status, 303);
    assert.equal((await client.get('/incidents')).status, 303);
  });
});

describeEngines('sign-in with GitHub', (ctx) => {
  let github: FakeGitHub;
  let running: RunningApp;
  before(async () => {
    github = await startFakeGitHub();
    running = await startApp(ctx.databaseUrl, {
      PUBLIC_URL,
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_ORG: 'opg',
      GITHUB_URL: github.webUrl,
      GITHUB_API_URL: github.apiUrl,
    });
  });
  after(async () => {
    await running.close();
    await github.close();
  });

  ctx.test('a member of the organisation signs in with their primary verified email', async () => {
    github.nextUser({
      login: 'gwen',
      id: 4242,
      name: 'Gwen Git',
      emails: [
        { email: 'old@example.org', primary: false, verified: false, visibility: null },
        { email: 'gwen@opg.example', primary: true, verified: true, visibility: 'private' },
      ],
      orgs: ['opg'],
    });
    const client = new WebClient(running.baseUrl);
    const { authorize, done } = await signInThrough(client, 'github');
    assert.deepEqual(authorize.searchParams.get('scope')?.split(' ').sort(), ['read:org', 'read:user', 'user:email']);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(done.status, 303);
    assert.match((await client.get('/incidents')).html, /Signed in as <strong>Gwen Git<\/strong>/);
    const user = await running.app.store.users.findByEmail('gwen@opg.example');
    assert.equal(user?.name, 'Gwen Git');
  });

  ctx.test('someone outside the organisation is refused, and told why', async () => {
    github.nextUser({ login: 'stranger', id: 777, emails: [{ email: 'x@elsewhere.example', primary: true, verified: true, visibility: null }], orgs: ['other'] });
    const client = new WebClient(running.baseUrl);
    const { done } = await signInThrough(client, 'github');
    assert.equal(done.status, 403);
    assert.match(done.html, /Only members of the opg organisation on GitHub can sign in/);
    assert.equal((await client.get('/incidents')).status, 303);
  });

  ctx.test('an account with no verified email is refused', async () => {
    github.nextUser({ login: 'nomail', id: 778, emails: [{ email: 'n@x.example', primary: true, verified: false, visibility: null }], orgs: ['opg'] });
    const client = new WebClient(running.baseUrl);
    const { done } = await signInThrough(client, 'github');
    assert.equal(done.status, 403);
    assert.match(done.html, /no verified email address/);
  });
});

describeEngines('a sign-in provider that does not answer', (ctx) => {
  ctx.test('the page says so (502) and the app keeps serving', async () => {
    const oidc = await startFakeOidc();
    const issuer = oidc.issuer;
    await oidc.close();
    const running = await startApp(ctx.databaseUrl, { PUBLIC_URL, OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', OIDC_LABEL: 'Acme SSO' });
    try {
      const client = new WebClient(running.baseUrl);
      const start = await client.get('/sign-in/oidc');
      assert.equal(start.status, 502);
      assert.match(start.html, /Acme SSO did not answer/);
      assert.equal((await fetch(`${running.baseUrl}/healthz`)).status, 200);
    } finally {
      await running.close();
    }
  });
});
