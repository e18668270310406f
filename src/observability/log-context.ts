import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * Log scopes: every line of a request or a job run carries its id (`reqId`, `jobId`) and, once the
 * code knows which incident it is about, `incident: 'INC-42'`. A scope is its logger plus a hidden
 * link back to the scope, so code holding any logger of it can name the incident for every line
 * written after, fastify's own `request completed` and the worker's outcome lines included.
 *
 * Passed explicitly rather than through AsyncLocalStorage: on Node 20 that turns on a hook for every
 * promise in the process, which cost about a fifth of the API's throughput here.
 */
interface Scope {
  current: Logger;
  incident: string | null;
  readonly onRename?: (log: Logger) => void;
}

const scopeKey = Symbol('log-scope');
type Scoped = Logger & { [scopeKey]?: Scope };

/** Makes `log` (already bound to the request's or job's id) a scope; `onRename` hears of the logger that names the incident. */
export function openLogScope(log: Logger, onRename?: (log: Logger) => void): Logger {
  // pino's children inherit own properties through the prototype chain, so they find the scope too.
  (log as Scoped)[scopeKey] = { current: log, incident: null, onRename };
  return log;
}

/**
 * Names the incident a request or job is about and returns the logger to use from now on. The first
 * name wins: a request about one incident may read others on the way. Outside a scope it is a child.
 */
export function nameIncident(log: Logger, reference: string): Logger {
  const scope = (log as Scoped)[scopeKey];
  if (!scope) return log.child({ incident: reference });
  if (scope.incident === null) {
    scope.incident = reference;
    scope.current = scope.current.child({ incident: reference });
    scope.onRename?.(scope.current);
  }
  return scope.current;
}

/** The scope's logger now (naming the incident once it is known); `log` itself outside a scope. */
export function currentLog(log: Logger): Logger {
  return (log as Scoped)[scopeKey]?.current ?? log;
}

const reference = /^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/;

/**
 * Opens a scope on each request's logger (which fastify binds to `reqId`). A route about one incident
 * names it from its `:reference` or `:id` parameter at once; a route addressed by id names it from
 * the incident it answers with. Either way the request's logger is replaced, so fastify's own
 * `request completed` line carries the reference.
 */
export function registerRequestLogScope(server: FastifyInstance): void {
  server.addHook('onRequest', (request, reply, done) => {
    openLogScope(request.log as Logger, (log) => {
      request.log = log;
      reply.log = log;
    });
    const params = request.params as Record<string, unknown> | undefined;
    const named = params?.reference ?? params?.id;
    if (typeof named === 'string' && reference.test(named)) nameIncident(request.log as Logger, named.toUpperCase());
    done();
  });
  server.addHook('preSerialization', (request, _reply, payload, done) => {
    const params = request.params as Record<string, unknown> | undefined;
    const answered = payload as { reference?: unknown } | null;
    if (typeof params?.id === 'string' && typeof answered?.reference === 'string' && reference.test(answered.reference)) {
      nameIncident(request.log as Logger, answered.reference);
    }
    done(null, payload);
  });
}
