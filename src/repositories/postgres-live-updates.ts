import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { loadPg } from '../db/drivers.js';
import type { IncidentId, UserId } from '../domain/ids.js';
import type { LiveUpdate, LiveUpdates, LiveUpdatesHub } from '../ports/live-updates.port.js';

/** The NOTIFY channel; PostgreSQL scopes it to the database, so instances of one app share it. */
export const LIVE_UPDATES_CHANNEL = 'incident_changes';

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. A private incident's audience (every
 * channel member, with a big channel) can pass that: past this size the payload leaves the
 * audience out and each receiving instance looks it up, once, from the incident itself.
 */
export const MAX_PAYLOAD_BYTES = 7000;

const LOOK_UP = 'look-up';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

const notificationSchema = z.object({
  incidentId: z.string(),
  reference: z.string(),
  audience: z.union([z.array(z.string()), z.null(), z.literal(LOOK_UP)]),
});

/** The payload sent for `update`: the update itself, or, when too big, the update minus its audience. */
export function encodeLiveUpdate(update: LiveUpdate): string {
  const whole = JSON.stringify(update);
  if (Buffer.byteLength(whole) < MAX_PAYLOAD_BYTES) return whole;
  return JSON.stringify({ incidentId: update.incidentId, reference: update.reference, audience: LOOK_UP });
}

export interface PostgresLiveUpdatesOptions {
  /** The same server and database as the store (config.database). */
  readonly connectionString: string;
  /** Delivers to this process's own subscribers (the in-process adapter). */
  readonly local: LiveUpdates;
  /** The current audience of an incident, for payloads that left it out (null: anyone). */
  readonly lookUpAudience: (incidentId: IncidentId) => Promise<readonly UserId[] | null>;
  readonly logger: Logger;
  /** Waits before reconnecting the listener: the n-th retry in a row (from 0) waits this long. */
  readonly retryDelayMs?: (attempt: number) => number;
}

/**
 * Live updates across every instance on one PostgreSQL database. Publishing only NOTIFYs; each
 * instance (the publisher included) hears it on its one LISTEN connection and tells its own
 * subscribers, so a page gets each update once whichever instance made the change. The NOTIFY
 * goes out after the commit (the port's contract): a process dying in between loses that one
 * refresh, never shows a rolled-back change. While the listener is disconnected this instance's
 * pages miss updates; it reconnects with backoff.
 */
export function createPostgresLiveUpdates(options: PostgresLiveUpdatesOptions): LiveUpdatesHub {
  const { connectionString, local, lookUpAudience, logger } = options;
  const retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt));
  // One connection, so NOTIFYs leave in publishing order; idle, it closes and lets a CLI exit.
  const publisher = new (loadPg().Pool)({ connectionString, max: 1, allowExitOnIdle: true });
  publisher.on('error', () => undefined);
  const sending = new Set<Promise<void>>();

  let listener: pg.Client | undefined;
  let started = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  // Deliveries wait for any audience look-up before them, so pages hear of changes in order.
  let delivering: Promise<void> = Promise.resolve();

  async function deliver(payload: string): Promise<void> {
    let parsed;
    try {
      parsed = notificationSchema.parse(JSON.parse(payload));
    } catch (error) {
      logger.warn({ err: error }, 'live updates: ignored an unreadable notification');
      return;
    }
    const incidentId = parsed.incidentId as IncidentId;
    let audience: readonly UserId[] | null;
    if (parsed.audience === LOOK_UP) {
      try {
        audience = await lookUpAudience(incidentId);
      } catch (error) {
        // Not knowing who may hear of it, nobody does: a missed refresh, never a leak.
        logger.warn({ err: error, incidentId }, 'live updates: could not look up who may hear of a change');
        return;
      }
    } else {
      audience = parsed.audience as UserId[] | null;
    }
    local.publish({ incidentId, reference: parsed.reference, audience });
  }

  function scheduleReconnect(): void {
    if (closed || retry) return;
    const wait = retryDelayMs(failures);
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void listen();
    }, wait);
    retry.unref();
  }

  function lost(client: pg.Client, error?: unknown): void {
    if (listener !== client) return;
    listener = undefined;
    client.end().catch(() => undefined);
    if (closed) return;
    logger.warn({ err: error }, 'live updates: lost the PostgreSQL listener; pages miss updates until it reconnects');
    scheduleReconnect();
  }

  async function listen(): Promise<void> {
    if (closed) return;
    // keepAlive: a connection that died silently (a NAT, a failover) is noticed and replaced.
    const client = new (loadPg().Client)({ connectionString, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel !== LIVE_UPDATES_CHANNEL || message.payload === undefined) return;
      const payload = message.payload;
      delivering = delivering.then(() => deliver(payload));
    });
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_UPDATES_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      logger.warn({ err: error, attempt: failures + 1 }, 'live updates: could not listen on PostgreSQL; will retry');
      scheduleReconnect();
      return;
    }
    if (closed) {
      await client.end().catch(() => undefined);
      return;
    }
    if (failures > 0) logger.info('live updates: listening on PostgreSQL again');
    failures = 0;
    listener = client;
  }

  return {
    publish(update) {
      const sent = publisher
        .query('select pg_notify($1, $2)', [LIVE_UPDATES_CHANNEL, encodeLiveUpdate(update)])
        .then(
          () => undefined,
          (error: unknown) => logger.warn({ err: error, reference: update.reference }, 'live updates: could not publish a change'),
        )
        .finally(() => sending.delete(sent));
      sending.add(sent);
    },
    subscribe: (fn) => local.subscribe(fn),
    async start() {
      if (started || closed) return;
      started = true;
      await listen();
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await Promise.allSettled([...sending]);
      const client = listener;
      listener = undefined;
      await Promise.allSettled([client?.end(), publisher.end()]);
      await delivering;
    },
  };
}
