import { CodeChallengeMethod, OAuth2Client, generateCodeVerifier, generateState } from 'arctic';
import { z } from 'zod';
import {
  SignInRefused,
  SignInUnavailable,
  type Identity,
  type IdentityProvider,
} from '../../ports/identity-provider.port.js';
import { refuseProviderError } from '../oidc/oidc-provider.js';

export interface GitHubOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Only members of this organisation may sign in (the seed's team restricts it so). */
  readonly org: string | null;
  /** https://github.com, or a GitHub Enterprise Server (tests: a fake). */
  readonly webUrl: string;
  /** https://api.github.com, or `{server}/api/v3` on Enterprise Server. */
  readonly apiUrl: string;
}

const userSchema = z.object({ id: z.number(), login: z.string(), name: z.string().nullish() });
const emailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/**
 * Sign-in with a GitHub OAuth App (PKCE, state), optionally only for members of one organisation.
 * GitHub is not OpenID Connect: the person comes from `GET /user`, the verified email from
 * `GET /user/emails`, the membership from `GET /orgs/{org}/members/{login}`.
 */
export function createGitHubProvider(options: GitHubOptions): IdentityProvider {
  const web = options.webUrl.replace(/\/+$/, '');
  const api = options.apiUrl.replace(/\/+$/, '');
  // read:org lets the membership check see private memberships too.
  const scopes = ['read:user', 'user:email', ...(options.org ? ['read:org'] : [])];

  const call = async (token: string, path: string): Promise<Response> => {
    try {
      return await fetch(`${api}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'incident-response' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new SignInUnavailable('GitHub did not answer.', { cause: error });
    }
  };
  const json = async <T>(token: string, path: string, schema: z.ZodType<T>): Promise<T> => {
    const response = await call(token, path);
    if (!response.ok) throw new SignInUnavailable(`GitHub answered ${response.status} to ${path}.`);
    const parsed = schema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new SignInUnavailable(`GitHub's answer to ${path} was not as documented.`);
    return parsed.data;
  };

  return {
    key: 'github',
    label: 'GitHub',

    async begin(redirectUri) {
      const oauth = new OAuth2Client(options.clientId, options.clientSecret, redirectUri);
      const pending = { state: generateState(), codeVerifier: generateCodeVerifier(), nonce: null };
      const url = oauth.createAuthorizationURLWithPKCE(`${web}/login/oauth/authorize`, pending.state, CodeChallengeMethod.S256, pending.codeVerifier, scopes);
      return { url, pending };
    },

    async complete(callbackUrl, redirectUri, pending): Promise<Identity> {
      refuseProviderError(callbackUrl, 'GitHub');
      const code = callbackUrl.searchParams.get('code');
      if (!code || callbackUrl.searchParams.get('state') !== pending.state) {
        throw new SignInRefused('This sign-in did not start here, or was started in another tab. Try again.');
      }
      const oauth = new OAuth2Client(options.clientId, options.clientSecret, redirectUri);
      let token: string;
      try {
        const tokens = await oauth.validateAuthorizationCode(`${web}/login/oauth/access_token`, code, pending.codeVerifier);
        // GitHub reports a bad or used code as 200 with an `error` field, not as a 400.
        const error = (tokens.data as { error?: unknown }).error;
        if (typeof error === 'string') throw new SignInRefused(`GitHub did not accept this sign-in (${error.slice(0, 60)}). It may have expired: try again.`);
        token = tokens.accessToken();
      } catch (error) {
        if (error instanceof SignInRefused) throw error;
        throw new SignInUnavailable('GitHub did not complete the sign-in.', { cause: error });
      }

      const user = await json(token, '/user', userSchema);
      const emails = await json(token, '/user/emails', emailsSchema);
      const verified = emails.filter((e) => e.verified);
      const email = (verified.find((e) => e.primary) ?? verified[0])?.email;
      if (!email) throw new SignInRefused('Your GitHub account has no verified email address. Verify one at GitHub, then sign in again.');

      if (options.org) {
        // 204: a member. 404 (or 302 for a non-member asking): not one, as far as GitHub will tell us.
        const membership = await call(token, `/orgs/${encodeURIComponent(options.org)}/members/${encodeURIComponent(user.login)}`);
        if (membership.status >= 500) throw new SignInUnavailable(`GitHub answered ${membership.status} to the membership check.`);
        if (membership.status !== 204) {
          throw new SignInRefused(`Only members of the ${options.org} organisation on GitHub can sign in. If you are one, grant this app access to the organisation at GitHub and try again.`);
        }
      }
      return { subject: String(user.id), email: email.toLowerCase(), name: user.name?.trim() || user.login };
    },
  };
}
