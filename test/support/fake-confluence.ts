import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isObject, readBody, send, type Json } from './fake-http.js';

/**
 * A fake Confluence REST API v1 on 127.0.0.1, speaking the wire format of Cloud and Data Center:
 * `POST /rest/api/content` (`{ type: 'page', title, space: { key }, ancestors: [{ id }], body:
 * { storage: { value, representation: 'storage' } } }`), `GET /rest/api/content/{id}?expand=version`,
 * `PUT /rest/api/content/{id}` (409 unless `version.number` is the current one + 1),
 * `GET /rest/api/content?spaceKey=&title=` (search). A duplicate title in a space is refused (400),
 * as Confluence does. Auth is checked: Basic email:token, or Bearer PAT (401 otherwise). It can be
 * told to fail the next requests with 500 or 429, and records every request.
 */

export interface FakeConfluencePage {
  readonly id: string;
  title: string;
  readonly spaceKey: string;
  readonly parentId: string | null;
  version: number;
  body: string;
}

export interface FakeConfluenceRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly body: unknown;
}

export interface FakeConfluence {
  /** The base URL (CONFLUENCE_URL), with a context path like Cloud's `/wiki`. */
  readonly url: string;
  readonly email: string;
  readonly apiToken: string;
  readonly spaces: readonly string[];
  readonly requests: readonly FakeConfluenceRequest[];
  readonly pages: ReadonlyMap<string, FakeConfluencePage>;
  /** The next `count` requests answer `status` (500, 429 with Retry-After: 1, ...). */
  failNext(count: number, status: number): void;
  /** Makes a page as if someone else created it (or as if an earlier run did and then crashed). */
  addPage(page: { title: string; spaceKey: string; body?: string; parentId?: string | null }): FakeConfluencePage;
  /** Bumps a page's version, as a person editing it in Confluence would. */
  editPage(id: string, body: string): void;
  /** Someone saves the page between the app's read and its next update (that PUT answers 409). */
  editBeforeNextUpdate(): void;
  close(): Promise<void>;
}

