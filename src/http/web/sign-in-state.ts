import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PendingSignIn } from '../../ports/identity-provider.port.js';

const COOKIE = 'ir_sign_in';
const MAX_AGE_S = 10 * 60;

const schema = z.object({
  provider: z.string(),
  state: z.string(),
  codeVerifier: z.string(),
  nonce: z.string().nullable(),
  next: z.string(),
});

export type SignInState = PendingSignIn & { readonly provider: string; readonly next: string };

/**
 * What must come back from the provider (state, PKCE verifier, nonce), kept between leaving for
 * the provider and returning in a signed, HTTP-only cookie scoped to the sign-in paths. SameSite
 * lax: the return is a top-level navigation from the provider's site, which lax cookies survive.
 */
export function rememberSignIn(reply: FastifyReply, value: SignInState, secure: boolean): void {
  const encoded = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  reply.setCookie(COOKIE, encoded, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/sign-in', maxAge: MAX_AGE_S });
}

/** The sign-in this browser started, once: the cookie is cleared so a callback cannot be replayed. */
export function takeSignIn(request: FastifyRequest, reply: FastifyReply, secure: boolean): SignInState | null {
  const raw = request.cookies[COOKIE];
  if (!raw) return null;
  reply.clearCookie(COOKIE, { path: '/sign-in', httpOnly: true, sameSite: 'lax', secure });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
