import type { JobStatus } from './jobs.port.js';

/** Unfinished jobs of one type in one status. */
export interface JobDepth {
  readonly type: string;
  readonly status: Exclude<JobStatus, 'done'>;
  readonly count: number;
}

/** Open incidents of one severity (null: not yet set). */
export interface OpenIncidentCount {
  readonly severity: string | null;
  readonly count: number;
}

/** Cheap aggregate reads for the metrics endpoint, taken at scrape time. */
export interface GaugeReader {
  /** Pending, running and failed jobs grouped by type and status (done jobs are not counted). */
  jobDepth(): Promise<JobDepth[]>;
  /** Open incidents grouped by severity, drills included (they still take people's time). */
  openIncidents(): Promise<OpenIncidentCount[]>;
  /** Slack requests written to the inbox and not yet handled (a backlog that should drain). */
  slackInboxDepth(): Promise<number>;
}
