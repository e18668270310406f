import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { UserId } from '../../domain/ids.js';

export const SESSION_COOKIE = 'ir_session';
const MAX_AGE_S = 12 * 60 * 60;

const sessionSchema = z.object({ uid: z.string(), exp: z.number() });

export interface SessionOptions {
  /** Send the cookie over HTTPS only (when the site is served over HTTPS). */
  readonly secure: boolean;
  readonly now: () => Date;
}

/**
 * The signed-in person, kept in a signed, HTTP-only cookie: tampering breaks the signature, script
 * cannot read it, and it expires after a working day (long incidents: sign in again).
 */
export function readSession(request: FastifyRequest, options: SessionOptions): UserId | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.exp * 1000 < options.now().getTime()) return null;
    return parsed.data.uid as UserId;
  } catch {
    return null;
  }
}

export function startSession(reply: FastifyReply, userId: UserId, options: SessionOptions): void {
  const exp = Math.floor(options.now().getTime() / 1000) + MAX_AGE_S;
  const value = Buffer.from(JSON.stringify({ uid: userId, exp }), 'utf8').toString('base64url');
  reply.setCookie(SESSION_COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/', maxAge: MAX_AGE_S });
}

export function endSession(reply: FastifyReply, options: SessionOptions): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure });
}
