/**
 * The job store on both engines: claiming several due jobs in one statement never takes two of
 * one queue, and completing a job claims its queue's next one in the same commit.
 */
import assert from 'node:assert/strict';
import { describeEngines } from '../support/engines.js';

const LEASE_MS = 30_000;

describeEngines('job store', (ctx) => {
  const now = () => ctx.clock.now();
  const enqueue = (queueKey: string | null, n: number, runAt?: Date) =>
    ctx.store().jobs.enqueue({ type: 'test.step', payload: { queueKey, n }, queueKey, ...(runAt ? { runAt } : {}) });
  const steps = (jobs: { payload: unknown }[]) => jobs.map((j) => (j.payload as { n: number }).n);
  /** Settles whatever an earlier test left running or due, so each test starts on an empty queue. */
  async function drain(): Promise<void> {
    const { jobStore } = ctx.store();
    for (;;) {
      const jobs = await jobStore.claimDue('drain', now(), LEASE_MS, 100);
      if (jobs.length === 0) return;
      for (const job of jobs) await jobStore.complete(job.id, 'drain', now());
    }
  }

  ctx.test('claimDue takes the head of each queue only, oldest first, up to the limit', async () => {
    await drain();
    const { jobStore } = ctx.store();
    await enqueue('incident:a', 1);
    await enqueue('incident:a', 2);
    await enqueue('incident:b', 3);
    await enqueue(null, 4);
    await enqueue('incident:c', 5, new Date(now().getTime() + 60_000));

    const first = await jobStore.claimDue('w1', now(), LEASE_MS, 10);
    assert.deepEqual(steps(first), [1, 3, 4], 'one per queue; the one not yet due waits');
    assert.ok(first.every((j) => j.status === 'running' && j.attempts === 1));
    assert.deepEqual(await jobStore.claimDue('w2', now(), LEASE_MS, 10), [], 'the second of a queue waits for its head');

    for (const job of first) assert.ok(await jobStore.complete(job.id, 'w1', now()));
    assert.deepEqual(steps(await jobStore.claimDue('w1', now(), LEASE_MS, 1)), [2], 'its head done, the queue goes on');
  });

  ctx.test('claimDue stops at the limit', async () => {
    await drain();
    const { jobStore } = ctx.store();
    for (let n = 1; n <= 5; n++) await enqueue(`incident:limit-${n}`, n);
    assert.deepEqual(steps(await jobStore.claimDue('w1', now(), LEASE_MS, 2)), [1, 2]);
    assert.deepEqual(steps(await jobStore.claimDue('w1', now(), LEASE_MS, 2)), [3, 4]);
    assert.deepEqual(steps(await jobStore.claimDue('w1', now(), LEASE_MS, 2)), [5]);
  });

  ctx.test('workers claiming at the same time take each job once, and one job of a queue at a time', async () => {
    await drain();
    const { jobStore } = ctx.store();
    for (let n = 1; n <= 18; n++) await enqueue(`incident:race-${n % 6}`, n);
    const claims = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => jobStore.claimDue(w, now(), LEASE_MS, 3)));
    const claimed = claims.flat();
    assert.ok(claims.every((c) => c.length <= 3), 'no worker takes more than its limit');
    assert.equal(new Set(claimed.map((j) => j.id)).size, claimed.length, 'no job twice');
    assert.equal(new Set(claimed.map((j) => j.queueKey)).size, claimed.length, 'no queue twice');
    assert.deepEqual(steps(claimed).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6], 'the head of each queue');
  });

  ctx.test("completeAndClaim completes the job and claims its queue's next one", async () => {
    await drain();
    const { jobStore } = ctx.store();
    await enqueue('incident:chain', 1);
    await enqueue('incident:chain', 2);
    await enqueue('incident:chain', 3);
    const [head] = await jobStore.claimDue('w1', now(), LEASE_MS, 4);
    assert.ok(head);

    const { completed, claimed } = await jobStore.completeAndClaim(head.id, 'w1', now(), LEASE_MS, 4);
    assert.equal(completed, true);
    assert.deepEqual(steps(claimed), [2], 'the next step, not the one after it');
    const [done] = await jobStore.list({ status: 'done', limit: 1 });
    assert.equal(done?.id, head.id);

    const last = await jobStore.completeAndClaim(claimed[0]!.id, 'w1', now(), LEASE_MS, 0);
    assert.deepEqual(last, { completed: true, claimed: [] }, 'a limit of 0 completes and claims nothing');
    assert.deepEqual(steps(await jobStore.claimDue('w1', now(), LEASE_MS, 4)), [3]);
  });

  ctx.test('completeAndClaim by a worker that lost the job changes nothing of it, and its queue still waits', async () => {
    await drain();
    const { jobStore } = ctx.store();
    await enqueue('incident:lost', 1);
    await enqueue('incident:lost', 2);
    const [head] = await jobStore.claimDue('w1', now(), LEASE_MS, 1);
    assert.ok(head);
    const { completed, claimed } = await jobStore.completeAndClaim(head.id, 'someone-else', now(), LEASE_MS, 4);
    assert.equal(completed, false);
    assert.deepEqual(claimed, [], 'the head still runs under its holder: the next one waits');
    const [running] = await jobStore.list({ status: 'running', limit: 10 });
    assert.equal(running?.id, head.id);
  });
});
