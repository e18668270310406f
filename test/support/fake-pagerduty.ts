import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isObject, readBody, send, waitForMatching } from './fake-http.js';
import { createHmac, randomUUID } from 'node:crypto';

/**
 * A fake PagerDuty on 127.0.0.1, speaking the documented wire formats: the Events API v2
 * (`POST /v2/enqueue`: 202 `{status:"success", message, dedup_key}`, 400 `{status:"invalid event",
 * message, errors}`) and the REST API v2 on-calls list (`GET /oncalls`, `Authorization: Token
 * token=…`) and users (`GET /users/{id}`). It records every event and can fail or go down.
 * {@link sendPagerDutyWebhook} plays PagerDuty's V3 webhooks the other way.
 */

export interface FakePagerEvent {
  readonly routingKey: string;
  readonly action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedupKey: string;
  readonly summary: string | null;
  readonly severity: string | null;
  readonly source: string | null;
  readonly customDetails: Record<string, unknown> | null;
  readonly body: Record<string, unknown>;
}

export interface FakeOnCall {
  readonly escalationPolicyId: string;
  readonly level: number;
  readonly userId: string;
  readonly name: string;
}

/** A PagerDuty user, as `GET /users/{id}` shows them (email null: none on the record). */
export interface FakePagerUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
}

export interface FakePagerDuty {
  readonly url: string;
  /** Accepted events, in order. */
  readonly events: readonly FakePagerEvent[];
  /** Every request to /v2/enqueue, refused ones included (status and body). */
  readonly enqueueAttempts: readonly { readonly status: number; readonly body: unknown }[];
  /** Alerts by dedup key: open until resolved. */
  readonly alerts: ReadonlyMap<string, { readonly status: 'triggered' | 'resolved'; readonly routingKey: string }>;
  readonly apiToken: string;
  setOnCall(oncalls: readonly FakeOnCall[]): void;
  addUser(user: FakePagerUser): void;
  /** Requests to `GET /users/{id}`, by user id, in order. */
  readonly userLookups: readonly string[];
  /** The next `count` requests (any endpoint) answer `status` (500 by default). */
  failNext(count: number, status?: number): void;
  /** Every request answers 500 until `up()`. */
  down(): void;
  up(): void;
  /** Resolves once `count` accepted events match. */
  waitForEvents(match: (e: FakePagerEvent) => boolean, count?: number, timeoutMs?: number): Promise<FakePagerEvent[]>;
  close(): Promise<void>;
}

const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);


