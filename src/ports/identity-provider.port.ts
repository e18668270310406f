/** Who a sign-in provider says someone is, once they have signed in there. */
export interface Identity {
  /** The provider's stable id for the person (OIDC `sub`, GitHub user id). */
  readonly subject: string;
  /** A verified email: the link to the same person in Slack and to ADMIN_EMAILS. */
  readonly email: string;
  readonly name: string;
}

/**
 * What the browser must bring back from the provider for the sign-in to count: kept in a signed
 * cookie between leaving for the provider and coming back.
 */
export interface PendingSignIn {
  readonly state: string;
  readonly codeVerifier: string;
  readonly nonce: string | null;
}

/** The provider refused, or said something we cannot accept: the message is for the person. */
export class SignInRefused extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInRefused';
  }
}

/** The provider did not answer, or answered nonsense: worth trying again later. */
export class SignInUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInUnavailable';
  }
}

/** A place people sign in (an OpenID Connect issuer, GitHub), authorization code flow with PKCE. */
export interface IdentityProvider {
  /** Short key used in URLs: `/sign-in/{key}`, `/sign-in/{key}/callback`. */
  readonly key: string;
  /** Shown on the button: "Sign in with {label}". */
  readonly label: string;
  /** Where to send the browser, and what to remember until it comes back. */
  begin(redirectUri: string): Promise<{ url: URL; pending: PendingSignIn }>;
  /**
   * Exchanges the code the browser brought back (`callbackUrl` is the full URL it arrived at) for
   * the person's identity. Throws SignInRefused or SignInUnavailable.
   */
  complete(callbackUrl: URL, redirectUri: string, pending: PendingSignIn): Promise<Identity>;
}
