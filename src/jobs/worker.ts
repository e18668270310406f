import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import type { Clock } from '../ports/clock.port.js';
import { LEASE_EXPIRED_ERROR, type Job, type JobStore } from '../ports/jobs.port.js';
import { DomainError } from '../domain/errors.js';
import { openGate, type BackgroundGate } from './background-gate.js';
import { backoffMs, PermanentFailure, RetryLater } from './job-errors.js';
import { runAsJob } from './job-run.js';

/** A run after a worker died mid-job, or a retry of one: what it did may have taken effect. */
const mayRepeat = (job: Job) => job.lastError?.includes(LEASE_EXPIRED_ERROR) ?? false;

/**
 * Our own rules refusing the work (a text too long, an incident gone) will refuse it again: retrying
 * would only hold up the jobs queued behind it. A lost race (`*.concurrent_update`) is worth a retry.
 */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError && !error.code.endsWith('.concurrent_update');
}

/** Performs one type of job; it re-reads what it needs by id, so running it again is harmless. */
export type JobHandler = (job: Job, log: Logger) => Promise<void>;

export interface WorkerOptions {
  readonly store: JobStore;
  readonly handlers: ReadonlyMap<string, JobHandler>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workerId: string;
  /** Jobs run side by side (different queues); one queue's jobs never overlap. */
  readonly concurrency?: number;
  /** How often to look for due jobs when nobody wakes the worker. */
  readonly pollMs?: number;
  /**
   * How long a claimed job is ours without a heartbeat; past it, another worker takes it over.
   * Short, so a process killed mid-job delays its queue by seconds; renewed while the job runs.
   */
  readonly leaseMs?: number;
  /** Told how each run ended and how long it took (the Prometheus histogram). */
  readonly observe?: (type: string, outcome: 'done' | 'retry' | 'failed', seconds: number) => void;
  /** When a job may start: while Slack requests are arriving, their answers go first. */
  readonly gate?: BackgroundGate;
  /** The reference of the incident a job is about, for its log lines (null: none, or unknown). */
  readonly incidentOf?: (job: Job) => Promise<string | null>;
}

export interface Worker {
  start(): void;
  /** Look for work now (after a commit that enqueued jobs, or after moving a test clock). */
  wake(): void;
  /** Stops claiming, waits for running jobs to settle. */
  stop(): Promise<void>;
  /** Resolves once no due job is left and none is running (for tests and tools). */
  idle(): Promise<void>;
}

