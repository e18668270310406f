import { isDatabaseUnavailable } from '../../db/database-unavailable.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/user.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import type { SlackContext } from '../context.js';

/**
 * The message a person sees when their request fails: the reason for a refusal, a reference for a
 * bug. `recorded: false` when the request itself could not be written down (the Slack inbox), so a
 * bug is not described as harmless.
 */
export function failureText(ctx: SlackContext, error: unknown, where: string, { recorded = true } = {}): string | null {
  if (error instanceof DomainError) {
    if (error.code === 'request.duplicate') return null;
    return error.message;
  }
  if (isDatabaseUnavailable(error)) {
    // Slack does not retry a command or a button press: the person must hear that it did not count.
    ctx.logger.warn({ err: error, where }, 'slack request refused: the database is unavailable');
    return 'The incident database is not answering just now, so this was not recorded. Please try again in a minute.';
  }
  const reference = `${Date.now().toString(36)}`;
  ctx.logger.error({ err: error, where, reference }, 'slack request failed');
  return recorded
    ? `Something went wrong on our side (reference ${reference}). Nothing was lost: try again, or use the incident page.`
    : `Something went wrong on our side (reference ${reference}), so this was not recorded. Please try again, or use the incident page.`;
}

/**
 * For events nobody waits on (pins, reactions): a refusal or a bug is logged, never silently
 * dropped. A database outage is thrown on, so the receiver answers 503 and Slack retries the event.
 */
export function logDropped(ctx: SlackContext, error: unknown, where: string): void {
  if (isDatabaseUnavailable(error)) throw error;
  if (error instanceof DomainError) {
    if (error.code !== 'request.duplicate') ctx.logger.warn({ code: error.code, reason: error.message, where }, 'slack event refused');
    return;
  }
  failureText(ctx, error, where);
}

/** Slack's request id for an event, used to refuse its retries. */
export const eventKey = (eventId: string | undefined) => (eventId ? `slack:event:${eventId}` : undefined);

/**
 * The person behind a Slack user id, as an actor. Someone seen for the first time is stored at
 * once (by id) and their profile fetched in the background, so nobody waits on users.info.
 */
export async function slackActor(ctx: SlackContext, slackUserId: string, requestKey?: string): Promise<Actor> {
  const { user, known } = await ctx.users.fromSlack(slackUserId);
  if (!known) await enqueueSlackJob(ctx.store.jobs, 'slack.user.sync', { slackUserId }, { dedupeKey: `user:${slackUserId}` });
  return { user, source: 'slack', ...(requestKey ? { requestKey } : {}) };
}
