import { pino, type Logger } from 'pino';

/** Paths that may carry secrets; pino replaces their values before anything is written. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'req.headers["x-pagerduty-signature"]',
  'headers.authorization',
  'authorization',
  'token',
  'secret',
  'password',
  '*.token',
  '*.secret',
  '*.password',
  // Confluence credentials (Cloud API token, Data Center personal access token).
  'apiToken',
  '*.apiToken',
  // PagerDuty integration keys (configured or managed on the site's admin page) page whoever holds one.
  'routingKey',
  'routing_key',
  '*.routingKey',
  '*.routing_key',
];

/** The one root logger; requests and jobs take children of it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
