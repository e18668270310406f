// Render time of the site's heaviest pages on SQLite and PostgreSQL: an incident page whose
// timeline is long, and the incident list (plain and searched) over many incidents.
//   npm run bench:web                                                   100,000 incidents, 10,000 entries, 10 s per load
//   BENCH_INCIDENTS=5000 BENCH_ENTRIES=1000 BENCH_DURATION=2 npm run bench:web   smaller and shorter
// Per page: 20 sequential GETs after 3 warm-ups (p50/p99 of the full response, body read), then
// autocannon, 5 connections. The server runs as its own process with default settings
// (LOG_LEVEL=info), signed in through the development sign-in. Figures, not thresholds.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { connect } from '../src/db/connect.js';
import { parseDatabaseUrl } from '../src/db/database-url.js';
import { createLogger } from '../src/logger.js';
import { startServerProcess } from '../test/support/server-process.js';
import { describeMachine } from './machine.js';
import { npmStartFlags } from './npm-start.js';
import { scratchDatabase } from './scratch-database.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 5);
const incidentCount = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const entryCount = Number(process.env.BENCH_ENTRIES ?? 10_000);
const WARMUPS = 3;
const SAMPLES = 20;
const BATCH = 1000;
const USERS = 20;

type Engine = 'sqlite' | 'postgres';

interface Row {
  engine: string;
  scenario: string;
  path: string;
  pageKiB: number;
  seqP50Ms: number;
  seqP99Ms: number;
  requestsPerSecond: number;
  loadP50Ms: number;
  loadP99Ms: number;
  non2xx: number;
  errors: number;
}


const WORDS = ['database', 'checkout', 'login', 'payments', 'search', 'email', 'queue', 'cache', 'DNS', 'storage', 'API', 'billing'];
const TROUBLES = ['outage', 'slowness', 'errors', 'timeouts', 'degraded', 'failing', 'unavailable', 'latency spike'];
const SEVERITIES = ['critical', 'major', 'trivial', null] as const;

/**
 * INC-1 through the service (counter, references, declaration events as the app writes them),
 * then the rest of the incidents and INC-1's long timeline inserted directly, in transactions of
 * BATCH rows, every NOT NULL column filled as the repositories would.
 */
