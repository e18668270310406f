import { sql, type Selectable, type Updateable } from 'kysely';
import type { JobsTable } from '../db/schema.js';
import type { IdGenerator } from '../ports/clock.port.js';
import { LEASE_EXPIRED_ERROR, type Job, type JobQueue, type JobStatus, type JobStore } from '../ports/jobs.port.js';
import type { Engine } from '../ports/store.port.js';
import { date, dateOrNull, iso, type Db } from './rows.js';

const DEFAULT_MAX_ATTEMPTS = 100;
const ERROR_MAX = 2000;

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    payload: JSON.parse(row.payload) as unknown,
    queueKey: row.queue_key,
    status: row.status as JobStatus,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: date(row.run_at),
    lastError: row.last_error,
    createdAt: date(row.created_at),
    finishedAt: dateOrNull(row.finished_at),
  };
}

/** Enqueueing within the caller's transaction. */
export function createJobQueue(db: Db, ids: IdGenerator, now: () => Date): JobQueue {
  return {
    async enqueue(job) {
      const at = now();
      if (job.dedupeKey) {
        const waiting = await db
          .selectFrom('jobs')
          .select('seq')
          .where('dedupe_key', '=', job.dedupeKey)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (waiting) return;
      }
      await db
        .insertInto('jobs')
        .values({
          id: ids.newId(),
          type: job.type,
          payload: JSON.stringify(job.payload ?? null),
          queue_key: job.queueKey ?? null,
          dedupe_key: job.dedupeKey ?? null,
          status: 'pending',
          attempts: 0,
          max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          run_at: iso(job.runAt ?? at),
          locked_by: null,
          locked_until: null,
          last_error: null,
          created_at: iso(at),
          updated_at: iso(at),
          finished_at: null,
        })
        .execute();
    },
  };
}

/**
 * Marks up to `limit` due jobs running for `leaseMs` and returns them, oldest due first: the head
 * of each queue only (a job waits while an earlier one with its key is unfinished, so one
 * incident's messages arrive in order even across retries), hence never two of one queue.
 */
async function claimDue(db: Db, engine: Engine, workerId: string, now: Date, leaseMs: number, limit: number): Promise<Selectable<JobsTable>[]> {
  if (limit < 1) return [];
  const at = iso(now);
  const due = db
    .selectFrom('jobs as j')
    .select('j.seq')
    .where('j.status', '=', 'pending')
    .where('j.run_at', '<=', at)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('jobs as e')
            .select('e.seq')
            .whereRef('e.queue_key', '=', 'j.queue_key')
            .whereRef('e.seq', '<', 'j.seq')
            .where('e.status', 'in', ['pending', 'running']),
        ),
      ),
    )
    .orderBy('j.run_at')
    .orderBy('j.seq')
    .limit(limit);
  const claim = db
    .updateTable('jobs')
    .set({
      status: 'running',
      locked_by: workerId,
      locked_until: iso(new Date(now.getTime() + leaseMs)),
      attempts: sql<number>`attempts + 1`,
      updated_at: at,
    })
    .where('status', '=', 'pending');
  // Several workers (processes) on PostgreSQL: each skips the rows another is claiming. The
  // candidates are taken once, as an array: as `seq IN (…)` PostgreSQL may run the locking
  // subquery again for each row it updates, each time past the rows it locked, so the limit
  // would not hold. SQLite (one writer) reads an IN list once.
  const candidates =
    engine === 'postgres' ? claim.where(sql<boolean>`seq = any(array${due.forUpdate('j').skipLocked()})`) : claim.where('seq', 'in', due);
  return candidates.returningAll().execute();
}

/** Claimed rows as jobs, in the order they were due (RETURNING keeps none). */
const inOrder = (rows: Selectable<JobsTable>[]): Job[] => rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.seq - b.seq);

/** Changes a running job only while `workerId` still holds it (its lease was not taken over). */
async function asHolder(db: Db, id: string, workerId: string, set: Updateable<JobsTable>): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const done = (now: Date): Updateable<JobsTable> => ({ status: 'done', locked_by: null, locked_until: null, finished_at: iso(now), updated_at: iso(now) });

