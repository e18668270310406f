import * as client from 'openid-client';
import {
  SignInRefused,
  SignInUnavailable,
  type Identity,
  type IdentityProvider,
  type PendingSignIn,
} from '../../ports/identity-provider.port.js';

export interface OidcOptions {
  /** The issuer URL; its `/.well-known/openid-configuration` says where everything else is. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  /** Shown on the sign-in button ("Slack", "Microsoft", "Google"...). */
  readonly label: string;
}

/** Plain HTTP is only ever allowed to a provider on this machine (a local or test issuer). */
function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * Sign-in with any OpenID Connect issuer (Sign in with Slack, Microsoft Entra ID, Google, Okta...),
 * authorization code flow with PKCE, state and nonce; the ID token's signature, issuer, audience,
 * expiry and nonce are checked by openid-client.
 */
export function createOidcProvider(options: OidcOptions): IdentityProvider {
  const issuer = new URL(options.issuer);
  // Discovered on first use, not at start: a provider that is down must not stop the app starting
  // (Slack and the API still work), and a failed discovery is tried again on the next sign-in.
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, options.clientId, options.clientSecret, undefined, isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        discovered = null;
        throw new SignInUnavailable(`${options.label} did not answer (discovery at ${issuer.origin} failed).`, { cause: error });
      });
    return discovered;
  };

  return {
    key: 'oidc',
    label: options.label,

    async begin(redirectUri) {
      const config = await configuration();
      const pending: PendingSignIn = { state: client.randomState(), codeVerifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: options.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce!,
      });
      return { url, pending };
    },

    // openid-client sends the callback URL, without its query, as the redirect_uri.
    async complete(callbackUrl, _redirectUri, pending): Promise<Identity> {
      refuseProviderError(callbackUrl, options.label);
      const config = await configuration();
      let claims: client.IDToken | undefined;
      let accessToken: string;
      try {
        const tokens = await client.authorizationCodeGrant(
          config,
          callbackUrl,
          { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce ?? undefined, idTokenExpected: true },
        );
        claims = tokens.claims();
        accessToken = tokens.access_token;
      } catch (error) {
        throw classify(error, options.label);
      }
      if (!claims) throw new SignInRefused(`${options.label} did not say who you are.`);
      let { email, email_verified: verified, name } = claims as { email?: unknown; email_verified?: unknown; name?: unknown };
      // Some issuers put the email only in userinfo (Okta with default claims, Slack's older apps).
      if (typeof email !== 'string') {
        try {
          const info = await client.fetchUserInfo(config, accessToken, claims.sub);
          ({ email, email_verified: verified } = info);
          name ??= info.name;
        } catch (error) {
          throw classify(error, options.label);
        }
      }
      if (typeof email !== 'string' || !email.includes('@')) {
        throw new SignInRefused(`${options.label} did not share your email address, which this service needs to know who you are. Ask the person who runs it to request the "email" scope.`);
      }
      // An unverified address could be anyone's (an admin's, say): only a verified one links people.
      if (verified === false || verified === 'false') {
        throw new SignInRefused(`Your email address at ${options.label} is not verified. Verify it there, then sign in again.`);
      }
      return { subject: claims.sub, email: email.toLowerCase(), name: typeof name === 'string' && name.trim() ? name.trim() : email.split('@')[0]! };
    },
  };
}

/** The provider sent the person back with an error instead of a code (cancelled, not allowed...). */
export function refuseProviderError(callbackUrl: URL, label: string): void {
  const error = callbackUrl.searchParams.get('error');
  if (!error) return;
  if (error === 'access_denied') throw new SignInRefused(`Signing in was cancelled at ${label}.`);
  const description = callbackUrl.searchParams.get('error_description');
  throw new SignInRefused(`${label} refused the sign-in${description ? `: ${description.slice(0, 200)}` : ` (${error.slice(0, 60)})`}.`);
}

/** Network trouble and provider faults are "try later"; everything else (a bad token, a replayed code) is refused. */
function classify(error: unknown, label: string): Error {
  if (error instanceof SignInRefused || error instanceof SignInUnavailable) return error;
  if (error instanceof client.ResponseBodyError) {
    return error.status >= 500
      ? new SignInUnavailable(`${label} had a problem (${error.status}).`, { cause: error })
      : new SignInRefused(`${label} did not accept this sign-in (${error.error}). It may have expired: try again.`, { cause: error });
  }
  if (error instanceof TypeError || (error instanceof Error && /fetch failed|ECONNREFUSED|timeout/i.test(error.message))) {
    return new SignInUnavailable(`${label} did not answer.`, { cause: error });
  }
  return new SignInRefused(`${label} could not confirm who you are. Try again.`, { cause: error });
}
