import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { createBackgroundGate, type BackgroundGate } from '../jobs/background-gate.js';
import type { Clock } from '../ports/clock.port.js';
import type { InboxItem, InboxKind, SlackInboxStore } from '../ports/slack-inbox.port.js';

/** A signed, parsed Slack request to keep and handle. */
export interface InboxRequest {
  readonly kind: InboxKind;
  readonly body: Record<string, unknown>;
  readonly retryNum: number | null;
  readonly retryReason: string | null;
  /** The HTTP request's logger (its request id), for the handling's lines while Slack waits. */
  readonly log: Logger;
}

/** How the write of a request ended: Slack's answer (null: none yet), or why it was not kept. */
export type Received = { readonly recorded: true; readonly answer: unknown } | { readonly recorded: false; readonly error: unknown };

/** Runs one request through the listeners; `answer` is Slack's ack (a slash command's reply). */
export type InboxHandler = (item: InboxItem, context: { readonly log: Logger; readonly answer: (response: unknown) => void }) => Promise<void>;

export interface SlackInboxOptions {
  readonly store: SlackInboxStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handle: InboxHandler;
  /** Delivers a slash command's reply that came after Slack had its answer (its response_url). */
  readonly respondLater: (item: InboxItem, response: unknown, log: Logger) => Promise<void>;
  /** Requests handled side by side while Slack waits for their answer. */
  readonly concurrency?: number;
  /**
   * Requests handled side by side in the background (Slack already answered). Background work
   * yields to arriving requests (`gate`). One on SQLite, whose writes take turns anyway.
   */
  readonly backgroundConcurrency?: number;
  /** How long a handler holds an item without a heartbeat before anyone may take it over. */
  readonly leaseMs?: number;
  /** Items held in memory at most; past it they stay in the table for the sweep (bounded memory). */
  readonly maxQueued?: number;
  /**
   * How many of Slack's answers may wait for their handler at once, and only while nothing waits
   * in the background. Past it, requests are answered as soon as written: under load the answer
   * must not queue behind the handling.
   */
  readonly waitingAnswers?: number;
  /** How long Slack's answer may wait for the handler (Slack gives up after 3 s). */
  readonly answerWithinMs?: number;
  /** How often to look for items nobody holds (a crashed instance's, an outage's). */
  readonly sweepMs?: number;
  /** When background handlers may start; shared with the job worker (answers go first). */
  readonly gate?: BackgroundGate;
  /** One process per database (SQLite): at start, whatever an earlier process held is ours at once. */
  readonly takeOverAtStart?: boolean;
}

export interface SlackInbox {
  /**
   * Writes the request, in one commit with the others that arrived meanwhile, then hands it to a
   * handler. Resolves once it is recorded: with the handler's answer when the handler started at
   * once and answered in time, else at once with no answer (the reply goes to the response_url).
   */
  receive(request: InboxRequest): Promise<Received>;
  start(): void;
  /** Stops taking work, lets running handlers finish and hands back what was waiting. */
  stop(): Promise<void>;
  /** Resolves once nothing is waiting, running or unwritten (tests and the bench). */
  idle(): Promise<void>;
}

interface Entry {
  readonly item: InboxItem;
  readonly log: Logger;
  /** Slack is still waiting for the answer: the HTTP response is this. */
  waiter: ((received: Received) => void) | null;
  started: boolean;
}

/** A crash loop on one item stops here: it is dropped with an error line, not retried forever. */
const MAX_TAKEOVERS = 5;
/** Removals of handled items wait this long to share a commit with the next writes. */
const HANDLED_DELAY_MS = 50;
const OUTAGE_RETRY_MS = 2000;
const MAX_BATCH = 500;

/**
 * Slack's requests are acknowledged once written, not once handled: the answer costs one commit
 * shared with every request that arrived meanwhile, the handling runs behind it, and a crash or
 * outage during the handling loses nothing (the item is handled again, and the handlers refuse
 * repeats by the request's key). A request is answered with its handler's reply when a handler
 * is free for it at once, so an idle app still answers a slash command in its ack.
 */
