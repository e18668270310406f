/**
 * A fake OpenID Connect provider for sign-in tests: a real HTTP server on 127.0.0.1 that runs the
 * authorization code flow with PKCE (OpenID Connect Core and Discovery, RFC 6749, RFC 7636) and
 * signs RS256 ID tokens with a key pair made at start. It has no login page: `/authorize` signs in
 * whoever `nextUser` queued and redirects straight back.
 *
 * Point the app (openid-client `discovery`) at `fake.issuer`, with `allowInsecureRequests`.
 *
 * Behaviour worth knowing (real providers do the same):
 * - The redirect carries `iss` (RFC 9207) and discovery says so; openid-client checks it.
 * - Codes are single-use and live 60 s. Replaying a code also revokes the access token it bought.
 * - A code issued with a `code_challenge` needs the matching `code_verifier`; one issued without
 *   refuses a verifier (a PKCE downgrade, RFC 9700 2.1.1).
 * - Claims follow the scopes: `email`/`email_verified` need `email`, `name` and other standard
 *   profile claims need `profile`; custom claims (e.g. `groups`) always go out. No `openid` scope,
 *   no ID token.
 * - Client Basic credentials are form-url-decoded (RFC 6749 2.3.1); sending both Basic and body
 *   credentials is refused (`invalid_request`).
 */
import { createHash, generateKeyPair, randomBytes, sign, timingSafeEqual, type JsonWebKey, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

export interface FakeOidcUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  [claim: string]: unknown;
}

export interface FakeOidcOptions {
  clientId?: string;
  clientSecret?: string;
  /** Milliseconds since the epoch, for token times and code expiry (default Date.now). */
  clock?: () => number;
}

export interface FakeOidcRequest {
  readonly path: string;
  readonly method: string;
  /** Form or JSON body, as strings. */
  readonly body?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** The Authorization header as sent, for assertions on client authentication. */
  readonly authorization?: string;
}

export interface FakeOidc {
  /** `http://127.0.0.1:<port>`, also the base of every endpoint. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every request, oldest first. */
  readonly requests: readonly FakeOidcRequest[];
  /** The public signing key as published at `/jwks`. */
  readonly jwk: JsonWebKey & { kid: string };
  /**
   * Queues who signs in on the next authorization; each authorization takes one. With the queue
   * empty the last user signs in again (before any: `FAKE_OIDC_DEFAULT_USER`).
   */
  nextUser(claims: FakeOidcUser): void;
  /** The next authorization redirects back with `?error=<error>&state=…` (queued like users). */
  denyNext(error?: string): void;
  /** Signs an arbitrary JWT with the provider's key (for tests of tampered or expired tokens). */
  signJwt(claims: Record<string, unknown>): string;
  close(): Promise<void>;
}

export const FAKE_OIDC_DEFAULT_USER: Readonly<FakeOidcUser> = Object.freeze({
  sub: 'user-0001',
  email: 'alex@example.com',
  email_verified: true,
  name: 'Alex Example',
});

const CODE_TTL_MS = 60_000;
const TOKEN_TTL_S = 3600;
const PROFILE_CLAIMS = ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'];
const EMAIL_CLAIMS = ['email', 'email_verified'];
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'auth_time', 'azp', 'at_hash', 'jti'];

interface Grant {
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  user: FakeOidcUser;
  expiresAt: number;
  used: boolean;
  accessToken?: string;
}

const base64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');
const randomToken = () => randomBytes(24).toString('base64url');

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The claims a scope set releases: protocol claims never come from the user record. */
function releasedClaims(user: FakeOidcUser, scope: string): Record<string, unknown> {
  const scopes = new Set(scope.split(' '));
  const claims: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user)) {
    if (PROTOCOL_CLAIMS.includes(key) || value === undefined) continue;
    if (EMAIL_CLAIMS.includes(key) && !scopes.has('email')) continue;
    if (PROFILE_CLAIMS.includes(key) && !scopes.has('profile')) continue;
    claims[key] = value;
  }
  return claims;
}

async function readParams(req: IncomingMessage): Promise<Record<string, string> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return undefined;
  if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/** RFC 6749 2.3.1: each Basic component is application/x-www-form-urlencoded before base64. */
function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(text);
}

// An RSA 2048 key takes a few hundred ms on a small machine: every fake in a process shares one.
let keyPair: Promise<{ privateKey: KeyObject; publicKey: KeyObject }> | undefined;
const signingKeys = () => (keyPair ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }));

