import type { Job, JobStore } from '../../src/ports/jobs.port.js';

/**
 * The Slack work still queued or running. Reminder checks are left out: they wait, pending, for
 * the time a reminder may be due (minutes to days away), so "nothing pending" never holds once an
 * incident has a channel.
 */
export async function slackJobsLeft(jobs: JobStore): Promise<Job[]> {
  return (await jobs.list({ status: ['pending', 'running'], limit: 1000 })).filter((job) => job.type.startsWith('slack.'));
}
