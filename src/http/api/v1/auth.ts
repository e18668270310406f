import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../domain/user.js';
import type { ApiTokenService } from '../../../services/api-token.service.js';
import { sendError } from '../../error-response.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the API's bearer-token check before the body is even read. */
    actor: Actor | null;
  }
}

/** The actor of an authenticated API request (the auth hook guarantees one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('API route reached without an authenticated actor');
  return request.actor;
}

/**
 * Requires `Authorization: Bearer <token>` on every route of the scope. Runs on request, before
 * the body is parsed, so an unauthenticated caller learns nothing from validation errors.
 */
export function requireBearerToken(app: FastifyInstance, tokens: ApiTokenService): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const actor = match?.[1] ? await tokens.authenticate(match[1]) : null;
    if (!actor) {
      reply.header('www-authenticate', 'Bearer realm="incident-response"');
      return sendError(reply, 401, {
        code: header ? 'auth.invalid_token' : 'auth.missing_token',
        message: header
          ? 'The bearer token is not valid (unknown or revoked).'
          : 'Send an API token as "Authorization: Bearer <token>" (create one with `npm run cli -- token create <name>`).',
      });
    }
    request.actor = actor;
  });
}
