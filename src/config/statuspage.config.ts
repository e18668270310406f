import { z } from 'zod';

// ATLASSIAN_STATUSPAGE_*: their parsers and the settings they make. config.ts holds the schema.

/** Atlassian Statuspage, when ATLASSIAN_STATUSPAGE_API_KEY and ATLASSIAN_STATUSPAGE_PAGE_ID are set. */
export interface AtlassianStatusPageConfig {
  readonly apiKey: string;
  readonly pageId: string;
  readonly apiUrl: string;
  /** Our component name (one of STATUS_COMPONENTS) to the Statuspage component id; unmapped ones are not sent. */
  readonly components: ReadonlyMap<string, string>;
}

/** The parsed ATLASSIAN_STATUSPAGE_* variables, as config.ts's schema yields them. */
export interface AtlassianStatusPageVariables {
  readonly ATLASSIAN_STATUSPAGE_API_KEY?: string;
  readonly ATLASSIAN_STATUSPAGE_PAGE_ID?: string;
  readonly ATLASSIAN_STATUSPAGE_API_URL: string;
  readonly ATLASSIAN_STATUSPAGE_COMPONENTS?: ReadonlyMap<string, string>;
}

export const statusPageApiUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
export const statusPageId = z.string().trim().regex(/^[a-z0-9]{6,32}$/i, 'a Statuspage page id (letters and digits)');

/**
 * `Payments:8kbf7d35c070,Use an LPA:vtnh60py4yd7`: our component name, then the Statuspage
 * component id after the last colon. Configured rather than looked up by name, so a renamed
 * component at Atlassian cannot silently stop being updated, and no request is spent on the lookup.
 */
export const statusPageComponentList = z.string().transform((value, ctx): ReadonlyMap<string, string> => {
  const map = new Map<string, string>();
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = item.lastIndexOf(':');
    const name = colon < 0 ? '' : item.slice(0, colon).trim();
    const id = colon < 0 ? '' : item.slice(colon + 1).trim();
    if (!name || !/^[a-z0-9]{6,32}$/i.test(id)) {
      ctx.addIssue({ code: 'custom', message: `"${item}" needs our component name, a colon, then the Statuspage component id` });
      return z.NEVER;
    }
    if (map.has(name)) {
      ctx.addIssue({ code: 'custom', message: `the component ${name} appears twice` });
      return z.NEVER;
    }
    map.set(name, id);
  }
  return map;
});

/** The Statuspage settings, or null when it is not configured (one variable alone is a problem). */
export function atlassianStatusPageConfig(
  c: AtlassianStatusPageVariables,
  statusComponents: readonly string[],
  problems: string[],
): AtlassianStatusPageConfig | null {
  const { ATLASSIAN_STATUSPAGE_API_KEY: apiKey, ATLASSIAN_STATUSPAGE_PAGE_ID: pageId } = c;
  if (!apiKey || !pageId) {
    if (apiKey) problems.push('ATLASSIAN_STATUSPAGE_API_KEY: set ATLASSIAN_STATUSPAGE_PAGE_ID too');
    if (pageId) problems.push('ATLASSIAN_STATUSPAGE_PAGE_ID: set ATLASSIAN_STATUSPAGE_API_KEY too');
    if (c.ATLASSIAN_STATUSPAGE_COMPONENTS) problems.push('ATLASSIAN_STATUSPAGE_COMPONENTS: set ATLASSIAN_STATUSPAGE_API_KEY and ATLASSIAN_STATUSPAGE_PAGE_ID too');
    return null;
  }
  const components = c.ATLASSIAN_STATUSPAGE_COMPONENTS ?? new Map<string, string>();
  for (const name of components.keys()) {
    if (!statusComponents.includes(name)) problems.push(`ATLASSIAN_STATUSPAGE_COMPONENTS: ${name} is not one of STATUS_COMPONENTS`);
  }
  return Object.freeze({ apiKey, pageId, apiUrl: c.ATLASSIAN_STATUSPAGE_API_URL, components });
}
