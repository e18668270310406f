import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../domain/errors.js';
import { isVisibleTo, type Viewer } from '../../../domain/incident.js';
import type { Actor } from '../../../domain/user.js';
import type { ApiTokenService } from '../../../services/api-token.service.js';
import type { IncidentService } from '../../../services/incident.service.js';
import { sendError } from '../../error-response.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the API's bearer-token check before the body is even read. */
    actor: Actor | null;
    /** What the caller may see (its user's private incidents, or all for an admin token); set with `actor`. */
    viewer: Viewer | null;
  }
}

/** The actor of an authenticated API request (the auth hook guarantees one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('API route reached without an authenticated actor');
  return request.actor;
}

/** The viewer of an authenticated API request (the auth hook guarantees one). */
export function viewerOf(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new Error('API route reached without an authenticated viewer');
  return request.viewer;
}

/**
 * Requires `Authorization: Bearer <token>` on every route of the scope. Runs on request, before
 * the body is parsed, so an unauthenticated caller learns nothing from validation errors.
 */
export function requireBearerToken(app: FastifyInstance, tokens: ApiTokenService): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const caller = match?.[1] ? await tokens.authenticate(match[1]) : null;
    if (!caller) {
      reply.header('www-authenticate', 'Bearer realm="incident-response"');
      return sendError(reply, 401, {
        code: header ? 'auth.invalid_token' : 'auth.missing_token',
        message: header
          ? 'The bearer token is not valid (unknown or revoked).'
          : 'Send an API token as "Authorization: Bearer <token>" (create one with `npm run cli -- token create <name>`).',
      });
    }
    request.actor = caller.actor;
    request.viewer = caller.viewer;
  });
}

/**
 * Every route about one incident (`/incidents/:id…`, the only routes with an `id` parameter):
 * a private incident the caller may not see answers exactly as one that does not exist, so a
 * guessed reference tells nothing. Runs after validation, as the not-found of the route would.
 */
export function hideIncidentsOutOfSight(app: FastifyInstance, incidents: IncidentService): void {
  app.addHook('preHandler', async (request: FastifyRequest) => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') return;
    // Not found throws here, with the same error the route itself would give.
    const incident = await incidents.get(id);
    if (!isVisibleTo(incident, viewerOf(request))) {
      throw new DomainError('incident.not_found', `No incident "${id}".`);
    }
  });
}
