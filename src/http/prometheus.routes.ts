import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppMetrics } from '../observability/metrics.js';
import { sendError } from './error-response.js';

export interface PrometheusDeps {
  readonly metrics: AppMetrics;
  /** When set, scrapes must send `Authorization: Bearer <token>`; unset, only loopback clients may scrape. */
  readonly token: string | null;
}

/** The peer of the TCP connection, not X-Forwarded-For: a proxy in front must not make everyone local. */
function isLoopback(request: FastifyRequest): boolean {
  const address = request.raw.socket.remoteAddress ?? '';
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Latency of every request by route pattern (`/api/v1/incidents/:id`, never the raw URL: bounded
 * label values), method and status class. Added on the root instance so every route is timed.
 */
export function instrumentRequests(server: FastifyInstance, metrics: AppMetrics): void {
  server.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** `GET /metrics`: the Prometheus text format, behind a bearer token or for loopback clients only. */
export function prometheusRoutes(deps: PrometheusDeps) {
  return async (app: FastifyInstance) => {
    app.get('/metrics', async (request, reply) => {
      if (deps.token !== null) {
        if (!tokenMatches(request.headers.authorization, deps.token)) {
          reply.header('www-authenticate', 'Bearer');
          return sendError(reply, 401, { code: 'metrics.unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' });
        }
      } else if (!isLoopback(request)) {
        return sendError(reply, 403, {
          code: 'metrics.forbidden',
          message: 'Metrics are served to this machine only; set METRICS_TOKEN to let a Prometheus elsewhere scrape them.',
        });
      }
      const body = await deps.metrics.scrape();
      return reply.type(deps.metrics.contentType).send(body);
    });
  };
}
