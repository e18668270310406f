import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LiveUpdate, LiveUpdates } from '../../ports/live-updates.port.js';
import { requireSignIn } from './auth.routes.js';

/** Proxies and load balancers drop a connection that says nothing for a minute or so. */
const HEARTBEAT_MS = 25_000;

/**
 * Server-Sent Events telling open pages that an incident changed, from any surface: every change
 * (`/incidents/events`, for the list) or one incident's. Pages re-fetch themselves on `changed`.
 */
export function liveRoutes(live: LiveUpdates, isAdmin: (request: FastifyRequest) => boolean) {
  return async (app: FastifyInstance) => {
    const open = new Set<() => void>();
    // Streams never go idle, so the server's close would wait for them for ever: end them first.
    app.addHook('preClose', async () => {
      for (const end of [...open]) end();
    });

    const stream = (request: FastifyRequest, reply: FastifyReply, wanted: (update: LiveUpdate) => boolean): void => {
      // Written raw: fastify's serialisation (and any compression or buffering) would hold events back.
      reply.hijack();
      const res = reply.raw;
      // Headers set through fastify (the web scope's hooks) would be lost with the hijack.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write(': connected\n\n');
      const viewer = request.webUser?.id;
      const admin = isAdmin(request);
      // A private incident's changes reach only its people: not even its reference leaks.
      const audible = (update: LiveUpdate) => update.audience === null || admin || (viewer !== undefined && update.audience.includes(viewer));
      const unsubscribe = live.subscribe((update) => {
        if (audible(update) && wanted(update)) res.write(`event: changed\ndata: ${JSON.stringify({ reference: update.reference })}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      request.raw.on('close', end);
      res.on('close', end);
    };

    app.get('/incidents/events', { preHandler: requireSignIn }, (request, reply) => stream(request, reply, () => true));

    app.get<{ Params: { reference: string } }>('/incidents/:reference/events', { preHandler: requireSignIn }, (request, reply) => {
      const reference = request.params.reference.toUpperCase();
      stream(request, reply, (update) => update.reference.toUpperCase() === reference);
    });
  };
}
