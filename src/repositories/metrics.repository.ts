import { stakeholderUpdateKinds } from '../domain/incident-durations.js';
import type { MetricsIncident } from '../domain/metrics.js';
import type { MetricsRepository, MetricsScope } from '../ports/store.port.js';
import { date, dateOrNull, iso, type Db } from './rows.js';

/**
 * The metrics' reads: one row of moments per incident in scope and two counts, whatever the size
 * of the timelines. The first lead and the first stakeholder update come from grouped queries
 * (min per incident) over the incidents in scope only, so nothing else is read.
 */
export function createMetricsRepository(db: Db): MetricsRepository {
  /** The incidents in scope: started in [from, to), not drills, and visible to the viewer if one is named. */
  function inScope(scope: MetricsScope) {
    let query = db
      .selectFrom('incidents')
      .where('incidents.drill', '=', 0)
      .where('incidents.started_at', '>=', iso(scope.from))
      .where('incidents.started_at', '<', iso(scope.to));
    const viewer = scope.visibleTo;
    if (viewer) {
      // The same rule as the incident repository's `visibleTo` (and isVisibleTo): public, or one of its people.
      query = query.where((eb) =>
        eb.or([
          eb('incidents.private', '=', 0),
          eb('incidents.reporter_id', '=', viewer),
          eb.exists(eb.selectFrom('role_assignments as ra').select('ra.id').whereRef('ra.incident_id', '=', 'incidents.id').where('ra.user_id', '=', viewer)),
          eb.exists(eb.selectFrom('incident_people as ip').select('ip.user_id').whereRef('ip.incident_id', '=', 'incidents.id').where('ip.user_id', '=', viewer)),
        ]),
      );
    }
    return query;
  }

  return {
    async incidentMoments(scope): Promise<MetricsIncident[]> {
      const ids = inScope(scope).select('incidents.id');
      const rows = await inScope(scope)
        .leftJoin(
          (eb) =>
            eb
              .selectFrom('role_assignments')
              .select((e) => ['incident_id', e.fn.min<string>('assigned_at').as('first_at')])
              .where('role', '=', 'lead')
              .where('incident_id', 'in', ids)
              .groupBy('incident_id')
              .as('lead'),
          (join) => join.onRef('lead.incident_id', '=', 'incidents.id'),
        )
        .leftJoin(
          (eb) =>
            eb
              .selectFrom('timeline_entries')
              .select((e) => ['incident_id', e.fn.min<string>('occurred_at').as('first_at')])
              .where('removed', '=', 0)
              .where('kind', 'in', [...stakeholderUpdateKinds])
              .where('incident_id', 'in', ids)
              .groupBy('incident_id')
              .as('update'),
          (join) => join.onRef('update.incident_id', '=', 'incidents.id'),
        )
        .select([
          'incidents.started_at',
          'incidents.ended_at',
          'incidents.severity',
          'lead.first_at as first_lead_at',
          'update.first_at as first_update_at',
        ])
        .orderBy('incidents.started_at')
        .execute();
      return rows.map((r) => ({
        startedAt: date(r.started_at),
        endedAt: dateOrNull(r.ended_at),
        severity: r.severity,
        firstLeadAt: dateOrNull(r.first_lead_at ?? null),
        firstUpdateAt: dateOrNull(r.first_update_at ?? null),
      }));
    },

    async followUpCounts(scope, today) {
      const row = await db
        .selectFrom('actions')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('open'),
          eb.fn
            .sum<number | string | null>(eb.case().when(eb.and([eb('due_on', 'is not', null), eb('due_on', '<', today)])).then(1).else(0).end())
            .as('overdue'),
        ])
        .where('follow_up', '=', 1)
        .where('done', '=', 0)
        .where('incident_id', 'in', inScope(scope).select('incidents.id'))
        .executeTakeFirstOrThrow();
      // PostgreSQL returns count and sum as strings (bigint, numeric); SQLite as numbers.
      return { open: Number(row.open), overdue: Number(row.overdue ?? 0) };
    },
  };
}
