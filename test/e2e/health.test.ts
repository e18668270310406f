import assert from 'node:assert/strict';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { describeEngines } from '../support/engines.js';

const MINUTE = 60_000;

describeEngines('/healthz and the job queue', (ctx) => {
  /**
   * The real app on the suite's database and clock, built but not started: its worker takes no
   * jobs, as in an instance whose worker has died, until the test starts it.
   */
  async function buildIdleApp(env: Record<string, string> = {}): Promise<App> {
    const config = loadConfig({ DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env }, process.cwd());
    return buildApp(config, { clock: ctx.clock });
  }

  async function health(app: App) {
    const response = await app.server.inject({ method: 'GET', url: '/healthz' });
    return { status: response.statusCode, body: response.json() };
  }

  ctx.test('a job nobody takes for longer than JOBS_STUCK_AFTER_MS is 503 health.jobs_stuck; drained, 200 with the figures', async () => {
    const app = await buildIdleApp();
    try {
      // No handler for this type: once a worker runs, it fails for good (a failure is no reason to restart).
      await app.store.jobs.enqueue({ type: 'test.unhandled', payload: {}, queueKey: 'incident:stuck' });
      assert.deepEqual(await health(app), {
        status: 200,
        body: { status: 'ok', database: 'ok', jobs: { pending: 1, running: 0, failed: 0, oldestDueAgeMs: 0 } },
      });

      ctx.clock.advance(5 * MINUTE);
      assert.deepEqual(
        await health(app),
        { status: 200, body: { status: 'ok', database: 'ok', jobs: { pending: 1, running: 0, failed: 0, oldestDueAgeMs: 5 * MINUTE } } },
        'at the limit, still healthy',
      );

      ctx.clock.advance(MINUTE);
      const stuck = await health(app);
      assert.equal(stuck.status, 503);
      assert.equal(stuck.body.error.code, 'health.jobs_stuck');
      assert.equal(
        stuck.body.error.message,
        'The job queue is stuck: the oldest runnable job has waited 6 min (limit 5 min); 1 pending, 0 running, 0 failed.',
      );

      await app.start();
      await app.worker.idle();
      assert.deepEqual(await health(app), {
        status: 200,
        body: { status: 'ok', database: 'ok', jobs: { pending: 0, running: 0, failed: 1, oldestDueAgeMs: 0 } },
      });
    } finally {
      await app.close();
    }
  });

  ctx.test('jobs held back by an outage are not stuck; jobs behind one whose worker died are', async () => {
    const app = await buildIdleApp({ JOBS_STUCK_AFTER_MS: String(2 * MINUTE) });
    try {
      const { jobStore } = app.store;
      const now = () => ctx.clock.now();
      // What the worker does when Slack is down: the head of the queue waits an hour, its queue behind it.
      await app.store.jobs.enqueue({ type: 'test.outage', payload: { n: 1 }, queueKey: 'incident:outage' });
      await app.store.jobs.enqueue({ type: 'test.outage', payload: { n: 2 }, queueKey: 'incident:outage' });
      const [head] = await jobStore.claimDue('worker-a', now(), 30_000, 1);
      assert.deepEqual(head?.payload, { n: 1 });
      assert.ok(await jobStore.reschedule(head.id, 'worker-a', new Date(now().getTime() + 60 * MINUTE), 'RetryLater: Slack is down', now()));

      ctx.clock.advance(10 * MINUTE);
      const waiting = await health(app);
      assert.equal(waiting.status, 200);
      assert.equal(waiting.body.jobs.oldestDueAgeMs, 0, 'the job behind the waiting head is not counted');

      // Another queue's head is claimed by a worker that then dies: its lease runs out, nobody releases it.
      await app.store.jobs.enqueue({ type: 'test.crash', payload: { n: 1 }, queueKey: 'incident:crash' });
      await app.store.jobs.enqueue({ type: 'test.crash', payload: { n: 2 }, queueKey: 'incident:crash' });
      const [claimed] = await jobStore.claimDue('worker-b', now(), 30_000, 1);
      assert.deepEqual(claimed?.payload, { n: 1 });
      assert.equal((await health(app)).body.jobs.oldestDueAgeMs, 0, 'held back by a live lease');

      ctx.clock.advance(3 * MINUTE);
      const stuck = await health(app);
      assert.equal(stuck.status, 503);
      assert.equal(stuck.body.error.code, 'health.jobs_stuck');
      assert.match(stuck.body.error.message, /waited 3 min \(limit 2 min\); 3 pending, 1 running/);
    } finally {
      await app.close();
    }
  });
});
