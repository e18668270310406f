// `npm run bench`: every benchmark, one after the other (they would disturb each other side by
// side on two cores), then ONE table of the figures the performance targets name, each with its
// target and whether this run met it, headed by the machine. Each script's own JSON stays in
// bench/results/; the summary goes to bench/results/summary.json.
//   npm run bench                       about 8 minutes on 2 cores
//   BENCH_DURATION=3 npm run bench      shorter load phases (about 4 minutes)
//   BENCH_ONLY=slack,startup npm run bench
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { describeMachine, describePostgres } from './machine.js';

const SCRIPTS = ['api', 'slack', 'web', 'startup'] as const;
type Script = (typeof SCRIPTS)[number];

interface SummaryRow {
  figure: string;
  engine: string;
  measured: string;
  target: string;
  /** null: a figure shown for context, with no target. */
  met: boolean | null;
}

/** Runs one bench script as its own process; its table goes to stderr as progress. */
async function run(script: Script): Promise<{ ok: boolean; seconds: number }> {
  const started = performance.now();
  process.stderr.write(`\n== bench/${script}.ts\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${script}.ts`], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.pipe(process.stderr);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { ok: code === 0, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

async function readResult<T>(script: Script): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(`bench/results/${script}.json`, 'utf8')) as T;
  } catch {
    return null;
  }
}

const ms = (n: number) => `${n} ms`;
const atMost = (value: number, limit: number) => value <= limit;

// The shapes the scripts write (see each script's JSON).
interface ApiResult { rows: { engine: string; scenario: string; requestsPerSecond: number; p50Ms: number; p99Ms: number }[] }
interface SlackResult {
  rate: number;
  rows: { engine: string; scenario: string; load: 'open' | 'closed'; requestsPerSecond: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number; bareRequestsPerSecond?: number; bareP99Ms?: number; floor?: boolean; cpuUsPerRequest?: number }[];
  channelReady: { engine: string; runs: number; p50Ms: number; p99Ms: number }[];
}
interface WebResult { incidents: number; entries: number; rows: { engine: string; path: string; pageKiB: number; seqP50Ms: number; seqP99Ms: number }[] }
interface StartupResult { starts?: number; rows: { engine: string; variant: string; coldStartP50Ms: number; coldStartMaxMs: number; idleRssMiB: number; idleRssMaxMiB?: number }[] }

