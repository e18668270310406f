import { z } from 'zod';

// CONFLUENCE_*: their parsers and the settings they make. config.ts holds the schema.

/** How we sign in to Confluence: Cloud's email + API token, or a Data Center personal access token. */
export type ConfluenceAuth =
  | { readonly kind: 'basic'; readonly email: string; readonly apiToken: string }
  | { readonly kind: 'bearer'; readonly token: string };

/** Confluence, when CONFLUENCE_URL, CONFLUENCE_SPACE_KEY and credentials are set. */
export interface ConfluenceConfig {
  /** The base URL the REST API hangs off (Cloud: `https://acme.atlassian.net/wiki`), no trailing slash. */
  readonly url: string;
  readonly spaceKey: string;
  /** The page RCAs are created under; null: at the top of the space. */
  readonly parentPageId: string | null;
  readonly auth: ConfluenceAuth;
}

/** The parsed CONFLUENCE_* variables, as config.ts's schema yields them. */
export interface ConfluenceVariables {
  readonly CONFLUENCE_URL?: string;
  readonly CONFLUENCE_SPACE_KEY?: string;
  readonly CONFLUENCE_PARENT_PAGE_ID?: string;
  readonly CONFLUENCE_EMAIL?: string;
  readonly CONFLUENCE_API_TOKEN?: string;
  readonly CONFLUENCE_TOKEN?: string;
}

// HTTPS only, except a server on this machine (a local or test Confluence).
export const confluenceUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => u.startsWith('https:') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(`${u}/`), 'must be an https:// URL')
  .transform((u) => u.replace(/\/+$/, ''));
// Personal spaces' keys start with ~.
export const confluenceSpaceKey = z.string().trim().regex(/^~?[A-Za-z0-9_]{1,255}$/, 'a Confluence space key like OPS');
export const confluencePageId = z.string().trim().regex(/^\d{1,20}$/, 'a Confluence page id (digits)');
export const confluenceSecret = z.string().trim().min(8, 'a Confluence API token');

/**
 * The Confluence settings, or null when none of its variables is set. Any one set asks for all the
 * others (and for exactly one way to sign in), so a half-done set-up is named at start-up.
 */
export function confluenceConfig(c: ConfluenceVariables, problems: string[]): ConfluenceConfig | null {
  const { CONFLUENCE_URL: url, CONFLUENCE_SPACE_KEY: spaceKey, CONFLUENCE_EMAIL: email, CONFLUENCE_API_TOKEN: apiToken, CONFLUENCE_TOKEN: token } = c;
  const any = url || spaceKey || c.CONFLUENCE_PARENT_PAGE_ID || email || apiToken || token;
  if (!any) return null;
  const before = problems.length;
  if (!url) problems.push('CONFLUENCE_URL: required with the other CONFLUENCE_ variables');
  if (!spaceKey) problems.push('CONFLUENCE_SPACE_KEY: required with the other CONFLUENCE_ variables');
  if (token && (email || apiToken)) problems.push('CONFLUENCE_TOKEN: set either it (a personal access token) or CONFLUENCE_EMAIL with CONFLUENCE_API_TOKEN, not both');
  else if (!token) {
    if (!email) problems.push('CONFLUENCE_EMAIL: required with CONFLUENCE_API_TOKEN (or set CONFLUENCE_TOKEN, a personal access token, instead)');
    if (!apiToken) problems.push('CONFLUENCE_API_TOKEN: required with CONFLUENCE_EMAIL (or set CONFLUENCE_TOKEN, a personal access token, instead)');
  }
  if (problems.length > before || !url || !spaceKey) return null;
  const auth: ConfluenceAuth = token ? { kind: 'bearer', token } : { kind: 'basic', email: email!, apiToken: apiToken! };
  return Object.freeze({ url, spaceKey, parentPageId: c.CONFLUENCE_PARENT_PAGE_ID ?? null, auth: Object.freeze(auth) });
}
