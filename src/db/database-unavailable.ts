/**
 * Errors that mean "the database cannot be reached just now" (a PostgreSQL restart or failover, a
 * dropped connection, SQLite's busy timeout) rather than "this request is wrong". They pass: the
 * same request a few seconds later succeeds. Callers that can be retried (Slack events, job
 * outcomes) wait them out; a person is told the database is unavailable, not that a bug happened.
 */

/** Node's socket errors when the server is not there or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), admin/crash shutdown and "the database
 * system is starting up / shutting down" (57P01-57P03), too many connections (53300).
 */
const POSTGRES_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;

/** node-postgres reports a lost or refused connection as a plain Error with one of these messages. */
const PG_CONNECTION_MESSAGES = /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection terminated due to connection timeout/;

/** True when `error` (or what caused it) says the database is unreachable for now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, errors, original } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; original?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code) || code === 'SQLITE_BUSY')) return true;
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
  // Node's happy-eyeballs connect throws an AggregateError of one failure per address.
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  // Bolt wraps what a listener threw as `original`.
  return isDatabaseUnavailable(cause, depth + 1) || isDatabaseUnavailable(original, depth + 1);
}
