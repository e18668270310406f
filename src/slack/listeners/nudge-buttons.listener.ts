import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { nudgeKinds } from '../../domain/nudges.js';
import { actionIds } from '../blocks/index.js';
import type { SlackContext } from '../context.js';
import { enqueueSlackJob } from '../jobs/catalogue.js';
import { failureText, slackActor } from './replies.js';

const snoozeValue = z.object({ incidentId: z.string(), kind: z.enum(nudgeKinds), forMs: z.number().int() });
const stopValue = z.object({ incidentId: z.string(), kind: z.enum(nudgeKinds) });

/** A button's value, parsed; an old or tampered one is refused with a plain reason. */
function readValue<T>(schema: z.ZodType<T>, raw: string | undefined): T {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? '');
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DomainError('request.invalid', 'That button is out of date.');
  return parsed.data;
}

/**
 * The reminders' buttons: "Snooze", "RCA is booked", "Keep channel". Each acks at once and calls
 * one service; the channel hears the confirmation from the change itself. A press is keyed by
 * its `action_ts`, so Slack delivering it twice snoozes once.
 */
export function registerNudgeButtons(app: App, ctx: SlackContext): void {
  function on(actionId: string, handle: (body: BlockAction, action: ButtonAction, requestKey: string) => Promise<void>): void {
    app.action<BlockAction<ButtonAction>>({ action_id: actionId }, async ({ ack, body, action }) => {
      await ack();
      try {
        await handle(body, action, `slack:action:${body.user.id}:${action.action_ts}`);
      } catch (error) {
        const message = failureText(ctx, error, actionId);
        if (message && body.response_url) {
          await enqueueSlackJob(ctx.store.jobs, 'slack.respond', { responseUrl: body.response_url, ephemeral: true, text: message }).catch(() => undefined);
        }
      }
    });
  }

  on(actionIds.snoozeNudge, async (body, action, requestKey) => {
    const value = readValue(snoozeValue, action.value);
    await ctx.nudges.snooze(await slackActor(ctx, body.user.id, requestKey), value.incidentId, value.kind, value.forMs);
  });

  on(actionIds.stopNudge, async (body, action, requestKey) => {
    const value = readValue(stopValue, action.value);
    await ctx.nudges.stop(await slackActor(ctx, body.user.id, requestKey), value.incidentId, value.kind);
  });
}
