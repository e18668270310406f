import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { connect } from './db/connect.js';
import { buildServer } from './http/server.js';
import { createLogger } from './logger.js';
import type { Clock, IdGenerator } from './ports/clock.port.js';
import type { Store } from './ports/store.port.js';
import { createStore } from './repositories/store.js';
import { createActionService } from './services/action.service.js';
import { createApiTokenService } from './services/api-token.service.js';
import type { ServiceDeps } from './services/context.js';
import { createIncidentService } from './services/incident.service.js';
import { createTimelineService } from './services/timeline.service.js';

/** Replaceable parts, for tests and tools: a manual clock, a quiet logger, an existing store. */
export interface AppOverrides {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly store?: Store;
}

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { newId: () => randomUUID() };

/** The composition root: the one place that builds adapters and wires them into services. */
export function buildServices(config: Config, overrides: AppOverrides = {}) {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const store = overrides.store ?? createStore(connect(config.database), clock);
  const deps: ServiceDeps = {
    store,
    clock,
    ids: overrides.ids ?? randomIds,
    severities: config.severities,
    referencePrefix: config.referencePrefix,
  };
  return {
    config,
    logger,
    store,
    incidents: createIncidentService(deps),
    timeline: createTimelineService(deps),
    actions: createActionService(deps),
    tokens: createApiTokenService(deps),
  };
}

export type Services = ReturnType<typeof buildServices>;

export interface App extends Services {
  readonly server: FastifyInstance;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

/** Builds everything the process runs; nothing listens until `server.listen`. */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const services = buildServices(config, overrides);
  const server = await buildServer({
    logger: services.logger,
    severities: config.severities,
    publicUrl: config.publicUrl,
    incidents: services.incidents,
    timeline: services.timeline,
    actions: services.actions,
    tokens: services.tokens,
    ping: () => services.store.ping(),
  });
  return {
    ...services,
    server,
    async close() {
      await server.close();
      await services.store.close();
    },
  };
}
