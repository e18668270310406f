import type { Button, ContextBlock, HeaderBlock, PlainTextElement, SectionBlock } from '@slack/types';
import { limits, truncateMrkdwn, truncatePlain } from './limits.js';

/** Small builders that apply Block Kit's limits, so no renderer can produce a rejected payload. */

/** A plain-text object, cut to `max` with an ellipsis. */
export function plainText(text: string, max: number = limits.sectionText): PlainTextElement {
  return { type: 'plain_text', text: truncatePlain(text, max), emoji: true };
}

/** A header block (at most 150 characters). */
export function header(text: string): HeaderBlock {
  return { type: 'header', text: plainText(text, limits.header) };
}

/** A mrkdwn section; long text is cut with a pointer to the incident page. */
export function section(mrkdwn: string, moreUrl?: string | null): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, limits.sectionText, moreUrl) } };
}

/** A section of two-column fields (at most 10, each cut to 2000 characters). */
export function fields(items: readonly string[], moreUrl?: string | null): SectionBlock {
  return {
    type: 'section',
    fields: items
      .slice(0, limits.sectionFields)
      .map((text) => ({ type: 'mrkdwn', text: truncateMrkdwn(text, limits.sectionField, moreUrl) })),
  };
}

/** A one-line context block in small grey text; long text is cut like a section's. */
export function context(mrkdwn: string, moreUrl?: string | null): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, limits.contextText, moreUrl) }] };
}

export interface ButtonSpec {
  readonly actionId: string;
  readonly text: string;
  readonly value: string;
  readonly style?: Button['style'];
}

/** A button; its text is cut to 75 characters. */
export function button(spec: ButtonSpec): Button {
  const built: Button = {
    type: 'button',
    action_id: spec.actionId,
    text: plainText(spec.text, limits.buttonText),
    // Values are ids we make; never cut one, because a cut id is a wrong id.
    value: spec.value,
  };
  if (spec.style) built.style = spec.style;
  return built;
}
