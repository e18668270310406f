import type { NudgeKind } from '../domain/nudges.js';
import type { NudgeRecord, NudgeRepository } from '../ports/store.port.js';
import { dateOrNull, iso, isoOrNull, type Db } from './rows.js';

export function createNudgeRepository(db: Db): NudgeRepository {
  return {
    async forIncident(incidentId) {
      const rows = await db.selectFrom('nudges').selectAll().where('incident_id', '=', incidentId).execute();
      return new Map(
        rows.map((r): [NudgeKind, NudgeRecord] => [
          r.kind as NudgeKind,
          {
            kind: r.kind as NudgeKind,
            sentCount: Number(r.sent_count),
            lastSentAt: dateOrNull(r.last_sent_at),
            snoozedUntil: dateOrNull(r.snoozed_until),
            stoppedAt: dateOrNull(r.stopped_at),
            everyMs: r.every_ms === null ? null : Number(r.every_ms),
            since: dateOrNull(r.since),
          },
        ]),
      );
    },

    async markSent(incidentId, kind, sentBefore, at) {
      // Insert-or-update in one statement, conditional on the count seen: the compare-and-set
      // that makes a reminder go out once when two instances check it together.
      const result = await db
        .insertInto('nudges')
        .values({ incident_id: incidentId, kind, sent_count: 1, last_sent_at: iso(at) })
        .onConflict((oc) =>
          oc
            .columns(['incident_id', 'kind'])
            .doUpdateSet((eb) => ({ sent_count: eb('nudges.sent_count', '+', 1), last_sent_at: iso(at) }))
            .where('nudges.sent_count', '=', sentBefore),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async set(incidentId, kind, fields) {
      const values = {
        ...('snoozedUntil' in fields ? { snoozed_until: isoOrNull(fields.snoozedUntil ?? null) } : {}),
        ...('stoppedAt' in fields ? { stopped_at: isoOrNull(fields.stoppedAt ?? null) } : {}),
        ...('everyMs' in fields ? { every_ms: fields.everyMs ?? null } : {}),
        ...('since' in fields ? { since: isoOrNull(fields.since ?? null) } : {}),
      };
      if (Object.keys(values).length === 0) return;
      await db
        .insertInto('nudges')
        .values({ incident_id: incidentId, kind, ...values })
        .onConflict((oc) => oc.columns(['incident_id', 'kind']).doUpdateSet(values))
        .execute();
    },
  };
}
