import { z } from 'zod';
import { callTemplateProblem } from '../domain/call.js';

// CALL_URL_TEMPLATE and HELP_CHANNELS: their parsers. config.ts holds the schema.

/** A channel to ask for outside help in, as configured. */
export interface HelpChannel {
  /** A channel name (without `#`) or a channel id (`C…`). */
  readonly channel: string;
  /** What to ask there; null when none was given. */
  readonly description: string | null;
}

export const HELP_DESCRIPTION_MAX = 80;

/** `https://meet.jit.si/acme-{reference}` or a fixed link; refused at start unless it makes http(s) links. */
export const callUrlTemplate = z.string().transform((value, ctx): string => {
  const template = value.trim();
  const problem = callTemplateProblem(template);
  if (problem === null) return template;
  ctx.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
});

/** `#ask-platform:Platform and hosting,#ask-security:Security` (the description is optional). */
export const helpChannelList = z.string().transform((value, ctx): readonly HelpChannel[] => {
  const channels: HelpChannel[] = [];
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = item.indexOf(':');
    const name = (colon < 0 ? item : item.slice(0, colon)).trim().replace(/^#/, '');
    const description = colon < 0 ? '' : item.slice(colon + 1).trim();
    if (!/^[\w-]{1,80}$/.test(name)) {
      ctx.addIssue({ code: 'custom', message: `"${item}" needs a channel name or id first, like "#ask-platform:Platform and hosting"` });
      return z.NEVER;
    }
    if (description.length > HELP_DESCRIPTION_MAX) {
      ctx.addIssue({ code: 'custom', message: `the description of #${name} is longer than ${HELP_DESCRIPTION_MAX} characters` });
      return z.NEVER;
    }
    channels.push(Object.freeze({ channel: name, description: description || null }));
  }
  return Object.freeze(channels);
});
