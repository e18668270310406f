import type { Context } from '@slack/bolt';
import type { Logger } from 'pino';
import { nameIncident } from '../observability/log-context.js';
import type { SlackContext } from './context.js';

/**
 * The logger of the HTTP request a listener is answering (bound to its `reqId`, handed over by the
 * receiver in Bolt's context), or the Slack module's in Socket Mode, where there is no request.
 */
export function requestLog(ctx: SlackContext, context: Context): Logger {
  const given = context.requestLog as Logger | undefined;
  return given ?? ctx.logger;
}

/** The request's logger naming the incident the listener is about; fastify's `request completed` line names it too. */
export function incidentLog(ctx: SlackContext, context: Context, reference: string): Logger {
  return nameIncident(requestLog(ctx, context), reference);
}
