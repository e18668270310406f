import { z } from 'zod';
import type { ConfluenceConfig } from '../../config/confluence.config.js';
import {
  RcaPublisherRefused,
  RcaPublisherUnavailable,
  type PublishedRcaPage,
  type RcaDocumentToPublish,
  type RcaPublisher,
} from '../../ports/rca-publisher.port.js';

const TIMEOUT_MS = 15_000;
/** A 409 means someone saved the page between our read and our write: read again, a few times. */
const CONFLICT_ATTEMPTS = 3;

// REST API v1 (Cloud and Data Center): content objects carry their version and their links.
const content = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    title: z.string().optional(),
    version: z.object({ number: z.number().int() }).loose().optional(),
    _links: z.object({ webui: z.string().optional(), base: z.string().optional(), tinyui: z.string().optional() }).loose().optional(),
  })
  .loose();
type Content = z.infer<typeof content>;
const searchResults = z.object({ results: z.array(content), _links: z.object({ base: z.string().optional() }).loose().optional() }).loose();
const errorBody = z.object({ message: z.string().optional() }).loose();

function retryAfterMs(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

class Conflict extends Error {}
class NotFound extends Error {}

/**
 * The RcaPublisher port over Confluence's REST API v1: pages are created in the configured space
 * (under the parent page when set) and updated in place with the next version number. Before
 * creating, the space is searched for a page with the same title, so a job retried after a crash
 * between "created" and "stored the id" finds its page instead of making a second one (Confluence
 * refuses a duplicate title in a space anyway).
 */
export function createConfluenceRcaPublisher(config: ConfluenceConfig): RcaPublisher {
  const api = `${config.url}/rest/api/content`;
  const authorization =
    config.auth.kind === 'basic'
      ? `Basic ${Buffer.from(`${config.auth.email}:${config.auth.apiToken}`).toString('base64')}`
      : `Bearer ${config.auth.token}`;

  async function call(method: 'GET' | 'POST' | 'PUT', url: string, what: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new RcaPublisherUnavailable(`Confluence unreachable (${what}): ${error instanceof Error ? error.message : String(error)}`);
    }
    const answer: unknown = await response.json().catch(() => null);
    if (response.status === 429 || response.status >= 500) {
      throw new RcaPublisherUnavailable(`Confluence ${what}: HTTP ${response.status}`, retryAfterMs(response));
    }
    if (response.status === 409) throw new Conflict(what);
    if (response.status === 404) throw new NotFound(what);
    if (!response.ok) {
      const parsed = errorBody.safeParse(answer);
      const why = parsed.success && parsed.data.message ? ` (${parsed.data.message})` : '';
      throw new RcaPublisherRefused(`Confluence refused the ${what}: HTTP ${response.status}${why}`);
    }
    return answer;
  }

  function pageOf(answer: unknown, what: string, base?: string): PublishedRcaPage {
    const parsed = content.safeParse(answer);
    if (!parsed.success || !parsed.data.version) throw new RcaPublisherUnavailable(`Confluence ${what}: unexpected answer`);
    return { id: parsed.data.id, version: parsed.data.version.number, url: urlOf(parsed.data, base) };
  }

  function urlOf(page: Content, base?: string): string {
    const webui = page._links?.webui;
    if (!webui) return `${config.url}/pages/viewpage.action?pageId=${encodeURIComponent(page.id)}`;
    return /^https?:\/\//.test(webui) ? webui : `${page._links?.base ?? base ?? config.url}${webui}`;
  }

  const storage = (document: RcaDocumentToPublish) => ({ storage: { value: document.body, representation: 'storage' } });
  const ancestors = config.parentPageId ? [{ id: config.parentPageId }] : undefined;

  /** The page's current version, or null when it is gone (deleted in Confluence). */
  async function currentVersion(id: string): Promise<number | null> {
    try {
      return pageOf(await call('GET', `${api}/${encodeURIComponent(id)}?expand=version`, 'page read'), 'page read').version;
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  /** Updates the page to the next version, reading again after a conflict; null when the page is gone. */
  async function update(id: string, document: RcaDocumentToPublish): Promise<PublishedRcaPage | null> {
    for (let attempt = 1; ; attempt++) {
      const version = await currentVersion(id);
      if (version === null) return null;
      try {
        const answer = await call('PUT', `${api}/${encodeURIComponent(id)}`, 'page update', {
          id,
          type: 'page',
          title: document.title,
          space: { key: config.spaceKey },
          version: { number: version + 1, message: 'Published again from the incident response site' },
          body: storage(document),
        });
        return pageOf(answer, 'page update');
      } catch (error) {
        if (error instanceof NotFound) return null;
        if (!(error instanceof Conflict)) throw error;
        if (attempt >= CONFLICT_ATTEMPTS) throw new RcaPublisherUnavailable('Confluence page update: the page kept changing under us (HTTP 409)');
      }
    }
  }

  async function findByTitle(title: string): Promise<string | null> {
    const query = new URLSearchParams({ spaceKey: config.spaceKey, title, type: 'page' });
    const answer = await call('GET', `${api}?${query.toString()}`, 'page search');
    const parsed = searchResults.safeParse(answer);
    if (!parsed.success) throw new RcaPublisherUnavailable('Confluence page search: unexpected answer');
    return parsed.data.results.find((p) => p.title === undefined || p.title === title)?.id ?? null;
  }

  async function create(document: RcaDocumentToPublish): Promise<PublishedRcaPage> {
    try {
      const answer = await call('POST', api, 'new page', {
        type: 'page',
        title: document.title,
        space: { key: config.spaceKey },
        ...(ancestors ? { ancestors } : {}),
        body: storage(document),
      });
      return pageOf(answer, 'new page');
    } catch (error) {
      if (error instanceof NotFound) throw new RcaPublisherRefused('Confluence refused the new page: the space or parent page was not found (HTTP 404)');
      if (error instanceof Conflict) throw new RcaPublisherUnavailable('Confluence new page: conflict (HTTP 409)');
      throw error;
    }
  }

  return {
    name: 'Confluence',
    async publish(document, existingId) {
      try {
        if (existingId) {
          const updated = await update(existingId, document);
          if (updated) return updated;
        }
        const found = await findByTitle(document.title);
        if (found) {
          const updated = await update(found, document);
          if (updated) return updated;
        }
        return await create(document);
      } catch (error) {
        if (error instanceof NotFound) throw new RcaPublisherRefused(`Confluence: not found (${error.message}); check CONFLUENCE_URL and CONFLUENCE_SPACE_KEY`);
        if (error instanceof Conflict) throw new RcaPublisherUnavailable(`Confluence ${error.message}: conflict (HTTP 409)`);
        throw error;
      }
    },
  };
}
