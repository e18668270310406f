/**
 * Conference call links from a configured URL template: Jitsi (`https://meet.jit.si/acme-{reference}`)
 * makes one room per incident, a fixed Zoom, Meet or Teams link works as a standing bridge.
 */

/** The placeholders a template may use; anything else in braces is a typo, refused at start. */
export const callTemplatePlaceholders = ['reference', 'channel'] as const;
export type CallTemplatePlaceholder = (typeof callTemplatePlaceholders)[number];

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Why a template cannot make links (an unknown placeholder, not an http(s) address), or null when
 * it can. Checked with sample values, so `https://{reference}.example` is judged as a real link.
 */
export function callTemplateProblem(template: string): string | null {
  for (const [, name = ''] of template.matchAll(PLACEHOLDER)) {
    if (!(callTemplatePlaceholders as readonly string[]).includes(name)) {
      return `unknown placeholder {${name}}: use {reference} or {channel}`;
    }
  }
  let url: URL;
  try {
    url = new URL(fillTemplate(template, { reference: 'INC-1', channel: 'inc-1' }));
  } catch {
    return 'must be a web address like https://meet.jit.si/{reference}';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must start with https:// or http://';
  return null;
}

export interface CallLinkInput {
  /** The incident's reference, e.g. `INC-42`. */
  readonly reference: string;
  /** The incident channel's name; the reference in lower case while it has none. */
  readonly channel: string | null;
}

/** The call link for one incident: placeholders filled, each value URL-encoded. */
export function buildCallLink(template: string, input: CallLinkInput): string {
  return fillTemplate(template, { reference: input.reference, channel: input.channel ?? input.reference.toLowerCase() });
}

function fillTemplate(template: string, values: Readonly<Record<CallTemplatePlaceholder, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'reference' || name === 'channel' ? encodeURIComponent(values[name]) : whole,
  );
}
