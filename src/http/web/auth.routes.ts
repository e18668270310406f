import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { SignInRefused, SignInUnavailable } from '../../ports/identity-provider.port.js';
import { endSession, startSession } from './session.js';
import { rememberSignIn, takeSignIn } from './sign-in-state.js';
import type { WebContext } from './web.plugin.js';

/** Only same-site paths: `next` must never send someone to another site after signing in. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : '/incidents';
}

/** Pages that need a signed-in person send everyone else to the sign-in page, and back after. */
export function requireSignIn(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.webUser) return done();
  void reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
}

/**
 * Sign-in and sign-out: with each configured provider (OpenID Connect, GitHub), or, with none and
 * outside production, the development sign-in.
 */
export function authRoutes(ctx: WebContext) {
  const providers = ctx.identityProviders;
  const signInPage = (request: FastifyRequest, reply: FastifyReply, data: { next: string; name?: string; error?: string; providerError?: string }) =>
    ctx.render(request, reply, 'sign-in.njk', { ...data, providers: providers.map((p) => ({ key: p.key, label: p.label })) });

  return async (app: FastifyInstance) => {
    app.get('/', async (request, reply) => reply.redirect(request.webUser ? '/incidents' : '/sign-in', 303));

    app.get<{ Querystring: { next?: string } }>('/sign-in', async (request, reply) => signInPage(request, reply, { next: safeNext(request.query.next) }));

    // Not even a route unless it is on: a forged post finds nothing (404) in production.
    if (ctx.devSignIn) app.post<{ Body: { name?: string; next?: string } }>('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
      const next = safeNext(request.body.next);
      try {
        const user = await ctx.users.fromDevSignIn(request.body.name ?? '');
        startSession(reply, user.id, ctx.session);
        return reply.redirect(next, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        reply.code(400);
        return signInPage(request, reply, { next, name: request.body.name, error: error.message });
      }
    });

    for (const provider of providers) {
      const redirectUri = `${ctx.publicUrl}/sign-in/${provider.key}/callback`;

      // Leaving for the provider: a plain link, so it works without JavaScript. A forged link only
      // starts a sign-in the forger cannot finish (the state lives in this browser's cookie).
      app.get<{ Querystring: { next?: string } }>(`/sign-in/${provider.key}`, async (request, reply) => {
        const next = safeNext(request.query.next);
        try {
          const { url, pending } = await provider.begin(redirectUri);
          rememberSignIn(reply, { ...pending, provider: provider.key, next }, ctx.session.secure);
          return reply.redirect(url.href, 303);
        } catch (error) {
          return failed(request, reply, error, next);
        }
      });

      app.get(`/sign-in/${provider.key}/callback`, async (request, reply) => {
        const started = takeSignIn(request, reply, ctx.session.secure);
        const query = new URL(request.url, 'http://callback').search;
        const callbackUrl = new URL(`${redirectUri}${query}`);
        if (!started || started.provider !== provider.key || (callbackUrl.searchParams.has('state') && callbackUrl.searchParams.get('state') !== started.state)) {
          reply.code(400);
          return signInPage(request, reply, {
            next: started?.next ?? '/incidents',
            providerError: 'That sign-in was not started in this browser, or took more than 10 minutes. Sign in again.',
          });
        }
        try {
          const identity = await provider.complete(callbackUrl, redirectUri, started);
          const user = await ctx.users.fromSignIn(identity);
          startSession(reply, user.id, ctx.session);
          request.log.info({ provider: provider.key, userId: user.id }, 'signed in');
          return reply.redirect(started.next, 303);
        } catch (error) {
          return failed(request, reply, error, started.next);
        }
      });
    }

    app.post('/sign-out', { preHandler: app.csrfProtection }, async (_request, reply) => {
      endSession(reply, ctx.session);
      return reply.redirect('/sign-in', 303);
    });

    /** A refused sign-in says why (403); a provider that is down says so (502); anything else is a fault. */
    function failed(request: FastifyRequest, reply: FastifyReply, error: unknown, next: string) {
      if (error instanceof SignInRefused) {
        request.log.warn({ err: error.cause ?? error }, 'sign-in refused');
        reply.code(403);
        return signInPage(request, reply, { next, providerError: error.message });
      }
      if (error instanceof SignInUnavailable) {
        request.log.error({ err: error }, 'sign-in provider unavailable');
        reply.code(502);
        return signInPage(request, reply, { next, providerError: `${error.message} Try again in a moment.` });
      }
      throw error;
    }
  };
}