/** Starts a fake OpenID Connect provider on a free loopback port. */
export async function startFakeOidc(options: FakeOidcOptions = {}): Promise<FakeOidc> {
  const clientId = options.clientId ?? 'test-client';
  const clientSecret = options.clientSecret ?? 'test-secret';
  const clock = options.clock ?? Date.now;
  const { privateKey, publicKey } = await signingKeys();
  const exported = publicKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint: a stable kid derived from the key itself.
  const kid = base64url(createHash('sha256').update(JSON.stringify({ e: exported.e, kty: exported.kty, n: exported.n })).digest());
  const jwk = { ...exported, kid, use: 'sig', alg: 'RS256' };

  const requests: FakeOidcRequest[] = [];
  const users: FakeOidcUser[] = [];
  const denials: string[] = [];
  let lastUser: FakeOidcUser = FAKE_OIDC_DEFAULT_USER;
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, { user: FakeOidcUser; scope: string; expiresAt: number }>();
  let issuer = '';

  const signJwt = (claims: Record<string, unknown>) => {
    const input = `${base64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    return `${input}.${base64url(sign('RSA-SHA256', Buffer.from(input), privateKey))}`;
  };

  const authorize = (query: URLSearchParams, res: ServerResponse) => {
    if (query.get('client_id') !== clientId) return send(res, 400, 'unknown client_id');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!/^https?:\/\//.test(redirectUri)) return send(res, 400, 'missing or invalid redirect_uri');
    if (query.get('response_type') !== 'code') return send(res, 400, 'unsupported response_type (only "code")');
    const back = new URL(redirectUri);
    const redirect = (params: Record<string, string>) => {
      for (const [key, value] of Object.entries(params)) back.searchParams.set(key, value);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      back.searchParams.set('iss', issuer);
      res.writeHead(302, { location: back.href, 'cache-control': 'no-store' });
      res.end();
    };
    const method = query.get('code_challenge_method');
    const challenge = query.get('code_challenge') ?? undefined;
    if (challenge !== undefined && method !== 'S256') {
      return redirect({ error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
    }
    const denial = denials.shift();
    if (denial !== undefined) return redirect({ error: denial });
    const user = users.shift() ?? lastUser;
    lastUser = user;
    const code = randomToken();
    grants.set(code, {
      clientId,
      redirectUri,
      scope: query.get('scope') ?? '',
      nonce: query.get('nonce') ?? undefined,
      codeChallenge: challenge,
      user,
      expiresAt: clock() + CODE_TTL_MS,
      used: false,
    });
    redirect({ code });
  };

  const token = (req: IncomingMessage, body: Record<string, string>, res: ServerResponse) => {
    const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
    const error = (status: number, code: string, description: string, headers: Record<string, string> = {}) =>
      send(res, status, { error: code, error_description: description }, { ...noStore, ...headers });
    const basic = parseBasic(req.headers.authorization);
    if (basic && (body.client_secret !== undefined || (body.client_id !== undefined && body.client_id !== basic.id))) {
      return error(400, 'invalid_request', 'use one client authentication method');
    }
    const id = basic?.id ?? body.client_id;
    const secret = basic?.secret ?? body.client_secret;
    if (id !== clientId || secret === undefined || !safeEqual(secret, clientSecret)) {
      return error(401, 'invalid_client', 'client authentication failed', basic ? { 'www-authenticate': 'Basic realm="fake-oidc"' } : {});
    }
    if (body.grant_type !== 'authorization_code') return error(400, 'unsupported_grant_type', 'only authorization_code');
    const grant = body.code === undefined ? undefined : grants.get(body.code);
    if (!grant || grant.clientId !== id || grant.expiresAt <= clock()) return error(400, 'invalid_grant', 'unknown or expired code');
    if (grant.used) {
      if (grant.accessToken) accessTokens.delete(grant.accessToken);
      return error(400, 'invalid_grant', 'code already used');
    }
    grant.used = true;
    if (body.redirect_uri !== grant.redirectUri) return error(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    const verifier = body.code_verifier;
    if (grant.codeChallenge === undefined) {
      if (verifier !== undefined) return error(400, 'invalid_grant', 'code_verifier sent but no code_challenge was');
    } else if (verifier === undefined || !safeEqual(base64url(createHash('sha256').update(verifier).digest()), grant.codeChallenge)) {
      return error(400, 'invalid_grant', 'code_verifier does not match code_challenge');
    }
    const accessToken = randomToken();
    const now = Math.floor(clock() / 1000);
    grant.accessToken = accessToken;
    accessTokens.set(accessToken, { user: grant.user, scope: grant.scope, expiresAt: (now + TOKEN_TTL_S) * 1000 });
    const response: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_TTL_S, scope: grant.scope };
    if (grant.scope.split(' ').includes('openid')) {
      response.id_token = signJwt({
        ...releasedClaims(grant.user, grant.scope),
        iss: issuer,
        sub: grant.user.sub,
        aud: clientId,
        exp: now + TOKEN_TTL_S,
        iat: now,
        auth_time: now,
        ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      });
    }
    send(res, 200, response, noStore);
  };

  const userinfo = (req: IncomingMessage, res: ServerResponse) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (!grant || grant.expiresAt <= clock()) {
      return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    send(res, 200, { ...releasedClaims(grant.user, grant.scope), sub: grant.user.sub });
  };

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/logout`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'name'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code'],
    authorization_response_iss_parameter_supported: true,
  });

  const logout = (query: URLSearchParams, res: ServerResponse) => {
    const target = query.get('post_logout_redirect_uri');
    if (target === null) return send(res, 200, 'signed out');
    const back = new URL(target);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.href });
    res.end();
  };

  const server = createServer((req, res) => {
    const route = async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = req.method === 'POST' ? await readParams(req) : undefined;
      const query = Object.fromEntries(url.searchParams);
      requests.push({
        path: url.pathname,
        method: req.method ?? 'GET',
        ...(body ? { body } : {}),
        ...(url.search ? { query } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      const endpoint = `${req.method ?? ''} ${url.pathname}`;
      if (endpoint === 'GET /.well-known/openid-configuration') return send(res, 200, discovery());
      if (endpoint === 'GET /jwks') return send(res, 200, { keys: [jwk] });
      if (endpoint === 'GET /authorize') return authorize(url.searchParams, res);
      if (endpoint === 'POST /token') return token(req, body ?? {}, res);
      if (endpoint === 'GET /userinfo' || endpoint === 'POST /userinfo') return userinfo(req, res);
      if (endpoint === 'GET /logout') return logout(url.searchParams, res);
      send(res, 404, { error: 'not_found' });
    };
    route().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: String(error) });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  return {
    issuer,
    clientId,
    clientSecret,
    requests,
    jwk,
    nextUser: (claims) => void users.push({ ...claims }),
    denyNext: (error = 'access_denied') => void denials.push(error),
    signJwt,
    close() {
      if (closing) return closing;
      closing = once(server, 'close').then(() => undefined);
      server.close();
      server.closeAllConnections();
      return closing;
    },
  };
}