export function createSlackInbox(options: SlackInboxOptions): SlackInbox {
  const { store, clock, logger, handle, respondLater } = options;
  const concurrency = options.concurrency ?? 8;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxQueued = options.maxQueued ?? 1000;
  const answerWithinMs = options.answerWithinMs ?? 2500;
  const waitingAnswers = options.waitingAnswers ?? 1;
  const backgroundConcurrency = options.backgroundConcurrency ?? 4;
  let waiting = 0;
  const sweepMs = options.sweepMs ?? 1000;
  const owner = `inbox-${randomUUID()}`;
  const log = logger.child({ component: 'slack-inbox' });

  let running = false;
  let unwritten: Entry[] = [];
  let handled: string[] = [];
  /** Written and ours, waiting for a background handler. */
  const queue: Entry[] = [];
  const active = new Set<Promise<void>>();
  let activeBackground = 0;
  const gate = options.gate ?? createBackgroundGate();
  let lastBackgroundStartAt = -Infinity;
  let backgroundTimer: NodeJS.Timeout | undefined;
  const runningIds = new Set<string>();
  let flushing: Promise<void> | null = null;
  /** Items to hand back after an outage, whose hand-back itself failed: tried again by the sweep. */
  let toPostpone: string[] = [];
  let lastExtendedAt = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let flushSoon = false;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;
  let idleWaiters: (() => void)[] = [];
  const lease = () => new Date(clock.now().getTime() + leaseMs);

  const busy = () => unwritten.length > 0 || handled.length > 0 || queue.length > 0 || active.size > 0 || flushing !== null || sweeping;
  function notifyIdle(): void {
    if (busy()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function answer(entry: Entry, received: Received): void {
    const waiter = entry.waiter;
    if (!waiter) return;
    entry.waiter = null;
    if (entry.started) waiting--;
    waiter(received);
  }

  /** Writes what arrived (and removes what was handled) in one commit; one flush at a time. */
  function scheduleFlush(delayMs: number): void {
    if (flushing) return; // the running flush looks again when it ends
    if (delayMs === 0) {
      if (flushSoon) return;
      flushSoon = true;
      clearTimeout(flushTimer);
      flushTimer = undefined;
      setImmediate(() => void flush());
    } else if (!flushTimer && !flushSoon) {
      // Not unref'd: short, and what it writes (removals of handled items) is what idle() waits for.
      flushTimer = setTimeout(() => void flush(), delayMs);
    }
  }

  function flush(): Promise<void> {
    flushSoon = false;
    clearTimeout(flushTimer);
    flushTimer = undefined;
    flushing ??= writeAll().finally(() => {
      flushing = null;
      notifyIdle();
    });
    return flushing;
  }

  async function writeAll(): Promise<void> {
    let failed = false;
    try {
      while (unwritten.length > 0 || (handled.length > 0 && !failed)) {
        const batch = unwritten.slice(0, MAX_BATCH);
        unwritten = unwritten.slice(batch.length);
        const removed = handled;
        handled = [];
        // Held here only while there is room; the rest waits in the table for the sweep.
        const room = running ? Math.max(0, maxQueued - queue.length - active.size) : 0;
        const until = lease();
        const now = clock.now();
        try {
          await store.write({
            added: batch.map((entry, i) => ({ ...entry.item, claimedBy: i < room ? owner : null, claimedUntil: i < room ? until : now })),
            handled: removed,
          });
        } catch (error) {
          failed = true;
          handled = [...removed, ...handled];
          if (!isDatabaseUnavailable(error)) log.error({ err: error }, 'could not write to the Slack inbox');
          for (const entry of batch) answer(entry, { recorded: false, error });
          continue;
        }
        batch.forEach((entry, i) => {
          // Slack's answer waits for the handler only when it can start now with nothing ahead.
          if (i < room && queue.length === 0 && waiting < waitingAnswers && active.size < concurrency) start(entry, false);
          else {
            answer(entry, { recorded: true, answer: undefined });
            if (i < room) queue.push(entry);
          }
        });
        pumpBackground();
      }
    } finally {
      // After this flush ends (`flushing` is cleared first): a flush asked for meanwhile runs then.
      setImmediate(() => {
        if (unwritten.length > 0) scheduleFlush(0);
        else if (handled.length > 0) scheduleFlush(failed ? OUTAGE_RETRY_MS : HANDLED_DELAY_MS);
      });
    }
  }

  function start(entry: Entry, background: boolean): void {
    entry.started = true;
    if (entry.waiter) waiting++;
    if (background) {
      activeBackground++;
      lastBackgroundStartAt = gate.now();
    }
    const task = run(entry).finally(() => {
      active.delete(task);
      if (background) activeBackground--;
      // After the I/O waiting meanwhile (arriving requests) has had its turn.
      setImmediate(pumpBackground);
      notifyIdle();
    });
    active.add(task);
  }

  /** Starts background handlers while there is room, when the gate lets them (answers go first). */
  function pumpBackground(): void {
    if (backgroundTimer) return;
    while (running && queue.length > 0 && activeBackground < backgroundConcurrency && active.size < concurrency + backgroundConcurrency) {
      const wait = gate.delayMs(lastBackgroundStartAt);
      if (wait > 0) {
        // Not unref'd: idle() waits for this work.
        backgroundTimer = setTimeout(() => {
          backgroundTimer = undefined;
          pumpBackground();
        }, wait);
        return;
      }
      start(queue.shift()!, true);
    }
  }

  async function run(entry: Entry): Promise<void> {
    const { item } = entry;
    const timer = entry.waiter
      ? setTimeout(() => {
          if (!entry.waiter) return;
          entry.log.warn('no answer before the deadline; answering Slack empty so it does not retry');
          answer(entry, { recorded: true, answer: undefined });
        }, answerWithinMs)
      : undefined;
    timer?.unref();
    runningIds.add(item.id);
    let replied = false;
    const reply = (response: unknown) => {
      if (replied) return;
      replied = true;
      if (entry.waiter) return answer(entry, { recorded: true, answer: response });
      if (item.kind === 'command' && response !== undefined && response !== '') {
        respondLater(item, response, entry.log).catch((error: unknown) => entry.log.warn({ err: error }, 'could not deliver a late slash command reply'));
      }
    };
    try {
      await handle(item, { log: entry.log, answer: reply });
      handled.push(item.id);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // Kept: handled again once the database answers (by us or another instance).
        entry.log.warn({ err: error }, 'database unavailable; the Slack request will be handled again');
        await store.postpone(owner, [item.id], new Date(clock.now().getTime() + OUTAGE_RETRY_MS)).catch(() => {
          toPostpone.push(item.id);
        });
      } else {
        entry.log.error({ err: error }, 'slack listener failed');
        handled.push(item.id);
      }
    } finally {
      runningIds.delete(item.id);
      clearTimeout(timer);
      // Recorded either way: Slack gets its answer even when no listener gave one.
      answer(entry, { recorded: true, answer: undefined });
      scheduleFlush(HANDLED_DELAY_MS);
    }
  }

  /** Takes over what nobody holds: a crashed instance's items, an outage's, the overflow. */
  async function sweep(atStart = false): Promise<void> {
    if (!running || sweeping) return;
    sweeping = true;
    try {
      const now = clock.now();
      if (toPostpone.length > 0) {
        const ids = toPostpone;
        await store.postpone(owner, ids, now);
        toPostpone = toPostpone.filter((id) => !ids.includes(id));
      }
      // Our own items stay ours while they wait or run (a heartbeat, a third of the lease).
      const held = [...queue.map((e) => e.item.id), ...runningIds];
      if (held.length > 0 && now.getTime() - lastExtendedAt > leaseMs / 3) {
        await store.extend(owner, held, lease());
        lastExtendedAt = now.getTime();
      }
      const room = maxQueued - queue.length - active.size;
      if (room <= 0) return;
      const items = await store.claimExpired(owner, atStart && options.takeOverAtStart ? lease() : now, lease(), Math.min(room, MAX_BATCH));
      for (const item of items) {
        const itemLog = log.child({ inboxId: item.id });
        if (item.attempts > MAX_TAKEOVERS) {
          itemLog.error({ kind: item.kind, attempts: item.attempts }, 'Slack request dropped: its handling never finished');
          handled.push(item.id);
          continue;
        }
        itemLog.info({ kind: item.kind, receivedAt: item.receivedAt }, 'handling a Slack request taken over');
        queue.push({ item, log: itemLog, waiter: null, started: false });
      }
      if (handled.length > 0) scheduleFlush(HANDLED_DELAY_MS);
      pumpBackground();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) log.error({ err: error }, 'could not sweep the Slack inbox');
    } finally {
      sweeping = false;
      notifyIdle();
    }
  }

  function scheduleSweep(): void {
    if (!running) return;
    sweepTimer = setTimeout(() => {
      void sweep().finally(scheduleSweep);
    }, sweepMs);
    sweepTimer.unref();
  }

  return {
    receive(request) {
      const item: InboxItem = {
        id: randomUUID(),
        kind: request.kind,
        body: request.body,
        retryNum: request.retryNum,
        retryReason: request.retryReason,
        receivedAt: clock.now(),
        attempts: 0,
      };
      gate.arrived();
      return new Promise<Received>((resolve) => {
        unwritten.push({ item, log: request.log, waiter: resolve, started: false });
        scheduleFlush(0);
      });
    },
    start() {
      if (running) return;
      running = true;
      void sweep(true);
      scheduleSweep();
    },
    async stop() {
      running = false;
      clearTimeout(sweepTimer);
      clearTimeout(backgroundTimer);
      backgroundTimer = undefined;
      // Not started: they stay in the table and are handed back below.
      queue.splice(0);
      while (active.size > 0) await Promise.all([...active]);
      while (flushing) await flushing;
      if (handled.length > 0 || unwritten.length > 0) await flush();
      // What was waiting goes back to the table for the next instance, at once.
      await store.release(owner, clock.now()).catch((error: unknown) => log.warn({ err: error }, 'could not hand back the Slack inbox'));
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      });
    },
  };
}
