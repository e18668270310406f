import { z } from 'zod';

/*
 * The least of a request's shape that Bolt and the listeners rely on. Bolt classifies the body by
 * its fields, then dereferences `event.item.channel`, `event.user.id`, `user.id`,
 * `view.app_installed_team_id`, `authorizations[0].team_id`, `response_urls[0]` and destructures `actions` without
 * looking; listeners read `action.value`, `trigger_id` and a command's fields through Bolt's types.
 * Slack always sends these, as text; a signed body without them (a bug, a replay tool, a fuzzer)
 * made Bolt throw a TypeError or a listener query with an array, so it is refused at the door.
 */

const record = z.record(z.string(), z.unknown());
const absentOrRecord = z.union([z.null(), record]).optional();

const eventEnvelope = z.looseObject({
  event: z.looseObject({
    type: z.string(),
    item: record.optional(),
    subteam: record.optional(),
    channel: z.union([z.string(), record]).optional(),
    user: z.union([z.string(), record]).optional(),
  }),
  authorizations: z.array(record).optional(),
  // Retries are refused by it (listeners read it to key the change).
  event_id: z.string().optional(),
});

// The fields listeners read through Bolt's types (action.value, trigger_id…): Slack sends text.
const text = z.string().optional();

const interactive = z.looseObject({
  user: z.looseObject({ id: z.string() }),
  team: absentOrRecord,
  enterprise: absentOrRecord,
  channel: record.optional(),
  trigger_id: text,
  response_url: text,
  response_urls: z.array(record).optional(),
});

const action = z.looseObject({ action_id: z.string(), block_id: text, value: text, action_ts: text });
const withActions = interactive.extend({ actions: z.array(action).min(1).optional() });
// A button or shortcut may open a modal, which takes the trigger; Slack always sends one with them.
const withTrigger = { trigger_id: z.string() };

const command = z.looseObject({
  command: z.string(),
  text,
  channel_id: text,
  user_id: text,
  trigger_id: text,
  response_url: text,
});
const withView = interactive.extend({ view: record });

/** Whether Bolt can route `body` (already known to be an object) without tripping over its shape. */
export function isRoutableSlackBody(body: Record<string, unknown>): boolean {
  if (body.event !== undefined) return eventEnvelope.safeParse(body).success;
  if (body.command !== undefined) return command.safeParse(body).success;
  if (body.name !== undefined || body.type === 'block_suggestion') return interactive.safeParse(body).success;
  if (body.actions !== undefined || body.type === 'dialog_submission') {
    return (body.type === 'block_actions' ? withActions.extend(withTrigger) : withActions).safeParse(body).success;
  }
  if (body.type === 'shortcut' || body.type === 'message_action') return interactive.extend(withTrigger).safeParse(body).success;
  if (body.type === 'view_submission' || body.type === 'view_closed') return withView.safeParse(body).success;
  return true;
}
