/**
 * A fake GitHub for sign-in tests: one HTTP server on 127.0.0.1 standing in for both
 * https://github.com (the OAuth App web flow) and https://api.github.com (the REST calls a
 * sign-in needs), with GitHub's wire formats.
 *
 * - `webUrl` = `http://127.0.0.1:<port>`: `GET /login/oauth/authorize`, `POST /login/oauth/access_token`.
 * - `apiUrl` = `http://127.0.0.1:<port>/api`: `GET /user`, `/user/emails`, `/user/orgs`,
 *   `/orgs/{org}/members/{username}` (and `/orgs/{org}/public_members/{username}`).
 *
 * arctic's `GitHub` provider hard-codes github.com; point arctic's generic `OAuth2Client` (or
 * plain fetch) at `${webUrl}/login/oauth/...` instead.
 *
 * GitHub quirks kept on purpose:
 * - The token endpoint answers HTTP 200 even for errors (`{"error":"bad_verification_code",…}`),
 *   and answers form-encoded unless the request says `Accept: application/json`.
 * - Granted scopes come back comma-separated (`read:org,user:email`), and API responses carry
 *   them in `X-OAuth-Scopes`.
 * - Scopes are enforced: `/user/emails` needs `user:email` or `user` (404 otherwise); without
 *   `read:org` (or `user`, `write:org`, `admin:org`) the token sees no org memberships, so
 *   `/user/orgs` is `[]` and a membership check is answered as to an outsider: 302 to
 *   `public_members`, which is 404 (the fake treats every membership as private).
 * - The API refuses a request with no User-Agent (403), as GitHub does.
 * - A PKCE mismatch is answered with `bad_verification_code`; GitHub does not document its code.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: 'public' | 'private' | null;
}

export interface FakeGitHubUserInput {
  login: string;
  id: number;
  name?: string | null;
  /** The public profile email; null (the default) when the user keeps it private. */
  email?: string | null;
  /** Default: one primary verified address, `email` or `<login>@example.com` (private). */
  emails?: FakeGitHubEmail[];
  /** Logins of the organisations the user belongs to. */
  orgs?: string[];
}

export interface FakeGitHubOptions {
  clientId?: string;
  clientSecret?: string;
  /** Milliseconds since the epoch, for code expiry (default Date.now). */
  clock?: () => number;
}

export interface FakeGitHubRequest {
  /** The path as served, e.g. `/login/oauth/access_token` or `/api/user`. */
  readonly path: string;
  readonly method: string;
  readonly body?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly authorization?: string;
  readonly accept?: string;
}

export interface FakeGitHub {
  /** Stands for https://github.com. */
  readonly webUrl: string;
  /** Stands for https://api.github.com (`${webUrl}/api`). */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: readonly FakeGitHubRequest[];
  /**
   * Queues who authorizes next; each authorization takes one. With the queue empty the last user
   * authorizes again (before any: `FAKE_GITHUB_DEFAULT_USER`).
   */
  nextUser(user: FakeGitHubUserInput): void;
  /** The next authorization is refused by the user (`error=access_denied`). */
  denyNext(): void;
  close(): Promise<void>;
}

export const FAKE_GITHUB_DEFAULT_USER: Readonly<FakeGitHubUserInput> = Object.freeze({ login: 'octocat', id: 583231, name: 'The Octocat', email: null });

const CODE_TTL_MS = 10 * 60_000;
const TOKEN_ERRORS_DOC = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';
const ORG_SCOPES = ['read:org', 'write:org', 'admin:org', 'user'];
const EMAIL_SCOPES = ['user:email', 'user'];

interface GitHubUser {
  login: string;
  id: number;
  name: string | null;
  email: string | null;
  emails: FakeGitHubEmail[];
  orgs: string[];
}

interface Grant {
  user: GitHubUser;
  scopes: string[];
  redirectUri: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
  used: boolean;
}