async function seed(url: string, engine: Engine): Promise<{ seconds: number }> {
  const started = performance.now();
  const services = buildServices(loadConfig({ DATABASE_URL: url }, process.cwd()), { logger: createLogger('silent') });
  await services.store.migrate();
  const { user } = await services.users.fromSlack('U0BENCH');
  const first = await services.incidents.declare(
    { user, source: 'web' },
    { title: 'Bench incident with a long timeline', severity: 'major', summary: 'The incident whose page is measured.' },
  );
  await services.store.close();
  if (first.reference !== 'INC-1') throw new Error(`expected INC-1, declared ${first.reference}`);

  const { db } = connect(parseDatabaseUrl(url, process.cwd())!);
  try {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const epoch = iso(now - 400 * 86_400_000);
    const userIds = Array.from({ length: USERS }, (_, i) => `bench-user-${i}`);
    await db
      .insertInto('users')
      .values(userIds.map((id, i) => ({ id, name: `Bench Person ${i}`, email: `person${i}@example.org`, slack_user_id: `UBENCH${i}`, created_at: epoch, updated_at: epoch })))
      .execute();

    // Incidents 2..N: mostly closed, a few open, every severity (and none), a summary on a third.
    // Started one a few minutes apart, oldest first, ending before INC-1 was declared.
    const spacingMs = 5 * 60_000;
    for (let from = 2; from <= incidentCount; from += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, incidentCount - from + 1) }, (_, i) => from + i);
      const incidents = numbers.map((n) => {
        const startedAt = now - (incidentCount - n + 1) * spacingMs;
        const open = n % 100 === 0;
        const reporter = userIds[n % USERS]!;
        const word = WORDS[n % WORDS.length]!;
        const trouble = TROUBLES[Math.floor(n / WORDS.length) % TROUBLES.length]!;
        return {
          id: randomUUID(),
          number: n,
          reference: `INC-${n}`,
          title: `${word} ${trouble} (${n})`,
          status: open ? 'open' : 'closed',
          close_reason: open ? null : n % 20 === 1 ? 'blocked' : 'resolved',
          blocked_until: null,
          report_only: 0,
          occurred_at: null,
          private: 0,
          summary: n % 3 === 0 ? `Customers saw ${trouble} on ${word}; traffic was moved to the standby and the fault fixed.` : null,
          impact: n % 5 === 0 ? `Some ${word} requests failed.` : null,
          severity: SEVERITIES[n % SEVERITIES.length]!,
          started_at: iso(startedAt),
          ended_at: open ? null : iso(startedAt + 45 * 60_000),
          channel_id: null,
          channel_name: null,
          reporter_id: reporter,
          version: open ? 2 : 4,
          created_at: iso(startedAt),
          updated_at: iso(startedAt + 45 * 60_000),
        };
      });
      const roles = incidents.map((incident, i) => ({
        id: randomUUID(),
        incident_id: incident.id,
        role: 'lead',
        user_id: userIds[(numbers[i]! + 7) % USERS]!,
        assigned_at: incident.started_at,
        assigned_by: incident.reporter_id,
        ended_at: null,
        ended_by: null,
      }));
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('incidents').values(incidents).execute();
        await trx.insertInto('role_assignments').values(roles).execute();
      });
    }
    await db.updateTable('counters').set({ value: incidentCount }).where('name', '=', 'incident').execute();

    // INC-1's timeline: notes from several people (a few from Slack), one second apart up to its
    // declaration, each with its first revision.
    const firstStart = first.startedAt.getTime();
    for (let from = 0; from < entryCount; from += BATCH) {
      const indexes = Array.from({ length: Math.min(BATCH, entryCount - from) }, (_, i) => from + i);
      const entries = indexes.map((i) => {
        const at = iso(firstStart - (entryCount - i) * 1000);
        const author = userIds[i % USERS]!;
        return {
          id: randomUUID(),
          incident_id: first.id,
          occurred_at: at,
          kind: i % 50 === 0 ? 'pinnedMessage' : 'note',
          text: `Update ${i + 1}: checked ${WORDS[i % WORDS.length]}, ${TROUBLES[i % TROUBLES.length]} persists; next step is to look at the *${WORDS[(i + 3) % WORDS.length]}* dashboards.`,
          link: i % 25 === 0 ? `https://status.example.org/checks/${i}` : null,
          removed: 0,
          author_id: author,
          source: i % 4 === 0 ? 'slack' : 'web',
          revision: 1,
          created_at: at,
          updated_at: at,
          updated_by: author,
          source_ref: null,
        };
      });
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('timeline_entries').values(entries).execute();
        await trx
          .insertInto('timeline_revisions')
          .values(
            entries.map((e) => ({
              entry_id: e.id,
              revision: 1,
              occurred_at: e.occurred_at,
              kind: e.kind,
              text: e.text,
              link: e.link,
              removed: 0,
              revised_by: e.author_id,
              source: e.source,
              revised_at: e.created_at,
            })),
          )
          .execute();
      });
    }
    // What autovacuum would do shortly after such a load on a real server.
    if (engine === 'postgres') await sql`ANALYZE`.execute(db);
  } finally {
    await db.destroy();
  }
  return { seconds: (performance.now() - started) / 1000 };
}

