import type { FastifyInstance } from 'fastify';
import { sendError } from './error-response.js';

const PING_TIMEOUT_MS = 2000;

/** `/healthz`: 200 only when the database answers, for load balancers and orchestrators. */
export function healthRoutes(ping: () => Promise<void>) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', async (request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
          }),
        ]);
        return reply.send({ status: 'ok', database: 'ok' });
      } catch (error) {
        request.log.warn({ err: error }, 'health check: database unavailable');
        return sendError(reply, 503, { code: 'health.database_unavailable', message: 'The database does not answer.' });
      } finally {
        clearTimeout(timer);
      }
    });
  };
}