/** The loop that delivers queued side effects, with retries and backoff, in order per queue. */
export function createWorker(options: WorkerOptions): Worker {
  const { store, handlers, clock, logger, workerId } = options;
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  // A lease lasts `leaseMs`: looking for expired ones a few times a lease is soon enough, and spares
  // a statement on each of the several wake-ups every job causes.
  const releaseEveryMs = Math.min(1000, Math.floor(leaseMs / 10));
  let running = false;
  /** Slots taken: jobs running, and the slots a claim in flight may fill. Never above `concurrency`. */
  let active = 0;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let again = false;
  /** Counts wake-ups, so a claim that may have looked before an enqueueing commit looks again. */
  let wakes = 0;
  let releasedAt: number | undefined;
  const gate = options.gate ?? openGate;
  let lastStartAt = -Infinity;
  const inFlight = new Set<Promise<void>>();
  let idleWaiters: (() => void)[] = [];

  /**
   * Writes a job's outcome, waiting out a database outage for up to a lease: a message Slack has
   * taken but that is not recorded as done would be posted again when the job is re-run.
   */
  async function record<T>(write: () => Promise<T>, log: Logger): Promise<T> {
    const giveUpAt = performance.now() + leaseMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || performance.now() > giveUpAt) throw error;
        if (attempt === 1) log.warn({ err: error }, 'database unavailable; retrying to record the job outcome');
        await pause(Math.min(1000, 100 * attempt));
      }
    }
  }

  async function settle(job: Job, error: unknown, runLog: Logger): Promise<'retry' | 'failed'> {
    const now = clock.now();
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Kept until a run completes: a retry of a taken-over run must still look before repeating.
    const message = mayRepeat(job) ? `${LEASE_EXPIRED_ERROR}; then ${reason}` : reason;
    const log = runLog.child({ attempt: job.attempts });
    // An outage (RetryLater) is waited out however long it lasts: dropping the message would be
    // worse than sending it late. Only unexplained errors use up the attempts.
    const outage = error instanceof RetryLater;
    if (error instanceof PermanentFailure || isRefusal(error) || (!outage && job.attempts >= job.maxAttempts)) {
      log.error({ err: error }, 'job failed for good');
      if (!(await record(() => store.fail(job.id, workerId, message, now), log))) log.warn('job was taken over by another worker');
      return 'failed';
    }
    const delay = outage && error.delayMs !== null ? error.delayMs : backoffMs(job.attempts);
    (outage ? log.warn.bind(log) : log.error.bind(log))({ err: error, retryInMs: delay }, 'job will be retried');
    if (!(await record(() => store.reschedule(job.id, workerId, new Date(now.getTime() + delay), message, now), log))) {
      log.warn('job was taken over by another worker');
    }
    return 'retry';
  }

  /**
   * Records `job` done and, in the same commit, claims the jobs that may take its slot and the free
   * ones: its queue's next job (often the next step of the same chain) starts without waiting for a
   * wake-up, and without a commit of its own. Resolves with the claimed jobs, their slots counted.
   */
  async function complete(job: Job, log: Logger): Promise<{ next: Job[]; woken: boolean }> {
    const spare = running ? Math.max(0, concurrency - active) : 0;
    const limit = running ? spare + 1 : 0;
    const wakesBefore = wakes;
    active += spare;
    try {
      const { completed, claimed } = await record(() => store.completeAndClaim(job.id, workerId, clock.now(), leaseMs, limit), log);
      if (!completed) log.warn('job was taken over by another worker');
      return { next: claimed, woken: wakes !== wakesBefore };
    } finally {
      active -= spare;
    }
  }

  /** Runs one claimed job to its recorded outcome; true when the worker should look for due jobs. */
  async function run(job: Job): Promise<boolean> {
    const handler = handlers.get(job.type);
    // Every line of the run, the handler's and the outcome's, names the job and its incident.
    const incident = options.incidentOf ? await options.incidentOf(job).catch(() => null) : null;
    const log = logger.child({ jobId: job.id, jobType: job.type, ...(incident ? { incident } : {}) });
    const started = performance.now();
    const observe = (outcome: 'done' | 'retry' | 'failed') => options.observe?.(job.type, outcome, (performance.now() - started) / 1000);
    // Heartbeat: the lease stays short (a crash frees the job soon) but a slow call keeps it.
    const heartbeat = setInterval(() => {
      const now = clock.now();
      store.extendLease(job.id, workerId, new Date(now.getTime() + leaseMs), now).catch((e: unknown) => {
        log.warn({ err: e }, 'could not extend the job lease');
      });
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    try {
      if (!handler) throw new PermanentFailure(`no handler for job type ${job.type}`);
      await runAsJob({ jobId: job.id, mayRepeat: mayRepeat(job), posts: 0 }, () => handler(job, log));
      const { next, woken } = await complete(job, log);
      observe('done');
      for (const claimed of next) launch(claimed);
      // Fewer than asked means nothing else was due, unless a commit enqueued more meanwhile.
      return woken;
    } catch (error) {
      const outcome = await settle(job, error, log).catch((e: unknown) => {
        log.error({ err: e }, 'could not record the job outcome');
        return 'retry' as const;
      });
      observe(outcome);
      // A job that failed for good unblocks the next one in its queue; a retry frees a slot.
      return true;
    } finally {
      clearInterval(heartbeat);
    }
  }

  function notifyIdle(): void {
    if (active > 0 || pumping) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Waits until the gate lets a job start (never once stopping: a stop waits for its jobs). */
  async function gateOpen(): Promise<void> {
    for (let wait = gate.delayMs(lastStartAt); running && wait > 0; wait = gate.delayMs(lastStartAt)) await pause(wait);
    lastStartAt = gate.now();
  }

  /** Runs a claimed job in a slot of its own, once the gate lets it start. */
  function launch(job: Job): void {
    active++;
    const task = gateOpen()
      .then(() => run(job))
      .then((lookAgain) => {
        active--;
        inFlight.delete(task);
        if (lookAgain) void pump();
        else notifyIdle();
      });
    inFlight.add(task);
  }

  async function releaseExpired(): Promise<void> {
    const now = clock.now().getTime();
    const since = releasedAt === undefined ? Number.POSITIVE_INFINITY : now - releasedAt;
    // A manual clock moved back (tests) counts as time passed.
    if (since >= 0 && since < releaseEveryMs) return;
    releasedAt = now;
    await store.releaseExpired(new Date(now));
  }

  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        await releaseExpired();
        while (running && active < concurrency) {
          // One statement claims the heads of as many queues as there are free slots.
          const limit = concurrency - active;
          active += limit;
          let claimed: Job[] = [];
          try {
            claimed = await store.claimDue(workerId, clock.now(), leaseMs, limit);
          } finally {
            active -= limit;
          }
          for (const job of claimed) launch(job);
          if (claimed.length < limit) break;
        }
      } while (again && running);
    } catch (error) {
      logger.error({ err: error }, 'job worker could not reach the database; will retry');
    } finally {
      pumping = false;
      notifyIdle();
    }
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void pump().finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      void pump();
      schedule();
    },
    wake() {
      wakes++;
      if (running) void pump();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        if (running) void pump();
        else notifyIdle();
      });
    },
  };
}