/** The development sign-in by hand, to hand the session cookie to autocannon too. */
async function signIn(baseUrl: string, name: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/sign-in`, { redirect: 'manual' });
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on /sign-in');
  const answer = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, name, next: '/incidents' }).toString(),
    redirect: 'manual',
  });
  keep(answer);
  await answer.text();
  if (answer.status !== 303) throw new Error(`sign-in answered ${answer.status}`);
  return header();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function measure(engine: Engine, scenario: string, baseUrl: string, pagePath: string, cookie: string): Promise<Row> {
  const get = async () => {
    const response = await fetch(baseUrl + pagePath, { headers: { cookie }, redirect: 'manual' });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`GET ${pagePath} answered ${response.status}`);
    return body.length;
  };
  for (let i = 0; i < WARMUPS; i++) await get();
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    size = await get();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const load = await autocannon({ url: baseUrl + pagePath, connections, duration, headers: { cookie } });
  return {
    engine,
    scenario,
    path: pagePath,
    pageKiB: Math.round(size / 1024),
    seqP50Ms: round(percentile(times, 50)),
    seqP99Ms: round(percentile(times, 99)),
    requestsPerSecond: Math.round(load.requests.average * 10) / 10,
    loadP50Ms: load.latency.p50,
    loadP99Ms: load.latency.p99,
    non2xx: load.non2xx,
    errors: load.errors + load.timeouts,
  };
}

async function benchEngine(engine: Engine): Promise<{ rows: Row[]; seedSeconds: number }> {
  const db = await scratchDatabase(engine);
  try {
    const { seconds } = await seed(db.url, engine);
    process.stderr.write(`${engine}: seeded ${incidentCount} incidents and ${entryCount} timeline entries in ${seconds.toFixed(1)} s\n`);
    const server = await startServerProcess({ DATABASE_URL: db.url }, npmStartFlags);
    try {
      const cookie = await signIn(server.baseUrl, 'Bench Reader');
      const rows = [
        await measure(engine, `incident page, ${entryCount} timeline entries`, server.baseUrl, '/incidents/INC-1', cookie),
        await measure(engine, `incident list, ${incidentCount} incidents`, server.baseUrl, '/incidents', cookie),
        await measure(engine, 'incident list, search (common word)', server.baseUrl, '/incidents?q=database', cookie),
        await measure(engine, 'incident list, search (no match)', server.baseUrl, '/incidents?q=nosuchthing', cookie),
      ];
      return { rows, seedSeconds: seconds };
    } finally {
      server.child.kill('SIGTERM');
      await server.exited();
    }
  } finally {
    await db.cleanup();
  }
}

const rows: Row[] = [];
const seedSeconds: Record<string, number> = {};
for (const engine of ['sqlite', 'postgres'] as const) {
  const result = await benchEngine(engine);
  rows.push(...result.rows);
  seedSeconds[engine] = Math.round(result.seedSeconds * 10) / 10;
}

const machine = describeMachine();
const date = new Date().toISOString();
const lines = [
  `bench/web — ${date} — ${machine}`,
  `${incidentCount} incidents (1 in 100 open), ${entryCount} timeline entries on INC-1; ${SAMPLES} sequential GETs after ${WARMUPS} warm-ups, ` +
    `then ${duration} s of autocannon at ${connections} connections; server at the default LOG_LEVEL=info; ` +
    `seeding took ${Object.entries(seedSeconds).map(([e, s]) => `${s} s on ${e}`).join(', ')}`,
  '',
  '| engine | page | path | KiB | seq p50 ms | seq p99 ms | req/s | load p50 ms | load p99 ms | non-2xx | errors |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.engine} | ${r.scenario} | \`${r.path}\` | ${r.pageKiB} | ${r.seqP50Ms} | ${r.seqP99Ms} | ${r.requestsPerSecond} | ${r.loadP50Ms} | ${r.loadP99Ms} | ${r.non2xx} | ${r.errors} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile(
  'bench/results/web.json',
  `${JSON.stringify({ machine, date, incidents: incidentCount, entries: entryCount, duration, connections, warmups: WARMUPS, samples: SAMPLES, seedSeconds, rows }, null, 2)}\n`,
);
