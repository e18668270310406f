/** A side effect to perform after the change that caused it has committed. */
export interface NewJob {
  readonly type: string;
  readonly payload: unknown;
  /** Jobs sharing a key run one at a time, in the order they were enqueued (e.g. one incident's Slack messages). */
  readonly queueKey?: string | null;
  /** While a job with this key is still pending, enqueueing another is a no-op (coalesces "refresh X" work). */
  readonly dedupeKey?: string | null;
  readonly runAt?: Date;
  readonly maxAttempts?: number;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface Job {
  readonly id: string;
  readonly seq: number;
  readonly type: string;
  readonly payload: unknown;
  readonly queueKey: string | null;
  readonly status: JobStatus;
  /** Attempts started so far, this one included once claimed. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

/** Enqueueing, available inside a transaction so the job commits with the change. */
export interface JobQueue {
  enqueue(job: NewJob): Promise<void>;
}

export interface JobStats {
  readonly pending: number;
  readonly running: number;
  readonly failed: number;
  /**
   * How long the oldest job a worker could take now has been due, in ms (0 when none). A job held
   * back by an earlier one of its queue (waiting out an outage, or running under a live lease) is
   * not counted: that wait is by design, not a missing worker.
   */
  readonly oldestDueAgeMs: number;
}

/**
 * The `lastError` of a job whose worker stopped without settling it (its lease ran out and it was
 * put back): its side effects may already have happened, so the next run looks before repeating.
 */
export const LEASE_EXPIRED_ERROR = 'lease expired: its worker stopped without settling it';

/** What the worker and the operators need: claim, settle, inspect, retry. */
export interface JobStore {
  /**
   * Takes up to `limit` due jobs whose queue has nothing earlier still unfinished (the heads of as
   * many queues, oldest due first), marking them running for `leaseMs`, in one statement. Safe with
   * several workers and processes: a job is claimed by one only.
   */
  claimDue(workerId: string, now: Date, leaseMs: number, limit: number): Promise<Job[]>;
  /**
   * `complete`, then `claimDue` in the same transaction: the job's queue goes on to its next job
   * with one commit, not two. The completion is durable before any claimed job starts.
   */
  completeAndClaim(id: string, workerId: string, now: Date, leaseMs: number, limit: number): Promise<{ completed: boolean; claimed: Job[] }>;
  /**
   * Settles a claimed job. Each is a no-op (false) when `workerId` no longer holds it: its lease
   * ran out and another worker took the job over, whose outcome must not be overwritten.
   */
  complete(id: string, workerId: string, now: Date): Promise<boolean>;
  /** Puts a job back to wait until `runAt` (its queue waits with it, keeping order). */
  reschedule(id: string, workerId: string, runAt: Date, error: string, now: Date): Promise<boolean>;
  fail(id: string, workerId: string, error: string, now: Date): Promise<boolean>;
  /** Keeps a running job ours while its handler works; false when the lease was already lost. */
  extendLease(id: string, workerId: string, until: Date, now: Date): Promise<boolean>;
  /** Returns jobs whose worker vanished (lease expired) to the queue; how many. */
  releaseExpired(now: Date): Promise<number>;
  /** Jobs in any of the given statuses (all when none), the most recently changed first. */
  list(filter: { status?: JobStatus | readonly JobStatus[]; limit: number }): Promise<Job[]>;
  /** Makes a failed job pending again, now. False when there is no such failed job. */
  retryFailed(id: string, now: Date): Promise<boolean>;
  stats(now: Date): Promise<JobStats>;
}
