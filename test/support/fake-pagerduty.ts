import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * A fake PagerDuty on 127.0.0.1, speaking the documented wire formats: the Events API v2
 * (`POST /v2/enqueue`: 202 `{status:"success", message, dedup_key}`, 400 `{status:"invalid event",
 * message, errors}`) and the REST API v2 on-calls list (`GET /oncalls`, `Authorization: Token
 * token=…`). It records every event and can fail or go down.
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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakePagerDuty(options: { apiToken?: string } = {}): Promise<FakePagerDuty> {
  const apiToken = options.apiToken ?? 'fake-pagerduty-token';
  const events: FakePagerEvent[] = [];
  const attempts: { status: number; body: unknown }[] = [];
  const alerts = new Map<string, { status: 'triggered' | 'resolved'; routingKey: string }>();
  let oncalls: readonly FakeOnCall[] = [];
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
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.filter(match);
        if (found.length >= count) return found.slice(0, count);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`fake PagerDuty: timed out waiting for ${count} events (have ${found.length})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
