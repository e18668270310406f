import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isObject, readBody, send, waitForMatching } from './fake-http.js';
import { randomBytes } from 'node:crypto';

/**
 * A fake Atlassian Statuspage REST API v1 on 127.0.0.1, speaking the documented shapes:
 * `POST /v1/pages/{page_id}/incidents` and `PATCH /v1/pages/{page_id}/incidents/{incident_id}`
 * with `{ incident: { name, status, body, component_ids, components, deliver_notifications } }`,
 * answering the incident object (`id`, `shortlink`, `status`, `incident_updates`, `components`...).
 * `Authorization: OAuth <key>` is required (401 without). It records every request with the time
 * it arrived by `now` (pass the app's clock), and can answer 429 with Retry-After on demand.
 */

export interface FakeStatusIncident {
  readonly id: string;
  name: string;
  status: string;
  shortlink: string;
  /** Newest first, as the API lists them. */
  readonly updates: { readonly status: string; readonly body: string; readonly deliverNotifications: boolean }[];
  /** Component id to status, as last set. */
  readonly components: Record<string, string>;
}

export interface FakeStatusRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: Date;
  readonly body: unknown;
}

export interface FakeStatusPage {
  readonly url: string;
  readonly apiKey: string;
  readonly pageId: string;
  /** Every request, refused ones included, in arrival order. */
  readonly requests: readonly FakeStatusRequest[];
  readonly incidents: ReadonlyMap<string, FakeStatusIncident>;
  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** Resolves once `count` requests (any status) match. */
  waitForRequests(match: (r: FakeStatusRequest) => boolean, count?: number, timeoutMs?: number): Promise<FakeStatusRequest[]>;
  close(): Promise<void>;
}

const INCIDENT_STATUSES = new Set(['investigating', 'identified', 'monitoring', 'resolved']);
const COMPONENT_STATUSES = new Set(['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage']);

/** What Statuspage would refuse in this incident body; null when it is valid. */
function problemOf(body: unknown, creating: boolean): string | null {
  if (!isObject(body) || !isObject(body.incident)) return 'incident is missing';
  const i = body.incident;
  if (creating && (typeof i.name !== 'string' || i.name.length === 0)) return "name can't be blank";
  if (i.status !== undefined && (typeof i.status !== 'string' || !INCIDENT_STATUSES.has(i.status))) return 'status is invalid';
  if (i.body !== undefined && typeof i.body !== 'string') return 'body is invalid';
  if (i.deliver_notifications !== undefined && typeof i.deliver_notifications !== 'boolean') return 'deliver_notifications is invalid';
  if (i.component_ids !== undefined && (!Array.isArray(i.component_ids) || i.component_ids.some((c) => typeof c !== 'string'))) return 'component_ids is invalid';
  if (i.components !== undefined) {
    if (!isObject(i.components)) return 'components is invalid';
    for (const state of Object.values(i.components)) if (typeof state !== 'string' || !COMPONENT_STATUSES.has(state)) return 'component status is invalid';
  }
  return null;
}

/** Starts the fake on a free port of 127.0.0.1; request times are read from `now` (default: the real clock). */
export async function startFakeStatusPage(options: { now?: () => Date; apiKey?: string; pageId?: string } = {}): Promise<FakeStatusPage> {
  const now = options.now ?? (() => new Date());
  const apiKey = options.apiKey ?? 'fake-statuspage-key';
  const pageId = options.pageId ?? 'pg0fake0page';
  const requests: FakeStatusRequest[] = [];
  const incidents = new Map<string, FakeStatusIncident>();
  let limited = { count: 0, retryAfterSeconds: 1 };
  let waiters: (() => void)[] = [];

  const present = (i: FakeStatusIncident) => ({
    id: i.id,
    name: i.name,
    status: i.status,
    shortlink: i.shortlink,
    page_id: pageId,
    incident_updates: i.updates.map((u, n) => ({ id: `${i.id}u${n}`, status: u.status, body: u.body, deliver_notifications: u.deliverNotifications })),
    components: Object.entries(i.components).map(([id, status]) => ({ id, status, page_id: pageId })),
  });

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
      const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? '', path: url.pathname, status, at: now(), body });
        send(res, status, payload, headers);
        const toWake = waiters;
        waiters = [];
        for (const wake of toWake) wake();
      };
      if (req.headers.authorization !== `OAuth ${apiKey}`) {
        answer(401, { error: 'Could not authenticate' });
        return;
      }
      if (limited.count > 0) {
        limited = { ...limited, count: limited.count - 1 };
        answer(429, { error: 'Rate limit exceeded' }, { 'retry-after': String(limited.retryAfterSeconds) });
        return;
      }
      const match = /^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?$/.exec(url.pathname);
      if (!match || match[1] !== pageId) {
        answer(404, { error: 'Not found' });
        return;
      }
      const incidentId = match[2];
      const creating = req.method === 'POST' && !incidentId;
      if (!creating && !(req.method === 'PATCH' && incidentId)) {
        answer(405, { error: 'Method not allowed' });
        return;
      }
      const problem = problemOf(body, creating);
      if (problem || !isObject(body) || !isObject(body.incident)) {
        answer(422, { error: [problem ?? 'invalid'] });
        return;
      }
      const input = body.incident;
      let incident = incidentId ? incidents.get(incidentId) : undefined;
      if (!creating && !incident) {
        answer(404, { error: 'Not found' });
        return;
      }
      if (!incident) {
        const id = randomBytes(6).toString('hex');
        incident = { id, name: '', status: 'investigating', shortlink: `https://stspg.io/${id.slice(0, 5)}`, updates: [], components: {} };
        incidents.set(id, incident);
      }
      if (typeof input.name === 'string') incident.name = input.name;
      if (typeof input.status === 'string') incident.status = input.status;
      if (isObject(input.components)) Object.assign(incident.components, input.components);
      if (typeof input.body === 'string') {
        incident.updates.unshift({ status: incident.status, body: input.body, deliverNotifications: input.deliver_notifications === true });
      }
      answer(creating ? 201 : 200, present(incident));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    pageId,
    requests,
    incidents,
    rateLimitNext(count, retryAfterSeconds) {
      limited = { count, retryAfterSeconds };
    },
    async waitForRequests(match, count = 1, timeoutMs = 15_000) {
      return waitForMatching(() => requests, match, count, timeoutMs, waiters, 'fake Statuspage requests');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