function summarise(api: ApiResult | null, slack: SlackResult | null, web: WebResult | null, startup: StartupResult | null): SummaryRow[] {
  const rows: SummaryRow[] = [];
  if (slack) {
    const bare = (load: 'open' | 'closed') => slack.rows.find((r) => r.engine === 'none' && r.load === load);
    const bareOpen = bare('open');
    const bareClosed = bare('closed');
    if (bareOpen) rows.push({ figure: `bare fastify route, ack p50 / p99 at ${slack.rate} req/s`, engine: '—', measured: `${bareOpen.p50Ms} / ${bareOpen.p99Ms} ms`, target: '—', met: null });
    const paired = slack.rows.flatMap((r) => (r.bareRequestsPerSecond ? [r.bareRequestsPerSecond] : []));
    const range = paired.length > 0 ? `; ${Math.min(...paired)}–${Math.max(...paired)} req/s just before each app run` : '';
    if (bareClosed) rows.push({ figure: 'bare fastify route, max throughput', engine: '—', measured: `${bareClosed.requestsPerSecond} req/s${range}`, target: '—', met: null });
    // The durable-ack floor's share on the same engine and request kind (bench/durable-floor-server.ts).
    const shareOf = (r: SlackResult['rows'][number]) => (100 * r.requestsPerSecond) / (r.bareRequestsPerSecond ?? bareClosed?.requestsPerSecond ?? Number.NaN);
    // The server's CPU time per request: steadier than req/s on a shared machine (bench/slack.ts).
    const cpu = (r: SlackResult['rows'][number]) => (r.cpuUsPerRequest === undefined ? '' : `; ${r.cpuUsPerRequest} µs CPU a request`);
    const floorOf = (r: SlackResult['rows'][number]) => slack.rows.find((f) => f.floor && f.engine === r.engine && f.scenario.endsWith(r.scenario));
    for (const r of slack.rows.filter((x) => x.floor)) {
      rows.push({
        figure: `${r.scenario}: max throughput, share of the bare route (${r.bareRequestsPerSecond} req/s just before); a yardstick, not the app`,
        engine: r.engine,
        measured: `${r.requestsPerSecond} req/s = ${shareOf(r).toFixed(1)} %${cpu(r)}`,
        target: '—',
        met: null,
      });
    }
    for (const r of slack.rows.filter((x) => x.engine !== 'none' && !x.floor)) {
      const failures = r.non2xx + r.errors ? ` (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
      if (r.load === 'open') {
        rows.push({
          figure: `${r.scenario}: ack p50 / p99 at ${slack.rate} req/s offered`,
          engine: r.engine,
          // The bare route's p99 just before: how busy the machine was while this row was measured.
          measured: `${r.p50Ms} / ${r.p99Ms} ms${r.bareP99Ms === undefined ? '' : ` (bare route ${r.bareP99Ms} ms just before)`}${failures}`,
          target: 'p99 ≤ 25 ms',
          met: atMost(r.p99Ms, 25) && !failures,
        });
      } else if (r.bareRequestsPerSecond ?? bareClosed) {
        // Against the bare route's run just before this one (bench/slack.ts, pairedClosedRow).
        const yardstick = r.bareRequestsPerSecond ?? bareClosed!.requestsPerSecond;
        const share = shareOf(r);
        const floor = floorOf(r);
        rows.push({
          figure: `${r.scenario}: max throughput, share of the bare route (${yardstick} req/s just before)`,
          engine: r.engine,
          measured: `${r.requestsPerSecond} req/s = ${share.toFixed(1)} %${floor ? ` (durable-ack floor ${shareOf(floor).toFixed(1)} %)` : ''}${cpu(r)}${failures}`,
          target: '≥ 40 %',
          met: share >= 40 && !failures,
        });
      }
    }
    for (const c of slack.channelReady) {
      rows.push({ figure: `declare → channel-ready p50 / p99 (${c.runs} runs)`, engine: c.engine, measured: `${c.p50Ms} / ${c.p99Ms} ms`, target: 'p50 ≤ 150 ms', met: atMost(c.p50Ms, 150) });
    }
  }
  if (web) {
    for (const r of web.rows) {
      if (r.path === '/incidents/INC-1') {
        rows.push({ figure: `incident page, ${web.entries} timeline entries: p50 / p99 (${r.pageKiB} KiB)`, engine: r.engine, measured: `${r.seqP50Ms} / ${r.seqP99Ms} ms`, target: 'p99 ≤ 150 ms', met: atMost(r.seqP99Ms, 150) });
      } else if (r.path === '/incidents') {
        rows.push({ figure: `incident list over ${web.incidents} incidents: p50 / p99`, engine: r.engine, measured: `${r.seqP50Ms} / ${r.seqP99Ms} ms`, target: 'p99 ≤ 50 ms', met: atMost(r.seqP99Ms, 50) });
      } else {
        rows.push({ figure: `incident list \`${r.path.replace('/incidents', '')}\`: p50 / p99`, engine: r.engine, measured: `${r.seqP50Ms} / ${r.seqP99Ms} ms`, target: '—', met: null });
      }
    }
  }
  if (startup) {
    for (const r of startup.rows) {
      const npmStart = r.variant.includes('npm start');
      const toMb = (mib: number) => Math.round((mib * 1024 * 1024) / 1e6);
      const mb = toMb(r.idleRssMiB);
      const spread = r.idleRssMaxMiB === undefined ? '' : ` median of ${startup.starts ?? '?'} starts (max ${toMb(r.idleRssMaxMiB)} MB)`;
      rows.push({ figure: `cold start to /healthz 200, p50 (max), ${r.variant}`, engine: r.engine, measured: `${ms(r.coldStartP50Ms)} (${ms(r.coldStartMaxMs)})`, target: npmStart ? '≤ 1.5 s' : '—', met: npmStart ? atMost(r.coldStartP50Ms, 1500) : null });
      // The median is the figure: some starts keep 8-10 MB more than the others (bench/startup.ts).
      rows.push({ figure: `idle RSS, ${r.variant}`, engine: r.engine, measured: `${mb} MB${spread}`, target: npmStart ? '≤ 120 MB' : '—', met: npmStart ? mb <= 120 : null });
    }
  }
  if (api) {
    for (const r of api.rows) rows.push({ figure: `REST API ${r.scenario}: req/s, p50 / p99 (closed loop)`, engine: r.engine, measured: `${r.requestsPerSecond} req/s, ${r.p50Ms} / ${r.p99Ms} ms`, target: '—', met: null });
  }
  return rows;
}

const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const started = new Date();
const runs: Partial<Record<Script, { ok: boolean; seconds: number }>> = {};
for (const script of SCRIPTS) {
  if (only && !only.has(script)) continue;
  // A stale result from an earlier run must not pass for this run's.
  await fs.rm(`bench/results/${script}.json`, { force: true });
  runs[script] = await run(script);
}
const [api, slack, web, startup] = await Promise.all([
  readResult<ApiResult>('api'),
  readResult<SlackResult>('slack'),
  readResult<WebResult>('web'),
  readResult<StartupResult>('startup'),
]);
const rows = summarise(api, slack, web, startup);
const machine = `${describeMachine()}, ${await describePostgres()}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total / ${(os.freemem() / 1024 ** 3).toFixed(1)} GiB free at the end`;
const failed = Object.entries(runs).filter(([, r]) => !r.ok).map(([s]) => s);
const lines = [
  `npm run bench — ${started.toISOString()} — ${machine}`,
  `scripts: ${Object.entries(runs).map(([s, r]) => `${s} ${r.ok ? 'ok' : 'FAILED'} in ${r.seconds} s`).join(', ')}; BENCH_DURATION=${process.env.BENCH_DURATION ?? 10}`,
  '',
  '| figure | engine | measured | target | met? |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.engine} | ${r.measured} | ${r.target} | ${r.met === null ? '' : r.met ? 'met' : '**missed**'} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile('bench/results/summary.json', `${JSON.stringify({ machine, date: started.toISOString(), runs, rows }, null, 2)}\n`);
if (failed.length) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