/** Starts the fake; `spaces` are the space keys that exist, `parents` the page ids that may be parents. */
export async function startFakeConfluence(options: { spaces?: string[]; parents?: string[]; token?: string } = {}): Promise<FakeConfluence> {
  const email = 'publisher@example.com';
  const apiToken = 'fake-confluence-api-token';
  const spaces = options.spaces ?? ['OPS'];
  const parents = new Set(options.parents ?? ['1000']);
  const requests: FakeConfluenceRequest[] = [];
  const pages = new Map<string, FakeConfluencePage>();
  let nextId = 2000;
  let failing = { count: 0, status: 500 };
  let editBeforeUpdate = false;
  const context = '/wiki';
  const basic = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  const bearer = options.token ? `Bearer ${options.token}` : null;
  let base = '';

  const present = (p: FakeConfluencePage) => ({
    id: p.id,
    type: 'page',
    status: 'current',
    title: p.title,
    space: { key: p.spaceKey },
    version: { number: p.version },
    ancestors: p.parentId ? [{ id: p.parentId }] : [],
    body: { storage: { value: p.body, representation: 'storage' } },
    _links: { webui: `/spaces/${p.spaceKey}/pages/${p.id}`, tinyui: `/x/${p.id}`, self: `${base}/rest/api/content/${p.id}`, base },
  });

  function addPage(input: { title: string; spaceKey: string; body?: string; parentId?: string | null }): FakeConfluencePage {
    const page: FakeConfluencePage = { id: String(nextId++), title: input.title, spaceKey: input.spaceKey, parentId: input.parentId ?? null, version: 1, body: input.body ?? '' };
    pages.set(page.id, page);
    return page;
  }

  const storageOf = (body: Json): string | null => {
    const storage = isObject(body.body) && isObject(body.body.storage) ? body.body.storage : null;
    return storage && storage.representation === 'storage' && typeof storage.value === 'string' ? storage.value : null;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const query = Object.fromEntries(url.searchParams.entries());
      const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? '', path: url.pathname, query, status, body });
        send(res, status, payload, headers);
      };
      const auth = req.headers.authorization;
      if (auth !== basic && (bearer === null || auth !== bearer)) {
        answer(401, { statusCode: 401, message: 'Unauthorized' });
        return;
      }
      if (failing.count > 0) {
        failing = { ...failing, count: failing.count - 1 };
        answer(failing.status, { statusCode: failing.status, message: 'Try again later' }, failing.status === 429 ? { 'retry-after': '1' } : {});
        return;
      }
      const path = url.pathname.startsWith(context) ? url.pathname.slice(context.length) : null;
      const match = path === null ? null : /^\/rest\/api\/content(?:\/(\d+))?$/.exec(path);
      if (!match) {
        answer(404, { statusCode: 404, message: 'No such route' });
        return;
      }
      const id = match[1];
      if (req.method === 'GET' && !id) {
        const found = [...pages.values()].filter((p) => p.spaceKey === query.spaceKey && (query.title === undefined || p.title === query.title));
        answer(200, { results: found.map(present), start: 0, limit: 25, size: found.length, _links: { base } });
        return;
      }
      if (req.method === 'GET' && id) {
        const page = pages.get(id);
        if (!page) answer(404, { statusCode: 404, message: 'No content found with id' });
        else answer(200, present(page));
        return;
      }
      if (!isObject(body) || body.type !== 'page' || typeof body.title !== 'string' || body.title === '' || storageOf(body) === null) {
        answer(400, { statusCode: 400, message: 'A page needs type, title and a storage body' });
        return;
      }
      const spaceKey = isObject(body.space) && typeof body.space.key === 'string' ? body.space.key : null;
      const title = body.title;
      const clash = (except: string | null) => [...pages.values()].some((p) => p.spaceKey === spaceKey && p.title === title && p.id !== except);
      if (req.method === 'POST' && !id) {
        if (!spaceKey || !spaces.includes(spaceKey)) {
          answer(404, { statusCode: 404, message: `No space with key : ${spaceKey}` });
          return;
        }
        const ancestors = Array.isArray(body.ancestors) ? body.ancestors : [];
        const parentId = isObject(ancestors[0]) ? String(ancestors[0].id) : null;
        if (parentId && !parents.has(parentId)) {
          answer(404, { statusCode: 404, message: 'Parent page not found' });
          return;
        }
        if (clash(null)) {
          answer(400, { statusCode: 400, message: 'A page with this title already exists' });
          return;
        }
        answer(200, present(addPage({ title, spaceKey, body: storageOf(body) ?? '', parentId })));
        return;
      }
      if (req.method === 'PUT' && id) {
        const page = pages.get(id);
        if (!page) {
          answer(404, { statusCode: 404, message: 'No content found with id' });
          return;
        }
        if (editBeforeUpdate) {
          editBeforeUpdate = false;
          page.version += 1;
        }
        const version = isObject(body.version) ? body.version.number : undefined;
        if (version !== page.version + 1) {
          answer(409, { statusCode: 409, message: `Version must be incremented on update. Current version is: ${page.version}` });
          return;
        }
        if (clash(id)) {
          answer(400, { statusCode: 400, message: 'A page with this title already exists' });
          return;
        }
        page.title = title;
        page.version = version;
        page.body = storageOf(body) ?? '';
        answer(200, present(page));
        return;
      }
      answer(405, { statusCode: 405, message: 'Method not allowed' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}${context}`;

  return {
    url: base,
    email,
    apiToken,
    spaces,
    requests,
    pages,
    failNext(count, status) {
      failing = { count, status };
    },
    addPage,
    editPage(id, body) {
      const page = pages.get(id);
      if (!page) throw new Error(`fake Confluence: no page ${id}`);
      page.version += 1;
      page.body = body;
    },
    editBeforeNextUpdate() {
      editBeforeUpdate = true;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
