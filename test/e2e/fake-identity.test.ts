import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import * as client from 'openid-client';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startFakeOidc, type FakeOidc } from '../support/fake-oidc.js';

const REDIRECT_URI = 'http://127.0.0.1:1/auth/callback';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Follows an authorize URL one hop and returns where the provider sent the browser. */
async function followAuthorize(url: URL | string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, `authorize answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location') ?? '');
}

async function withFake<T extends { close(): Promise<void> }>(start: () => Promise<T>, body: (fake: T) => Promise<void>): Promise<void> {
  const fake = await start();
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

const withOidc = (body: (fake: FakeOidc) => Promise<void>) => withFake(startFakeOidc, body);
const withGitHub = (body: (fake: FakeGitHub) => Promise<void>) => withFake(startFakeGitHub, body);

describe('fake OpenID Connect provider', () => {
  function authorizeUrl(fake: FakeOidc, params: Record<string, string> = {}): URL {
    const url = new URL(`${fake.issuer}/authorize`);
    const defaults = { response_type: 'code', client_id: fake.clientId, redirect_uri: REDIRECT_URI, scope: 'openid email profile', state: 'st-1', nonce: 'n-1' };
    for (const [key, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(key, value);
    return url;
  }

  async function codeFor(fake: FakeOidc, challenge: string, params: Record<string, string> = {}): Promise<string> {
    const back = await followAuthorize(authorizeUrl(fake, { code_challenge: challenge, code_challenge_method: 'S256', ...params }));
    return back.searchParams.get('code') ?? assert.fail(`no code in ${back.href}`);
  }

  function exchange(fake: FakeOidc, form: Record<string, string>, auth: 'basic' | 'post' = 'basic', secret = fake.clientSecret): Promise<Response> {
    const body = new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, ...form });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${fake.clientId}:${secret}`).toString('base64')}`;
    else {
      body.set('client_id', fake.clientId);
      body.set('client_secret', secret);
    }
    return fetch(`${fake.issuer}/token`, { method: 'POST', headers, body });
  }

  test('publishes a discovery document for the code flow with PKCE', () =>
    withOidc(async (fake) => {
      const res = await fetch(`${fake.issuer}/.well-known/openid-configuration`);
      const doc = (await res.json()) as Record<string, unknown>;
      assert.equal(doc.issuer, fake.issuer);
      assert.equal(doc.token_endpoint, `${fake.issuer}/token`);
      assert.equal(doc.jwks_uri, `${fake.issuer}/jwks`);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
    }));

  test('signs in the queued user: code, token, RS256 id_token checked against the JWKS, userinfo', () =>
    withOidc(async (fake) => {
      fake.nextUser({ sub: 'u-42', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace', groups: ['sre'] });
      const { verifier, challenge } = pkcePair();
      const back = await followAuthorize(authorizeUrl(fake, { code_challenge: challenge, code_challenge_method: 'S256' }));
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
      assert.equal(back.searchParams.get('state'), 'st-1');
      assert.equal(back.searchParams.get('iss'), fake.issuer);

      const res = await exchange(fake, { code: back.searchParams.get('code') ?? '', code_verifier: verifier });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const tokens = (await res.json()) as { access_token: string; token_type: string; expires_in: number; id_token: string; scope: string };
      assert.equal(tokens.token_type, 'Bearer');
      assert.equal(tokens.expires_in, 3600);
      assert.equal(tokens.scope, 'openid email profile');

      const [header = '', payload = '', signature = ''] = tokens.id_token.split('.');
      const jwks = (await (await fetch(`${fake.issuer}/jwks`)).json()) as { keys: (JsonWebKey & { kid: string; alg: string; use: string })[] };
      const { kid, alg, typ } = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, string>;
      assert.deepEqual({ alg, typ }, { alg: 'RS256', typ: 'JWT' });
      const jwk = jwks.keys.find((k) => k.kid === kid) ?? assert.fail('kid not in JWKS');
      assert.deepEqual({ alg: jwk.alg, use: jwk.use }, { alg: 'RS256', use: 'sig' });
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')), 'id_token signature');
      assert.ok(!verify('RSA-SHA256', Buffer.from(`${header}.${payload}x`), key, Buffer.from(signature, 'base64url')), 'tampered payload');

      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      assert.equal(claims.iss, fake.issuer);
      assert.equal(claims.aud, fake.clientId);
      assert.equal(claims.sub, 'u-42');
      assert.equal(claims.nonce, 'n-1');
      assert.deepEqual([claims.email, claims.email_verified, claims.name, claims.groups], ['ada@example.com', true, 'Ada Lovelace', ['sre']]);
      const now = Math.floor(Date.now() / 1000);
      assert.ok(Math.abs(Number(claims.iat) - now) < 5 && Number(claims.exp) === Number(claims.iat) + 3600);

      const info = await fetch(`${fake.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(info.status, 200);
      assert.deepEqual(await info.json(), { sub: 'u-42', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace', groups: ['sre'] });

      const tokenCall = fake.requests.find((r) => r.path === '/token');
      assert.equal(tokenCall?.body?.code_verifier, verifier);
      assert.match(tokenCall?.authorization ?? '', /^Basic /);
    }));

  test('accepts client_secret_post and releases claims by scope only', () =>
    withOidc(async (fake) => {
      fake.nextUser({ sub: 'u-1', email: 'a@example.com', email_verified: true, name: 'A' });
      const { verifier, challenge } = pkcePair();
      const code = await codeFor(fake, challenge, { scope: 'openid' });
      const res = await exchange(fake, { code, code_verifier: verifier }, 'post');
      assert.equal(res.status, 200);
      const { id_token, access_token } = (await res.json()) as { id_token: string; access_token: string };
      const claims = JSON.parse(Buffer.from(id_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      assert.equal(claims.sub, 'u-1');
      assert.equal(claims.email, undefined);
      assert.equal(claims.name, undefined);
      const info = await fetch(`${fake.issuer}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.deepEqual(await info.json(), { sub: 'u-1' });
    }));

  test('queued users sign in in order, then the last one again', () =>
    withOidc(async (fake) => {
      fake.nextUser({ sub: 'first' });
      fake.nextUser({ sub: 'second' });
      const subs: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { verifier, challenge } = pkcePair();
        const code = await codeFor(fake, challenge);
        const { id_token } = (await (await exchange(fake, { code, code_verifier: verifier })).json()) as { id_token: string };
        subs.push((JSON.parse(Buffer.from(id_token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub);
      }
      assert.deepEqual(subs, ['first', 'second', 'second']);
    }));

  test('refuses a wrong client secret with 401 invalid_client', () =>
    withOidc(async (fake) => {
      const { verifier, challenge } = pkcePair();
      const code = await codeFor(fake, challenge);
      for (const auth of ['basic', 'post'] as const) {
        const res = await exchange(fake, { code, code_verifier: verifier }, auth, 'wrong');
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
      }
      // A refused client did not burn the code.
      assert.equal((await exchange(fake, { code, code_verifier: verifier })).status, 200);
    }));

  test('a code is single-use; replaying it also revokes the token it bought', () =>
    withOidc(async (fake) => {
      const { verifier, challenge } = pkcePair();
      const code = await codeFor(fake, challenge);
      const first = (await (await exchange(fake, { code, code_verifier: verifier })).json()) as { access_token: string };
      const again = await exchange(fake, { code, code_verifier: verifier });
      assert.equal(again.status, 400);
      assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
      const info = await fetch(`${fake.issuer}/userinfo`, { headers: { authorization: `Bearer ${first.access_token}` } });
      assert.equal(info.status, 401);
    }));

  test('refuses a PKCE mismatch, a missing verifier, a redirect_uri mismatch and an unknown code', () =>
    withOidc(async (fake) => {
      const cases: [string, (verifier: string) => Record<string, string>][] = [
        ['PKCE mismatch', () => ({ code_verifier: pkcePair().verifier })],
        ['no verifier', () => ({})],
        ['redirect_uri mismatch', (verifier) => ({ code_verifier: verifier, redirect_uri: 'http://127.0.0.1:1/elsewhere' })],
      ];
      for (const [name, form] of cases) {
        const { verifier, challenge } = pkcePair();
        const res = await exchange(fake, { code: await codeFor(fake, challenge), ...form(verifier) });
        assert.equal(res.status, 400, name);
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant', name);
      }
      const unknown = await exchange(fake, { code: 'nope', code_verifier: 'x' });
      assert.equal(unknown.status, 400);
    }));

  test('denyNext sends the browser back with the error and the state, once', () =>
    withOidc(async (fake) => {
      fake.denyNext();
      const denied = await followAuthorize(authorizeUrl(fake, { state: 'keep-me' }));
      assert.equal(denied.searchParams.get('error'), 'access_denied');
      assert.equal(denied.searchParams.get('state'), 'keep-me');
      assert.equal(denied.searchParams.get('code'), null);
      fake.denyNext('login_required');
      assert.equal((await followAuthorize(authorizeUrl(fake))).searchParams.get('error'), 'login_required');
      assert.ok((await followAuthorize(authorizeUrl(fake))).searchParams.get('code'));
    }));

  test('refuses an unknown client or response type at authorize, and a bad token at userinfo', () =>
    withOidc(async (fake) => {
      for (const params of [{ client_id: 'someone-else' }, { response_type: 'token' }] as Record<string, string>[]) {
        const res = await fetch(authorizeUrl(fake, params), { redirect: 'manual' });
        assert.equal(res.status, 400);
      }
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
        const res = await fetch(`${fake.issuer}/userinfo`, { headers });
        assert.equal(res.status, 401);
        assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
      }
    }));

  test('works with openid-client 6: discovery, PKCE code grant, id_token claims and userinfo', () =>
    withOidc(async (fake) => {
      fake.nextUser({ sub: 'oc-1', email: 'grace@example.com', email_verified: true, name: 'Grace Hopper' });
      const config = await client.discovery(new URL(fake.issuer), fake.clientId, fake.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const callback = await followAuthorize(url);
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce });
      const claims = tokens.claims();
      assert.equal(claims?.sub, 'oc-1');
      assert.equal(claims?.email, 'grace@example.com');
      assert.equal(claims?.email_verified, true);
      const info = await client.fetchUserInfo(config, tokens.access_token, 'oc-1');
      assert.equal(info.name, 'Grace Hopper');
      assert.equal(fake.requests.find((r) => r.path === '/token')?.body?.code_verifier, pkceCodeVerifier);

      fake.denyNext();
      const deniedState = client.randomState();
      const denied = await followAuthorize(client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: deniedState }));
      await assert.rejects(client.authorizationCodeGrant(config, denied, { expectedState: deniedState }), client.AuthorizationResponseError);
    }));

  test('openid-client rejects an id_token whose nonce does not match', () =>
    withOidc(async (fake) => {
      const config = await client.discovery(new URL(fake.issuer), fake.clientId, fake.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce: 'sent',
      });
      const callback = await followAuthorize(url);
      await assert.rejects(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState: state, expectedNonce: 'other' }), (error: unknown) => {
        assert.ok(error instanceof client.ClientError);
        assert.match(String(error.cause), /nonce/);
        return true;
      });
    }));
});

describe('fake GitHub', () => {
  const SCOPES = 'read:user user:email read:org';

  async function codeFor(fake: FakeGitHub, params: Record<string, string> = {}): Promise<string> {
    const url = new URL(`${fake.webUrl}/login/oauth/authorize`);
    for (const [key, value] of Object.entries({ client_id: fake.clientId, redirect_uri: REDIRECT_URI, scope: SCOPES, state: 'gh-state', ...params })) url.searchParams.set(key, value);
    const back = await followAuthorize(url);
    assert.equal(back.searchParams.get('state'), params.state ?? 'gh-state');
    return back.searchParams.get('code') ?? assert.fail(`no code in ${back.href}`);
  }

  async function exchange(fake: FakeGitHub, form: Record<string, string>, accept = 'application/json'): Promise<Response> {
    return fetch(`${fake.webUrl}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: fake.clientId, client_secret: fake.clientSecret, redirect_uri: REDIRECT_URI, ...form }),
    });
  }

  const apiGet = (fake: FakeGitHub, path: string, token: string, scheme = 'Bearer') =>
    fetch(`${fake.apiUrl}${path}`, { headers: { authorization: `${scheme} ${token}`, accept: 'application/vnd.github+json' } });

  test('web flow with PKCE, then /user, /user/emails, /user/orgs and membership checks', () =>
    withGitHub(async (fake) => {
      const emails = [
        { email: 'mona@example.com', primary: true, verified: true, visibility: 'private' as const },
        { email: 'mona@old.example', primary: false, verified: false, visibility: null },
      ];
      fake.nextUser({ login: 'mona', id: 9001, name: 'Mona Lisa', email: null, emails, orgs: ['acme', 'other'] });
      const { verifier, challenge } = pkcePair();
      const code = await codeFor(fake, { code_challenge: challenge, code_challenge_method: 'S256' });
      const res = await exchange(fake, { code, code_verifier: verifier });
      const grant = (await res.json()) as { access_token: string; token_type: string; scope: string };
      assert.equal(grant.token_type, 'bearer');
      assert.equal(grant.scope, 'read:user,user:email,read:org');

      const user = await apiGet(fake, '/user', grant.access_token);
      assert.equal(user.status, 200);
      assert.equal(user.headers.get('x-oauth-scopes'), 'read:user, user:email, read:org');
      assert.deepEqual(
        ((body) => ({ login: body.login, id: body.id, name: body.name, email: body.email }))((await user.json()) as Record<string, unknown>),
        { login: 'mona', id: 9001, name: 'Mona Lisa', email: null },
      );
      assert.deepEqual(await (await apiGet(fake, '/user/emails', grant.access_token, 'token')).json(), emails);
      const orgs = (await (await apiGet(fake, '/user/orgs', grant.access_token)).json()) as { login: string }[];
      assert.deepEqual(orgs.map((o) => o.login), ['acme', 'other']);
      assert.equal((await apiGet(fake, '/orgs/acme/members/mona', grant.access_token)).status, 204);
      assert.equal((await apiGet(fake, '/orgs/acme/members/someone', grant.access_token)).status, 404);
      // Not a member of the org asked about: GitHub redirects to public_members, which is 404 here.
      const outsider = await fetch(`${fake.apiUrl}/orgs/elsewhere/members/mona`, { headers: { authorization: `Bearer ${grant.access_token}` }, redirect: 'manual' });
      assert.equal(outsider.status, 302);
      assert.equal((await apiGet(fake, '/orgs/elsewhere/members/mona', grant.access_token)).status, 404);
    }));

  test('answers form-encoded without Accept: application/json, and takes JSON bodies and Basic auth', () =>
    withGitHub(async (fake) => {
      const form = await exchange(fake, { code: await codeFor(fake) }, '*/*');
      assert.match(form.headers.get('content-type') ?? '', /^application\/x-www-form-urlencoded/);
      const parsed = new URLSearchParams(await form.text());
      assert.match(parsed.get('access_token') ?? '', /^gho_/);
      assert.equal(parsed.get('token_type'), 'bearer');

      const json = await fetch(`${fake.webUrl}/login/oauth/access_token`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}` },
        body: JSON.stringify({ code: await codeFor(fake) }),
      });
      assert.match(((await json.json()) as { access_token: string }).access_token, /^gho_/);
    }));

  test('token errors come back with HTTP 200, as GitHub sends them', () =>
    withGitHub(async (fake) => {
      const errorOf = async (res: Response) => {
        assert.equal(res.status, 200);
        return ((await res.json()) as { error: string }).error;
      };
      assert.equal(await errorOf(await exchange(fake, { code: 'bogus' })), 'bad_verification_code');
      assert.equal(await errorOf(await exchange(fake, { code: await codeFor(fake), client_secret: 'wrong' })), 'incorrect_client_credentials');
      const code = await codeFor(fake);
      assert.equal(await errorOf(await exchange(fake, { code, redirect_uri: 'http://127.0.0.1:1/other' })), 'redirect_uri_mismatch');
      assert.ok(((await (await exchange(fake, { code })).json()) as { access_token?: string }).access_token);
      assert.equal(await errorOf(await exchange(fake, { code })), 'bad_verification_code', 'reused code');
      const { challenge } = pkcePair();
      const pkceCode = await codeFor(fake, { code_challenge: challenge, code_challenge_method: 'S256' });
      assert.equal(await errorOf(await exchange(fake, { code: pkceCode, code_verifier: pkcePair().verifier })), 'bad_verification_code', 'PKCE mismatch');
    }));

  test('denyNext, bad credentials and missing scopes', () =>
    withGitHub(async (fake) => {
      fake.denyNext();
      const url = new URL(`${fake.webUrl}/login/oauth/authorize`);
      for (const [key, value] of Object.entries({ client_id: fake.clientId, redirect_uri: REDIRECT_URI, state: 's-9' })) url.searchParams.set(key, value);
      const denied = await followAuthorize(url);
      assert.deepEqual([denied.searchParams.get('error'), denied.searchParams.get('state')], ['access_denied', 's-9']);
      assert.ok(denied.searchParams.get('error_description'));

      for (const token of ['', 'gho_unknown']) {
        const res = await apiGet(fake, '/user', token);
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as { message: string }).message, 'Bad credentials');
      }

      fake.nextUser({ login: 'narrow', id: 7, orgs: ['acme'] });
      const { access_token } = (await (await exchange(fake, { code: await codeFor(fake, { scope: 'read:user' }) })).json()) as { access_token: string };
      assert.equal((await apiGet(fake, '/user', access_token)).status, 200);
      assert.equal((await apiGet(fake, '/user/emails', access_token)).status, 404);
      assert.deepEqual(await (await apiGet(fake, '/user/orgs', access_token)).json(), []);
      assert.equal((await apiGet(fake, '/orgs/acme/members/narrow', access_token)).status, 404);
    }));

  test("works with arctic's OAuth2Client pointed at the fake's endpoints", () =>
    withGitHub(async (fake) => {
      fake.nextUser({ login: 'arctic-user', id: 31, email: 'arctic@example.com' });
      const oauth = new OAuth2Client(fake.clientId, fake.clientSecret, REDIRECT_URI);
      const verifier = pkcePair().verifier;
      const url = oauth.createAuthorizationURLWithPKCE(`${fake.webUrl}/login/oauth/authorize`, 'arc-state', CodeChallengeMethod.S256, verifier, ['user:email']);
      const back = await followAuthorize(url);
      const tokens = await oauth.validateAuthorizationCode(`${fake.webUrl}/login/oauth/access_token`, back.searchParams.get('code') ?? '', verifier);
      const emails = (await (await apiGet(fake, '/user/emails', tokens.accessToken())).json()) as { email: string }[];
      assert.deepEqual(emails.map((e) => e.email), ['arctic@example.com']);
      // GitHub's errors come with HTTP 200, so arctic's generic client does not throw: it hands back
      // "tokens" whose accessToken() throws. The app must check `tokens.data.error` itself.
      const replay = await oauth.validateAuthorizationCode(`${fake.webUrl}/login/oauth/access_token`, back.searchParams.get('code') ?? '', verifier);
      assert.equal((replay.data as { error?: string }).error, 'bad_verification_code');
      assert.throws(() => replay.accessToken());
    }));
});
