import type { App } from '../../src/app.js';
import type { ManualClock } from './engines.js';
import { eventually } from './eventually.js';

/**
 * Moves the manual clock by `ms`, wakes the worker and waits until no job is due or running: the
 * reminders, retries and deliveries that time made due have all run.
 */
export async function advanceAndRunDueJobs(app: App, clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  app.worker.wake();
  await eventually('the due jobs to have run', async () => {
    const now = clock.now().getTime();
    const jobs = await app.store.jobStore.list({ status: ['pending', 'running'], limit: 1000 });
    return jobs.some((j) => j.status === 'running' || j.runAt.getTime() <= now) ? undefined : true;
  });
  await app.worker.idle();
}
