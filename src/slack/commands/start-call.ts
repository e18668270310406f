import type { Actor } from '../../domain/user.js';
import { callNotConfiguredText, renderCallReply } from '../blocks/index.js';
import type { SlackContext } from '../context.js';

/**
 * `call` and "Start a call": starts the incident's call (or finds the one it has) and says what the
 * person should hear. A new call in a channel needs no answer: the channel's message has the link.
 */
export async function startCall(ctx: SlackContext, actor: Actor, incidentId: string): Promise<string | null> {
  if (!ctx.calls) return callNotConfiguredText;
  const call = await ctx.calls.start(actor, incidentId);
  if (!call.reused && call.incident.channel) return null;
  return renderCallReply(call.incident, call.link, call.reused);
}
