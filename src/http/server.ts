import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { SeverityScale } from '../domain/severity.js';
import type { IncidentExportService } from '../services/incident-export.service.js';
import type { ActionService } from '../services/action.service.js';
import type { ApiTokenService } from '../services/api-token.service.js';
import type { IncidentService } from '../services/incident.service.js';
import type { MetricsService } from '../services/metrics.service.js';
import type { TimelineService } from '../services/timeline.service.js';
import { actionRoutes } from './api/v1/actions.routes.js';
import { hideIncidentsOutOfSight, requireBearerToken } from './api/v1/auth.js';
import { exportRoutes } from './api/v1/export.routes.js';
import { incidentRoutes } from './api/v1/incidents.routes.js';
import { metricsRoutes } from './api/v1/metrics.routes.js';
import { timelineRoutes } from './api/v1/timeline.routes.js';
import { handleError, handleFrameworkError, sendError } from './error-response.js';
import { healthRoutes, type HealthDeps } from './health.routes.js';
import { instrumentRequests, prometheusRoutes, type PrometheusDeps } from './prometheus.routes.js';
import { registerRequestLogScope } from '../observability/log-context.js';
import { webPlugin, type WebDeps } from './web/web.plugin.js';

export interface ServerDeps {
  readonly logger: Logger;
  readonly severities: SeverityScale;
  readonly publicUrl: string;
  readonly incidents: IncidentService;
  readonly timeline: TimelineService;
  readonly actions: ActionService;
  readonly exports: IncidentExportService;
  readonly metrics: MetricsService;
  readonly tokens: ApiTokenService;
  /** What `/healthz` checks: the database, then the job queue. */
  readonly health: HealthDeps;
  /** The site (pages, sign-in, assets); absent in tools that only need the API. */
  readonly web?: WebDeps;
  /** Prometheus instruments and `/metrics`; absent in tools that build only the API. */
  readonly prometheus?: PrometheusDeps;
  /** Routes other modules add (Slack's /slack/events). */
  readonly routes?: readonly ((server: FastifyInstance) => void)[];
}

export const API_VERSION = '1.0.0';

/** Builds the HTTP server without listening (tests drive it with `inject()` or a real port). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Let in-flight requests finish on close, but refuse new ones and keep-alive reuse.
    return503OnClosing: true,
    // A malformed or over-long path is refused in the house error shape, like every other 4xx.
    frameworkErrors: handleFrameworkError,
    forceCloseConnections: 'idle',
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; presenters are typed by them, so no runtime check is needed.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, { code: 'route.not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` }),
  );
  // A callback hook, not an async one: it runs on every response, and an async hook costs a promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // Before any route is added, so every route inherits them.
  registerRequestLogScope(app);
  if (deps.prometheus) instrumentRequests(app, deps.prometheus.metrics);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'incident-response API',
        version: API_VERSION,
        description:
          'Declare and run incidents. Every route needs `Authorization: Bearer <token>` (create one with `npm run cli -- token create <name>`). Errors are `{ "error": { "code", "message" } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    hideUntagged: true,
  });

  await app.register(healthRoutes(deps.health));
  if (deps.prometheus) await app.register(prometheusRoutes(deps.prometheus));
  if (deps.web) await app.register(webPlugin(deps.web));
  for (const register of deps.routes ?? []) register(app);
  await app.register(
    async (v1) => {
      v1.get('/openapi.json', async () => app.swagger());
      await v1.register(async (secured) => {
        requireBearerToken(secured, deps.tokens);
        hideIncidentsOutOfSight(secured, deps.incidents);
        await secured.register(incidentRoutes(deps.incidents, deps.severities));
        await secured.register(timelineRoutes(deps.timeline));
        await secured.register(actionRoutes(deps.actions));
        await secured.register(exportRoutes(deps.exports, deps.severities));
        await secured.register(metricsRoutes(deps.metrics));
      });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