/** The problems PagerDuty would list for this event body; empty when it is valid. */
function problemsOf(body: unknown): string[] {
  if (!isObject(body)) return ['Event object is invalid'];
  const problems: string[] = [];
  if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32) problems.push("'routing_key' must be 32 characters");
  if (typeof body.event_action !== 'string' || !ACTIONS.has(body.event_action)) problems.push("'event_action' is invalid");
  const dedup = body.dedup_key;
  if (dedup !== undefined && (typeof dedup !== 'string' || dedup.length === 0 || dedup.length > 255)) problems.push("'dedup_key' is invalid");
  if (body.event_action !== 'trigger' && typeof dedup !== 'string') problems.push("'dedup_key' is missing");
  if (body.event_action === 'trigger') {
    const payload = body.payload;
    if (!isObject(payload)) problems.push("'payload' is missing");
    else {
      if (typeof payload.summary !== 'string' || payload.summary.length === 0 || payload.summary.length > 1024) problems.push("'payload.summary' is invalid");
      if (typeof payload.source !== 'string' || payload.source.length === 0) problems.push("'payload.source' is missing");
      if (typeof payload.severity !== 'string' || !SEVERITIES.has(payload.severity)) problems.push("'payload.severity' is invalid");
    }
  }
  return problems;
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakePagerDuty(options: { apiToken?: string } = {}): Promise<FakePagerDuty> {
  const apiToken = options.apiToken ?? 'fake-pagerduty-token';
  const events: FakePagerEvent[] = [];
  const attempts: { status: number; body: unknown }[] = [];
  const alerts = new Map<string, { status: 'triggered' | 'resolved'; routingKey: string }>();
  let oncalls: readonly FakeOnCall[] = [];
  const users = new Map<string, FakePagerUser>();
  const userLookups: string[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let isDown = false;
  let waiters: (() => void)[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isEnqueue = req.method === 'POST' && url.pathname === '/v2/enqueue';
      if (isDown || failures.count > 0) {
        if (failures.count > 0) failures = { ...failures, count: failures.count - 1 };
        const status = isDown ? 500 : failures.status;
        if (isEnqueue) attempts.push({ status, body: raw });
        send(res, status, { status: 'error', message: 'Internal Server Error' });
        return;
      }
      if (isEnqueue) {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const problems = problemsOf(body);
        if (problems.length > 0 || !isObject(body)) {
          attempts.push({ status: 400, body });
          send(res, 400, { status: 'invalid event', message: 'Event object is invalid', errors: problems });
          return;
        }
        const action = body.event_action as FakePagerEvent['action'];
        const dedupKey = typeof body.dedup_key === 'string' ? body.dedup_key : randomUUID().replace(/-/g, '');
        const payload = isObject(body.payload) ? body.payload : null;
        const routingKey = body.routing_key as string;
        events.push({
          routingKey,
          action,
          dedupKey,
          summary: typeof payload?.summary === 'string' ? payload.summary : null,
          severity: typeof payload?.severity === 'string' ? payload.severity : null,
          source: typeof payload?.source === 'string' ? payload.source : null,
          customDetails: isObject(payload?.custom_details) ? payload.custom_details : null,
          body,
        });
        // PagerDuty keeps one alert per dedup key: a trigger on an open one is a repeat.
        if (action === 'trigger' && alerts.get(dedupKey)?.status !== 'triggered') alerts.set(dedupKey, { status: 'triggered', routingKey });
        if (action === 'resolve' && alerts.has(dedupKey)) alerts.set(dedupKey, { status: 'resolved', routingKey });
        attempts.push({ status: 202, body });
        send(res, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
        const toWake = waiters;
        waiters = [];
        for (const wake of toWake) wake();
        return;
      }
      if (req.method === 'GET' && url.pathname === '/oncalls') {
        if (req.headers.authorization !== `Token token=${apiToken}`) {
          send(res, 401, { error: { message: 'Unauthenticated', code: 2006 } });
          return;
        }
        const policies = url.searchParams.getAll('escalation_policy_ids[]');
        const shown = oncalls.filter((o) => policies.length === 0 || policies.includes(o.escalationPolicyId));
        send(res, 200, {
          oncalls: shown.map((o) => ({
            escalation_policy: { id: o.escalationPolicyId, type: 'escalation_policy_reference', summary: 'Escalation policy' },
            escalation_level: o.level,
            schedule: null,
            user: { id: o.userId, type: 'user_reference', summary: o.name, self: `https://api.pagerduty.com/users/${o.userId}`, html_url: null },
            start: null,
            end: null,
          })),
          limit: 25,
          offset: 0,
          more: false,
          total: null,
        });
        return;
      }
      const userPath = /^\/users\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && userPath) {
        if (req.headers.authorization !== `Token token=${apiToken}`) {
          send(res, 401, { error: { message: 'Unauthenticated', code: 2006 } });
          return;
        }
        const id = decodeURIComponent(userPath[1]!);
        userLookups.push(id);
        const user = users.get(id);
        if (!user) {
          send(res, 404, { error: { message: 'Not Found', code: 2100 } });
          return;
        }
        send(res, 200, {
          user: { id: user.id, type: 'user', summary: user.name, name: user.name, email: user.email, time_zone: 'Europe/London', role: 'user', self: `https://api.pagerduty.com/users/${user.id}`, html_url: null },
        });
        return;
      }
      send(res, 404, { error: { message: 'Not Found', code: 2100 } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    events,
    enqueueAttempts: attempts,
    alerts,
    apiToken,
    setOnCall(list) {
      oncalls = list;
    },
    addUser(user) {
      users.set(user.id, user);
    },
    userLookups,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    async waitForEvents(match, count = 1, timeoutMs = 15_000) {
      return waitForMatching(() => events, match, count, timeoutMs, waiters, 'fake PagerDuty events');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `X-PagerDuty-Signature` for `body`: one `v1=` signature per secret (several while one is rotated). */
export function signPagerDutyWebhook(body: string, secrets: readonly string[]): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

export interface AcknowledgedWebhookInput {
  /** The webhook event id (a redelivery repeats it). */
  readonly id: string;
  /** The page's dedup key, shown as the PagerDuty incident's `incident_key`. */
  readonly incidentKey: string;
  readonly agent: { readonly id: string; readonly name: string };
}

/** A V3 `incident.acknowledged` webhook body as PagerDuty sends it. */
export function buildAcknowledgedWebhook(input: AcknowledgedWebhookInput): Record<string, unknown> {
  const agent = { id: input.agent.id, type: 'user_reference', summary: input.agent.name, self: `https://api.pagerduty.com/users/${input.agent.id}`, html_url: `https://acme.pagerduty.com/users/${input.agent.id}` };
  return {
    event: {
      id: input.id,
      event_type: 'incident.acknowledged',
      resource_type: 'incident',
      occurred_at: '2024-05-01T02:15:00.000Z',
      agent,
      client: null,
      data: {
        id: 'Q0INCIDENT1',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/Q0INCIDENT1',
        html_url: 'https://acme.pagerduty.com/incidents/Q0INCIDENT1',
        number: 42,
        status: 'acknowledged',
        incident_key: input.incidentKey,
        created_at: '2024-05-01T02:11:00.000Z',
        title: 'INC-1: Checkout failing',
        service: { id: 'PSERVICE1', type: 'service_reference', summary: 'Incident leads' },
        assignees: [{ ...agent }],
        escalation_policy: { id: 'PLEAD01', type: 'escalation_policy_reference', summary: 'Incident leads' },
        teams: [],
        priority: null,
        urgency: 'high',
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

/** Posts a webhook to the app as PagerDuty does: JSON, signed with each of `secrets` (none: unsigned). */
export async function sendPagerDutyWebhook(
  baseUrl: string,
  body: string | Record<string, unknown>,
  secrets: readonly string[],
): Promise<{ status: number; json: unknown }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'PagerDuty-Webhook/V3.0' };
  if (secrets.length > 0) headers['x-pagerduty-signature'] = signPagerDutyWebhook(raw, secrets);
  const response = await fetch(`${baseUrl}/webhooks/pagerduty`, { method: 'POST', headers, body: raw });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}
