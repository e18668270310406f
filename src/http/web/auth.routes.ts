import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { endSession, startSession } from './session.js';
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

/** Sign-in and sign-out. Without a provider, outside production: the development sign-in. */
export function authRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    app.get('/', async (request, reply) => reply.redirect(request.webUser ? '/incidents' : '/sign-in', 303));

    app.get<{ Querystring: { next?: string } }>('/sign-in', async (request, reply) =>
      ctx.render(request, reply, 'sign-in.njk', { next: safeNext(request.query.next) }),
    );

    app.post<{ Body: { name?: string; next?: string } }>('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
      if (!ctx.devSignIn) return reply.code(404).send();
      const next = safeNext(request.body.next);
      try {
        const user = await ctx.users.fromDevSignIn(request.body.name ?? '');
        startSession(reply, user.id, ctx.session);
        return reply.redirect(next, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        reply.code(400);
        return ctx.render(request, reply, 'sign-in.njk', { next, name: request.body.name, error: error.message });
      }
    });

    app.post('/sign-out', { preHandler: app.csrfProtection }, async (_request, reply) => {
      endSession(reply, ctx.session);
      return reply.redirect('/sign-in', 303);
    });
  };
}
