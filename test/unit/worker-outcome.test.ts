/**
 * The worker writes a job's outcome again while the database is briefly unreachable: a message
 * Slack has already taken, not recorded as done, would otherwise be posted a second time when the
 * job is re-run (found by test/faults/postgres-restart.test.ts). A bug in the write is not retried.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { createWorker } from '../../src/jobs/worker.js';
import type { Job, JobStats, JobStore } from '../../src/ports/jobs.port.js';
import { ManualClock } from '../support/engines.js';
import { eventually } from '../support/eventually.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** One job, handed out once; `complete` fails as told before it succeeds. */
function oneJobStore(completeFailures: (() => Error)[]) {
  const job: Job = {
    id: 'job-1', seq: 1, type: 'test.post', payload: {}, queueKey: 'q', status: 'pending', attempts: 1, maxAttempts: 5,
    runAt: new Date(0), lastError: null, createdAt: new Date(0), finishedAt: null,
  };
  let claimed = false;
  const calls = { complete: 0, reschedule: 0, fail: 0 };
  let outcome: 'done' | 'rescheduled' | 'failed' | undefined;
  const stats: JobStats = { pending: 0, running: 0, failed: 0, oldestDueAgeMs: 0 };
  const complete = async () => {
    calls.complete += 1;
    const failure = completeFailures.shift();
    if (failure) throw failure();
    outcome = 'done';
    return true;
  };
  const store: JobStore = {
    async claimDue() {
      if (claimed) return [];
      claimed = true;
      return [job];
    },
    complete,
    // The worker records a success with this one write; it fails as `complete` is told to.
    completeAndClaim: async () => ({ completed: await complete(), claimed: [] }),
    async reschedule() {
      calls.reschedule += 1;
      outcome = 'rescheduled';
      return true;
    },
    async fail() {
      calls.fail += 1;
      outcome = 'failed';
      return true;
    },
    extendLease: async () => true,
    releaseExpired: async () => 0,
    list: async () => [],
    retryFailed: async () => false,
    stats: async () => stats,
  };
  return { store, calls, outcome: () => outcome };
}

describe('worker: recording a job outcome through a database outage', () => {
  it('a handler that succeeded is recorded done once the database answers again, and is not run twice', async () => {
    const { store, calls, outcome } = oneJobStore([refused, refused]);
    let runs = 0;
    const worker = createWorker({
      store,
      handlers: new Map([['test.post', async () => void (runs += 1)]]),
      clock: new ManualClock(),
      logger: createLogger('silent'),
      workerId: 'w1',
      pollMs: 10_000,
    });
    worker.start();
    await eventually('the outcome to be recorded', () => outcome());
    await worker.stop();
    assert.equal(outcome(), 'done');
    assert.equal(calls.complete, 3, 'two refused writes, then the one that counted');
    assert.equal(calls.reschedule, 0, 'not put back to run again');
    assert.equal(runs, 1);
  });

  it('a write that fails for another reason is not retried: the job is rescheduled as before', async () => {
    const { store, calls, outcome } = oneJobStore([() => new TypeError('bug in complete')]);
    const worker = createWorker({
      store,
      handlers: new Map([['test.post', async () => undefined]]),
      clock: new ManualClock(),
      logger: createLogger('silent'),
      workerId: 'w1',
      pollMs: 10_000,
    });
    worker.start();
    await eventually('the outcome to be recorded', () => outcome());
    await worker.stop();
    assert.equal(calls.complete, 1);
    assert.equal(outcome(), 'rescheduled');
  });
});
