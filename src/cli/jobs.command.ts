import { type Command, Option } from 'commander';
import type { Job, JobStatus, JobStore } from '../ports/jobs.port.js';
import { CliFailure, type CliIo, type LazyServices } from './context.js';

const STATUSES = ['pending', 'running', 'failed', 'done'] as const satisfies readonly JobStatus[];
/** What needs an operator's eye: everything not done. */
const UNFINISHED: readonly JobStatus[] = ['pending', 'running', 'failed'];
const ERROR_SHOWN = 200;
// The worker's default poll interval (src/jobs/worker.ts): another process's worker is not woken by
// the CLI, so a retried job waits for its next poll.
const PICKED_UP = 'A running server picks retried jobs up within half a second (its worker polls every 500 ms).';

/** `jobs` (list what is unfinished or failed, with the last error) and `jobs retry`. */
export function registerJobCommands(program: Command, services: LazyServices, io: CliIo): void {
  const jobs = program
    .command('jobs')
    .description('Background jobs (Slack messages and updates...): list the unfinished and failed ones with their last error; retry failed ones.')
    .addOption(new Option('--status <status>', 'only jobs in this status (default: running, failed, and pending ones that are due)').choices(STATUSES))
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print a JSON array')
    .action(async (options: { status?: JobStatus; limit: number; json?: boolean }) => {
      const { store, clock } = await services.get();
      const limit = Number.isFinite(options.limit) && options.limit > 0 ? Math.min(options.limit, 1000) : 50;
      let listed = await store.jobStore.list({ status: options.status ?? UNFINISHED, limit: options.status ? limit : 1000 });
      // By default, what needs an eye now: jobs waiting for their time (reminder checks days
      // ahead, retries backing off) are counted, not listed; `--status pending` lists them.
      let later = 0;
      if (!options.status) {
        const now = clock.now().getTime();
        const waiting = (job: Job) => job.status === 'pending' && job.runAt.getTime() > now;
        later = listed.filter(waiting).length;
        listed = listed.filter((job) => !waiting(job)).slice(0, limit);
      }
      if (options.json) {
        io.out(JSON.stringify(listed.map(presentJob), null, 2));
        return;
      }
      if (listed.length === 0) io.out(options.status ? `No ${options.status} jobs.` : 'No jobs due, running or failed.');
      for (const job of listed) io.out(describeJob(job));
      if (later > 0) io.out(`${later} more pending for later (reminder checks, retries backing off): npm run cli -- jobs --status pending`);
    });

  jobs
    .command('retry')
    .argument('[id]', 'the failed job to retry, by its id as listed')
    .option('--failed', 'retry every failed job')
    .description(`Make a failed job (or, with --failed, every failed job) pending again, due now. ${PICKED_UP}`)
    .action(async (id: string | undefined, options: { failed?: boolean }, command: Command) => {
      if ((id === undefined) === (options.failed !== true)) command.error('error: give either a job id or --failed');
      const { store, clock } = await services.get();
      if (id !== undefined) {
        if (!(await store.jobStore.retryFailed(id, clock.now()))) {
          throw new CliFailure(`No failed job with id ${id}: it does not exist or has not failed (see: npm run cli -- jobs --status failed).`);
        }
        io.out(`Job ${id} is pending again. ${PICKED_UP}`);
        return;
      }
      const count = await retryAllFailed(store.jobStore, () => clock.now());
      io.out(`Retried ${count} failed ${count === 1 ? 'job' : 'jobs'}.${count > 0 ? ` ${PICKED_UP}` : ''}`);
    });
}

/** Retries every job failed now, page by page; one failing again meanwhile is not retried twice. */
async function retryAllFailed(store: JobStore, now: () => Date): Promise<number> {
  const seen = new Set<string>();
  let retried = 0;
  for (;;) {
    const fresh = (await store.list({ status: 'failed', limit: 500 })).filter((job) => !seen.has(job.id));
    if (fresh.length === 0) return retried;
    for (const job of fresh) {
      seen.add(job.id);
      // False when someone else retried it first: theirs to count.
      if (await store.retryFailed(job.id, now())) retried++;
    }
  }
}

/** One line per job: id, type, status, attempts, queue, when, last error. */
function describeJob(job: Job): string {
  const when = job.finishedAt ? `finished ${job.finishedAt.toISOString()}` : `run at ${job.runAt.toISOString()}`;
  return [job.id, job.type, job.status, `${job.attempts}/${job.maxAttempts}`, job.queueKey ?? '-', when, oneLine(job.lastError)].join('\t');
}

function oneLine(error: string | null): string {
  if (!error) return '-';
  const flat = error.replace(/\s+/g, ' ').trim();
  return flat.length > ERROR_SHOWN ? `${flat.slice(0, ERROR_SHOWN - 1)}…` : flat;
}

function presentJob(job: Job) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    queueKey: job.queueKey,
    runAt: job.runAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    lastError: job.lastError,
  };
}
