/**
 * Reads a fuzz suite's database on a connection of its own: how many rows each table holds (one
 * query, so it can run around every case), and the invariants a whole change keeps (an incident
 * has the audit event that declared it; a timeline entry has its current revision and the audit
 * event that added it; an action has the one that added it). A partial write breaks one of them.
 */
import { sql } from 'kysely';
import { connect, type Connection } from '../../../src/db/connect.js';
import { parseDatabaseUrl } from '../../../src/db/database-url.js';
import type { Database } from '../../../src/db/schema.js';

// Every table of the schema: a new one is compared too once it is listed in Database.
const tables = [
  'counters', 'users', 'incidents', 'role_assignments', 'incident_people', 'nudges', 'timeline_entries',
  'timeline_revisions', 'actions', 'audit_events', 'api_tokens', 'jobs', 'idempotency_keys', 'slack_messages',
  'pages', 'paging_teams', 'rcas', 'rca_attendees', 'rca_publications', 'public_incidents',
  'public_incident_updates', 'status_components', 'vendor_requests',
] as const satisfies readonly (keyof Database)[];

// Counts see inserts and deletes; these see the updates a refused request must not make either.
const updateMarks = {
  incident_versions: sql`(select coalesce(sum(version), 0) from incidents)`,
  counter_values: sql`(select coalesce(sum(value), 0) from counters)`,
  timeline_revision_numbers: sql`(select coalesce(sum(revision), 0) from timeline_entries)`,
  actions_updated: sql`(select coalesce(max(updated_at), '') from actions)`,
  users_updated: sql`(select coalesce(max(updated_at), '') from users)`,
  nudges_sent: sql`(select coalesce(sum(sent_count), 0) from nudges)`,
};

export type Snapshot = Readonly<Record<string, number | string>>;

type Count = ReturnType<typeof sql<{ n: number | string }>>;

// Each invariant over the newest rows (after every case that wrote: cheap, and the case is the
// counterexample) or over every row (once at the end of a run: actions have no order to take the
// newest by, and the LIKE over audit data grows with the table).
const invariants: readonly { readonly name: string; readonly recent: Count | null; readonly all: Count }[] = [
  {
    name: 'an incident without the audit event that declared it',
    recent: sql`select count(*) as n from (select id from incidents order by number desc limit 5) i where not exists (select 1 from audit_events a where a.incident_id = i.id and a.type = 'incident.declared')`,
    all: sql`select count(*) as n from incidents i where not exists (select 1 from audit_events a where a.incident_id = i.id and a.type = 'incident.declared')`,
  },
  {
    name: 'a timeline entry without its current revision',
    recent: sql`select count(*) as n from (select id, revision from timeline_entries order by seq desc limit 20) t where not exists (select 1 from timeline_revisions r where r.entry_id = t.id and r.revision = t.revision)`,
    all: sql`select count(*) as n from timeline_entries t where not exists (select 1 from timeline_revisions r where r.entry_id = t.id and r.revision = t.revision)`,
  },
  {
    name: 'a timeline entry someone added without the audit event that added it',
    recent: sql`select count(*) as n from (select id, incident_id, source from timeline_entries order by seq desc limit 20) t where t.source <> 'system' and not exists (select 1 from audit_events a where a.incident_id = t.incident_id and a.type = 'timeline.entry_added' and a.data like '%' || t.id || '%')`,
    all: sql`select count(*) as n from timeline_entries t where t.source <> 'system' and not exists (select 1 from audit_events a where a.incident_id = t.incident_id and a.type = 'timeline.entry_added' and a.data like '%' || t.id || '%')`,
  },
  {
    name: 'an action without the audit event that added it',
    recent: null,
    all: sql`select count(*) as n from actions x where not exists (select 1 from audit_events a where a.incident_id = x.incident_id and a.type in ('action.added', 'follow_up.added') and a.data like '%' || x.id || '%')`,
  },
];

export interface DbProbe {
  /** Rows per table and the update marks, now. */
  snapshot(): Promise<Snapshot>;
  /** The invariants broken now (empty when the data is whole): over the newest rows, or all. */
  violations(scope?: 'recent' | 'all'): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens a probe on `databaseUrl`. */
export function openDbProbe(databaseUrl: string): DbProbe {
  const target = parseDatabaseUrl(databaseUrl, process.cwd());
  if (!target) throw new Error(`not a database URL: ${databaseUrl}`);
  const connection: Connection = connect(target, { poolSize: 1 });
  const counts = sql.join([
    ...tables.map((table) => sql`(select count(*) from ${sql.table(table)}) as ${sql.ref(table)}`),
    ...Object.entries(updateMarks).map(([name, query]) => sql`${query} as ${sql.ref(name)}`),
  ]);
  let dataVersion = -1;
  let last: Snapshot | undefined;
  return {
    async snapshot() {
      // SQLite bumps data_version whenever another connection commits: unchanged, nothing was written.
      if (target.engine === 'sqlite') {
        const { rows: version } = await sql<{ data_version: number }>`pragma data_version`.execute(connection.db);
        const current = version[0]?.data_version ?? -1;
        if (current === dataVersion && last) return last;
        dataVersion = current;
      }
      const { rows } = await sql<Record<string, number | string>>`select ${counts}`.execute(connection.db);
      const row = rows[0] ?? {};
      // PostgreSQL's count(*) and sum() are bigint or numeric, which pg returns as strings.
      const snapshot: Snapshot = Object.fromEntries([
        ...tables.map((table) => [table, Number(row[table])]),
        ...Object.keys(updateMarks).map((name) => [name, typeof row[name] === 'string' && /^\d+$/.test(row[name]) ? Number(row[name]) : (row[name] ?? '')]),
      ]);
      last = snapshot;
      return snapshot;
    },
    async violations(scope = 'recent') {
      const broken: string[] = [];
      for (const { name, recent, all } of invariants) {
        const query = scope === 'all' ? all : recent;
        if (!query) continue;
        const { rows } = await query.execute(connection.db);
        const n = Number(rows[0]?.n ?? 0);
        if (n > 0) broken.push(`${n} × ${name}`);
      }
      return broken;
    },
    close: () => connection.db.destroy(),
  };
}

/** The tables whose counts differ, e.g. `incidents 3→4, jobs 7→9`; '' when none. */
export function snapshotDiff(before: Snapshot, after: Snapshot): string {
  return Object.keys(after)
    .filter((table) => before[table] !== after[table])
    .map((table) => `${table} ${before[table]}→${after[table]}`)
    .join(', ');
}