function toUser(input: FakeGitHubUserInput): GitHubUser {
  const email = input.email ?? null;
  return {
    login: input.login,
    id: input.id,
    name: input.name ?? null,
    email,
    emails: input.emails ?? [{ email: email ?? `${input.login}@example.com`, primary: true, verified: true, visibility: email ? 'public' : 'private' }],
    orgs: input.orgs ?? [],
  };
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

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts a fake GitHub (web OAuth flow and REST API) on a free loopback port. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const clientId = options.clientId ?? 'test-github-client';
  const clientSecret = options.clientSecret ?? 'test-github-secret';
  const clock = options.clock ?? Date.now;
  const requests: FakeGitHubRequest[] = [];
  const users: GitHubUser[] = [];
  let lastUser = toUser(FAKE_GITHUB_DEFAULT_USER);
  let denials = 0;
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, { user: GitHubUser; scopes: string[] }>();
  let webUrl = '';

  const authorize = (query: URLSearchParams, res: ServerResponse) => {
    // GitHub shows an HTML 404 page for an unknown client and never redirects.
    if (query.get('client_id') !== clientId) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
    const redirectUri = query.get('redirect_uri') ?? undefined;
    if (redirectUri === undefined || !/^https?:\/\//.test(redirectUri)) {
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end('the fake has no registered callback URL: send redirect_uri');
    }
    const back = new URL(redirectUri);
    const redirect = (params: Record<string, string>) => {
      for (const [key, value] of Object.entries(params)) back.searchParams.set(key, value);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      res.writeHead(302, { location: back.href }).end();
    };
    const challenge = query.get('code_challenge') ?? undefined;
    if (challenge !== undefined && query.get('code_challenge_method') !== 'S256') {
      return redirect({ error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
    }
    if (denials > 0) {
      denials -= 1;
      return redirect({
        error: 'access_denied',
        error_description: 'The user has denied your application access.',
        error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied',
      });
    }
    const user = users.shift() ?? lastUser;
    lastUser = user;
    const code = randomBytes(10).toString('hex');
    const scopes = (query.get('scope') ?? '').split(/[\s,]+/).filter((s) => s !== '');
    grants.set(code, { user, scopes, redirectUri, codeChallenge: challenge, expiresAt: clock() + CODE_TTL_MS, used: false });
    redirect({ code });
  };

  const accessToken = (req: IncomingMessage, body: Record<string, string>, res: ServerResponse) => {
    const wantsJson = (req.headers.accept ?? '').includes('application/json');
    const reply = (payload: Record<string, string>) => {
      if (wantsJson) return sendJson(res, 200, payload);
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }).end(new URLSearchParams(payload).toString());
    };
    const fail = (error: string, description: string) => reply({ error, error_description: description, error_uri: `${TOKEN_ERRORS_DOC}#${error.replace(/_/g, '-')}` });
    // arctic sends raw `id:secret` in Basic, not form-encoded components; GitHub credentials never need encoding.
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, ...rest] = basic === undefined ? [] : Buffer.from(basic, 'base64').toString('utf8').split(':');
    const id = body.client_id ?? basicId;
    const secret = body.client_secret ?? (basic === undefined ? undefined : rest.join(':'));
    if (id !== clientId || secret !== clientSecret) return fail('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    const grant = body.code === undefined ? undefined : grants.get(body.code);
    if (!grant || grant.used || grant.expiresAt <= clock()) return fail('bad_verification_code', 'The code passed is incorrect or expired.');
    if (body.redirect_uri !== undefined && body.redirect_uri !== grant.redirectUri) {
      return fail('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.');
    }
    grant.used = true;
    if (grant.codeChallenge !== undefined) {
      const verifier = body.code_verifier ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) {
        return fail('bad_verification_code', 'The code passed is incorrect or expired.');
      }
    }
    const token = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(token, { user: grant.user, scopes: grant.scopes });
    reply({ access_token: token, token_type: 'bearer', scope: grant.scopes.join(',') });
  };

  const api = (req: IncomingMessage, path: string, res: ServerResponse) => {
    if (!req.headers['user-agent']) {
      return void res.writeHead(403, { 'content-type': 'text/plain' }).end('Request forbidden by administrative rules. Please make sure your request has a User-Agent header.');
    }
    const token = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const session = token === undefined ? undefined : tokens.get(token);
    if (!session) return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const { user, scopes } = session;
    const headers = { 'x-oauth-scopes': scopes.join(', '), 'x-github-media-type': 'github.v3; format=json' };
    const notFound = (doc: string) => sendJson(res, 404, { message: 'Not Found', documentation_url: doc, status: '404' }, headers);
    const seesOrgs = scopes.some((s) => ORG_SCOPES.includes(s));
    if (req.method !== 'GET') return notFound('https://docs.github.com/rest');
    if (path === '/user') {
      return sendJson(res, 200, {
        login: user.login,
        id: user.id,
        node_id: Buffer.from(`04:User${user.id}`).toString('base64'),
        avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
        html_url: `https://github.com/${user.login}`,
        type: 'User',
        site_admin: false,
        name: user.name,
        company: null,
        email: user.email,
      }, headers);
    }
    if (path === '/user/emails') {
      if (!scopes.some((s) => EMAIL_SCOPES.includes(s))) return notFound('https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user');
      return sendJson(res, 200, user.emails, headers);
    }
    if (path === '/user/orgs') {
      const orgs = seesOrgs ? user.orgs : [];
      return sendJson(res, 200, orgs.map((login, i) => ({ login, id: 1000 + i, url: `${webUrl}/api/orgs/${login}`, description: null })), headers);
    }
    const membership = /^\/orgs\/([^/]+)\/(members|public_members)\/([^/]+)$/.exec(path);
    if (membership) {
      const [, org = '', kind, username = ''] = membership;
      const lower = (s: string) => decodeURIComponent(s).toLowerCase();
      if (kind === 'public_members') return notFound('https://docs.github.com/rest/orgs/members#check-public-organization-membership-for-a-user');
      const requesterIsMember = seesOrgs && user.orgs.some((o) => o.toLowerCase() === lower(org));
      if (!requesterIsMember) return void res.writeHead(302, { location: `${webUrl}/api/orgs/${org}/public_members/${username}`, ...headers }).end();
      // The fake knows only the signed-in user's memberships: anyone else is not a member.
      if (lower(username) === user.login.toLowerCase()) return void res.writeHead(204, headers).end();
      return notFound('https://docs.github.com/rest/orgs/members#check-organization-membership-for-a-user');
    }
    notFound('https://docs.github.com/rest');
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
        ...(req.headers.accept ? { accept: req.headers.accept } : {}),
      });
      if (url.pathname.startsWith('/api/')) return api(req, url.pathname.slice('/api'.length), res);
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') return authorize(url.searchParams, res);
      // GitHub accepts the code exchange as a POST with a form or JSON body.
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') return accessToken(req, body ?? {}, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    };
    route().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  webUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  return {
    webUrl,
    apiUrl: `${webUrl}/api`,
    clientId,
    clientSecret,
    requests,
    nextUser: (user) => void users.push(toUser(user)),
    denyNext: () => void (denials += 1),
    close() {
      if (closing) return closing;
      closing = once(server, 'close').then(() => undefined);
      server.close();
      server.closeAllConnections();
      return closing;
    },
  };
}
