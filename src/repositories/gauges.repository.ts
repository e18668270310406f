import type { GaugeReader, JobDepth } from '../ports/gauges.port.js';
import type { Db } from './rows.js';

const unfinished = ['pending', 'running', 'failed'] as const;

/** Two GROUP BY counts over indexed columns (jobs by status, incidents by status) and the inbox's size (small; emptied as requests are handled): cheap enough per scrape. */
export function createGaugeReader(db: Db): GaugeReader {
  return {
    async jobDepth() {
      const rows = await db
        .selectFrom('jobs')
        .select(['type', 'status', (eb) => eb.fn.countAll<number | string>().as('count')])
        .where('status', 'in', [...unfinished])
        .groupBy(['type', 'status'])
        .execute();
      return rows.map((r) => ({ type: r.type, status: r.status as JobDepth['status'], count: Number(r.count) }));
    },
    async openIncidents() {
      const rows = await db
        .selectFrom('incidents')
        .select(['severity', (eb) => eb.fn.countAll<number | string>().as('count')])
        .where('status', '=', 'open')
        .groupBy('severity')
        .execute();
      return rows.map((r) => ({ severity: r.severity, count: Number(r.count) }));
    },
    async slackInboxDepth() {
      const row = await db.selectFrom('slack_inbox').select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirst();
      return Number(row?.count ?? 0);
    },
  };
}
