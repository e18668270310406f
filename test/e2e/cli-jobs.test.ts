import assert from 'node:assert/strict';
import { createWorker, type JobHandler } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/logger.js';
import type { Job } from '../../src/ports/jobs.port.js';
import { cli } from '../support/cli.js';
import { describeEngines } from '../support/engines.js';

describeEngines('the admin CLI: jobs', (ctx) => {
  ctx.test('jobs lists failed jobs with their error, newest problems first; retry <id> and retry --failed make them pending', async () => {
    const store = ctx.store();
    const enqueue = (type: string, queueKey: string | null, runAt?: Date) =>
      store.jobs.enqueue({ type, payload: { test: true }, queueKey, maxAttempts: 1, runAt });
    await enqueue('test.boom', 'incident:first');
    await enqueue('test.boom', 'incident:second');
    await enqueue('test.fine', null);
    await enqueue('test.later', 'incident:third', new Date(ctx.clock.now().getTime() + 86_400_000));
    // Waiting for its time even by the CLI's own (system) clock, like a reminder check days ahead.
    await enqueue('test.someday', 'incident:fourth', new Date('2999-01-01T00:00:00.000Z'));
    ctx.clock.advance(60_000);
    // The real worker, with handlers of this test's own: two jobs fail for good, one is done.
    const handlers = new Map<string, JobHandler>([
      ['test.boom', async () => { throw new Error('channel_not_found\n    at postMessage (slack.ts:1)'); }],
      ['test.fine', async () => undefined],
    ]);
    const worker = createWorker({ store: store.jobStore, handlers, clock: ctx.clock, logger: createLogger('silent'), workerId: 'cli-test' });
    worker.start();
    await worker.idle();
    await worker.stop();
    const all = await store.jobStore.list({ limit: 10 });
    const byQueue = (key: string | null) => all.find((job) => job.queueKey === key)!;
    const [first, second, fine, later] = [byQueue('incident:first'), byQueue('incident:second'), byQueue(null), byQueue('incident:third')];
    assert.deepEqual([first.status, second.status, fine.status, later.status, byQueue('incident:fourth').status], ['failed', 'failed', 'done', 'pending', 'pending']);

    const [text, json] = await Promise.all([cli(ctx.databaseUrl, 'jobs'), cli(ctx.databaseUrl, 'jobs', '--json')]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4, `the done job is left out, the one for later counted:\n${text.stdout}`);
    assert.equal(lines[3], '1 more pending for later (reminder checks, retries backing off): npm run cli -- jobs --status pending');
    const failedAt = ctx.clock.now().toISOString();
    assert.equal(
      lines.find((line) => line.startsWith(first.id)),
      `${first.id}\ttest.boom\tfailed\t1/1\tincident:first\tfinished ${failedAt}\tError: channel_not_found at postMessage (slack.ts:1)`,
    );
    assert.equal(
      lines.find((line) => line.startsWith(later.id)),
      `${later.id}\ttest.later\tpending\t0/1\tincident:third\trun at ${later.runAt.toISOString()}\t-`,
    );
    assert.equal(json.code, 0, json.stderr);
    const listed = JSON.parse(json.stdout) as { id: string; status: string; lastError: string | null; attempts: number }[];
    // The failures (changed last) come before the older pending job, though it was enqueued after them.
    assert.deepEqual(listed.map((job) => job.id), [second.id, first.id, later.id]);
    assert.deepEqual(listed[1], {
      id: first.id,
      type: 'test.boom',
      status: 'failed',
      attempts: 1,
      maxAttempts: 1,
      queueKey: 'incident:first',
      runAt: first.runAt.toISOString(),
      finishedAt: failedAt,
      createdAt: first.createdAt.toISOString(),
      lastError: 'Error: channel_not_found\n    at postMessage (slack.ts:1)',
    });

    const retried = await cli(ctx.databaseUrl, 'jobs', 'retry', first.id);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, new RegExp(`Job ${first.id} is pending again\\. A running server picks retried jobs up within half a second`));
    const status = async (job: Job) => (await store.jobStore.list({ limit: 10 })).find((j) => j.id === job.id)?.status;
    assert.equal(await status(first), 'pending');
    assert.equal(await status(second), 'failed', 'only the job named');

    const [unknown, notFailed] = await Promise.all([
      cli(ctx.databaseUrl, 'jobs', 'retry', 'no-such-job'),
      cli(ctx.databaseUrl, 'jobs', 'retry', later.id),
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No failed job with id no-such-job: it does not exist or has not failed/);
    assert.equal(notFailed.code, 1);
    assert.match(notFailed.stderr, new RegExp(`No failed job with id ${later.id}`));
    assert.equal(await status(later), 'pending');

    const everyFailed = await cli(ctx.databaseUrl, 'jobs', 'retry', '--failed');
    assert.equal(everyFailed.code, 0, everyFailed.stderr);
    assert.match(everyFailed.stdout, /^Retried 1 failed job\. /);
    assert.equal(await status(second), 'pending');
    assert.equal((await store.jobStore.stats(ctx.clock.now())).failed, 0);
  });
});
