import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Connection } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Clock, IdGenerator } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/jobs.port.js';
import type { Engine, Repositories, Store } from '../ports/store.port.js';
import { createActionRepository } from './action.repository.js';
import { createApiTokenRepository } from './api-token.repository.js';
import { createAuditRepository } from './audit.repository.js';
import { createGaugeReader } from './gauges.repository.js';
import { createIdempotencyRepository } from './idempotency.repository.js';
import { createIncidentPeopleRepository } from './incident-people.repository.js';
import { createNudgeRepository } from './nudge.repository.js';
import { createPageRepository } from './page.repository.js';
import { createPagingTeamRepository } from './paging-team.repository.js';
import { createIncidentRepository } from './incident.repository.js';
import { createJobQueue, createJobStore } from './job.repository.js';
import { createMetricsRepository } from './metrics.repository.js';
import { createRcaRepository } from './rca.repository.js';
import { createRcaPublicationRepository } from './rca-publication.repository.js';
import type { Db } from './rows.js';
import { createRetentionRepository } from './retention.repository.js';
import { createSlackInboxStore } from './slack-inbox.repository.js';
import { createSlackMessageRepository } from './slack-message.repository.js';
import { createStatusPageRepository } from './status-page.repository.js';
import { createTimelineRepository } from './timeline.repository.js';
import { createUserRepository } from './user.repository.js';

function repositories(db: Db, engine: Engine, clock: Clock, jobs: JobQueue, afterCommit: (callback: () => void) => void): Repositories {
  const now = () => clock.now();
  return {
    incidents: createIncidentRepository(db, engine),
    people: createIncidentPeopleRepository(db),
    nudges: createNudgeRepository(db),
    users: createUserRepository(db, now),
    timeline: createTimelineRepository(db),
    actions: createActionRepository(db),
    audit: createAuditRepository(db),
    tokens: createApiTokenRepository(db),
    jobs,
    idempotency: createIdempotencyRepository(db),
    slackMessages: createSlackMessageRepository(db, now),
    pages: createPageRepository(db),
    pagingTeams: createPagingTeamRepository(db),
    statusPage: createStatusPageRepository(db),
    retention: createRetentionRepository(db),
    metrics: createMetricsRepository(db),
    rcas: createRcaRepository(db),
    rcaPublications: createRcaPublicationRepository(db),
    afterCommit,
  };
}

export interface StoreOptions {
  readonly ids?: IdGenerator;
}

/** The Store port over one Kysely connection (SQLite or PostgreSQL, same code). */
export function createStore(connection: Connection, clock: Clock, options: StoreOptions = {}): Store {
  const { db } = connection;
  const engine = connection.target.engine;
  const ids = options.ids ?? { newId: () => randomUUID() };
  const listeners: (() => void)[] = [];
  const notify = () => {
    for (const listener of listeners) listener();
  };
  const immediateQueue = createJobQueue(db, ids, () => clock.now());

  return {
    engine,
    ...repositories(
      db,
      engine,
      clock,
      {
        async enqueue(job) {
          await immediateQueue.enqueue(job);
          notify();
        },
      },
      (callback) => callback(),
    ),
    async transaction(work) {
      let enqueued = false;
      const committed: (() => void)[] = [];
      const result = await db.transaction().execute((trx) => {
        const queue = createJobQueue(trx, ids, () => clock.now());
        const tracked: JobQueue = {
          async enqueue(job) {
            await queue.enqueue(job);
            enqueued = true;
          },
        };
        return work(repositories(trx, engine, clock, tracked, (callback) => committed.push(callback)));
      });
      // Only after the commit: a worker woken earlier would not see the jobs yet.
      if (enqueued) notify();
      for (const callback of committed) callback();
      return result;
    },
    jobStore: createJobStore(db, engine),
    slackInbox: createSlackInboxStore(db, engine),
    gauges: createGaugeReader(db),
    onJobsEnqueued(listener) {
      listeners.push(listener);
    },
    migrate: () => migrateToLatest(db, engine),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
