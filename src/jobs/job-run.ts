/**
 * Which job the current async call chain is running, for the adapters that make a repeated call
 * harmless: a Slack post made by a job is tagged with the job, and when a job is re-run after its
 * worker died mid-run, the post is looked for first instead of made twice.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface JobRun {
  readonly jobId: string;
  /** The previous attempt ended without an outcome (its worker died): its calls may have happened. */
  readonly mayRepeat: boolean;
  /** Posts made so far in this run; the n-th post of a job has the same tag in every run. */
  posts: number;
}

// Per-call context like a request id, not shared state: each job's chain sees its own run.
const runs = new AsyncLocalStorage<JobRun>();

/** Runs `work` as job `run`: `currentJobRun()` returns it anywhere below. */
export function runAsJob<T>(run: JobRun, work: () => Promise<T>): Promise<T> {
  return runs.run(run, work);
}

/** The job being run by this call chain, if any. */
export function currentJobRun(): JobRun | undefined {
  return runs.getStore();
}