/** The worker's side of the queue, on SQLite (one writer) or PostgreSQL (SKIP LOCKED). */
export function createJobStore(db: Db, engine: Engine): JobStore {
  return {
    claimDue: async (workerId, now, leaseMs, limit) => inOrder(await claimDue(db, engine, workerId, now, leaseMs, limit)),

    async completeAndClaim(id, workerId, now, leaseMs, limit) {
      if (limit < 1) return { completed: await asHolder(db, id, workerId, done(now)), claimed: [] };
      const { completed, rows } = await db.transaction().execute(async (trx) => {
        const completed = await asHolder(trx, id, workerId, done(now));
        return { completed, rows: await claimDue(trx, engine, workerId, now, leaseMs, limit) };
      });
      // Read after the commit: a row that will not parse must not undo the completion.
      return { completed, claimed: inOrder(rows) };
    },

    complete: (id, workerId, now) => asHolder(db, id, workerId, done(now)),

    reschedule: (id, workerId, runAt, error, now) =>
      asHolder(db, id, workerId, {
        status: 'pending',
        run_at: iso(runAt),
        locked_by: null,
        locked_until: null,
        last_error: error.slice(0, ERROR_MAX),
        updated_at: iso(now),
      }),

    fail: (id, workerId, error, now) =>
      asHolder(db, id, workerId, {
        status: 'failed',
        locked_by: null,
        locked_until: null,
        last_error: error.slice(0, ERROR_MAX),
        finished_at: iso(now),
        updated_at: iso(now),
      }),

    extendLease: (id, workerId, until, now) => asHolder(db, id, workerId, { locked_until: iso(until), updated_at: iso(now) }),

    async releaseExpired(now) {
      const result = await db
        .updateTable('jobs')
        .set({ status: 'pending', locked_by: null, locked_until: null, last_error: LEASE_EXPIRED_ERROR, updated_at: iso(now) })
        .where('status', '=', 'running')
        .where('locked_until', '<', iso(now))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async list({ status, limit }) {
      const statuses: readonly JobStatus[] = status === undefined ? [] : typeof status === 'string' ? [status] : status;
      let query = db.selectFrom('jobs').selectAll();
      if (statuses.length > 0) query = query.where('status', 'in', statuses);
      // updated_at is ISO text on both engines, so it sorts as time: the latest failure or retry first.
      return (await query.orderBy('updated_at', 'desc').orderBy('seq', 'desc').limit(limit).execute()).map(toJob);
    },

    async retryFailed(id, now) {
      const result = await db
        .updateTable('jobs')
        .set({ status: 'pending', run_at: iso(now), finished_at: null, updated_at: iso(now) })
        .where((eb) => eb.or([eb('id', '=', id), eb(sql`cast(seq as text)`, '=', id)]))
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async stats(now) {
      const rows = await db
        .selectFrom('jobs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .where('status', 'in', ['pending', 'running', 'failed'])
        .groupBy('status')
        .execute();
      const count = (status: string) => Number(rows.find((r) => r.status === status)?.count ?? 0);
      const at = iso(now);
      // The due jobs claim could take (the head of each queue), except that a running job whose lease
      // ran out holds nothing back: a live worker releases it within a poll, so if none does, its queue
      // is stuck too. Jobs behind a head waiting out an outage are not "stuck" (see JobStats).
      const oldest = await db
        .selectFrom('jobs as j')
        .select((eb) => eb.fn.min('j.run_at').as('run_at'))
        .where('j.status', '=', 'pending')
        .where('j.run_at', '<=', at)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('jobs as e')
                .select('e.seq')
                .whereRef('e.queue_key', '=', 'j.queue_key')
                .whereRef('e.seq', '<', 'j.seq')
                .where('e.status', 'in', ['pending', 'running'])
                .where((e) => e.or([e('e.status', '=', 'pending'), e('e.locked_until', '>=', at)])),
            ),
          ),
        )
        .executeTakeFirst();
      const oldestDueAgeMs = oldest?.run_at ? Math.max(0, now.getTime() - Date.parse(String(oldest.run_at))) : 0;
      return { pending: count('pending'), running: count('running'), failed: count('failed'), oldestDueAgeMs };
    },
  };
}
