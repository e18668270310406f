// Cold start (process spawned → first `/healthz` 200) and idle RSS, on SQLite and PostgreSQL, of
// what `npm start` runs (node, its V8 flags and scripts/start.mjs, read from package.json: dist/
// checked against src/, then run), with Slack off (a fresh machine) and on; beside it the first
// start after an edit (the build included) and the start without a build, through tsx (how the
// tests start the server, and `npm start` before).
//   node --import tsx bench/startup.ts              5 starts per variant
//   BENCH_STARTS=2 node --import tsx bench/startup.ts
// The database is migrated beforehand, so a start measures the process, not the first migration.
// Idle RSS is read 3 s after /healthz answers. It still holds the young generation V8 grew while
// loading: V8's memory reducer gives 20-25 MB of it back once the process has idled a while (10-30 s
// in, when it runs at all: not on a loaded machine), so a later reading would flatter the figure.
// npm start caps that young generation (--max-semi-space-size, docs/performance.md).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { describeMachine } from './machine.js';
import { npmStartArgs } from './npm-start.js';
import { scratchDatabase } from './scratch-database.js';

const starts = Number(process.env.BENCH_STARTS ?? 5);
const IDLE_MS = 3000;
/** A start that rebuilt dist/ says so on stderr (scripts/start.mjs). */
const BUILT = /^built dist\/ in \d+ ms/m;
/** The source file touched to make "an edit": the process entry, so nothing else is disturbed. */
const EDITED = 'src/main.ts';

type Engine = 'sqlite' | 'postgres';

export interface StartupRow {
  engine: Engine;
  variant: string;
  coldStartP50Ms: number;
  coldStartMaxMs: number;
  /** RSS 3 s after the first /healthz 200: the median of every measured start. */
  idleRssMiB: number;
  /**
   * The largest of them. It varies by start: 9 starts in 31 kept 8-10 MiB more, in a malloc arena
   * of one of node's threads (docs/performance.md), so one reading is not the figure.
   */
  idleRssMaxMiB: number;
}

interface Variant {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** Before each start: make src/ newer than dist/, so this start builds. */
  edit?: boolean;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resident set size of a process in MiB, as the kernel counts it. */
async function rssMiB(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Start {
  ms: number;
  rss: number;
  built: boolean;
}

/** One start: spawn, poll /healthz every 5 ms until 200; then RSS after IDLE_MS if asked. */
async function startOnce(variant: Variant, env: Record<string, string>, measureRss: boolean): Promise<Start> {
  const port = await freePort();
  if (variant.edit) {
    const now = new Date();
    await fs.utimes(EDITED, now, now);
  }
  const started = performance.now();
  const child = spawn(process.execPath, variant.args, {
    env: { ...process.env, ...env, ...variant.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  let ms = NaN;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before /healthz answered:\n${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        ms = performance.now() - started;
        break;
      }
      if (performance.now() - started > 30_000) throw new Error(`no /healthz 200 within 30 s:\n${stderr}`);
      await pause(5);
    }
    let rss = NaN;
    if (measureRss) {
      // Idle: started, jobs worker polling, no requests.
      await pause(IDLE_MS);
      rss = await rssMiB(child.pid!);
    }
    return { ms, rss, built: BUILT.test(stderr) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;

/** One measured start of a variant, RSS included; a start that had to build dist/ when it should not is retried. */
async function measuredStart(variant: Variant, env: Record<string, string>): Promise<Start> {
  for (let attempt = 0; ; attempt++) {
    const r = await startOnce(variant, env, true);
    if (variant.edit && !r.built) throw new Error(`${variant.name}: touching ${EDITED} did not make the start build dist/`);
    // Someone edited src/ during the run: that start built dist/, it is not a usual start.
    if (variant.edit || !r.built || attempt >= 5) return r;
  }
}

/**
 * `starts` measured starts of every variant, taken in turns (A B C D A B C D...) so that a change
 * in the machine's load weighs on each alike, after one unmeasured start each (it builds dist/ or
 * fills tsx's cache if needed). RSS is read on every start.
 */
async function measureAll(variants: Variant[], env: Record<string, string>): Promise<Omit<StartupRow, 'engine'>[]> {
  for (const variant of variants) await startOnce(variant, env, false);
  const results = variants.map(() => ({ times: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < starts; i++) {
    for (const [v, variant] of variants.entries()) {
      const r = await measuredStart(variant, env);
      results[v]!.times.push(r.ms);
      results[v]!.rss.push(r.rss);
    }
  }
  return variants.map((variant, v) => {
    const { times, rss } = results[v]!;
    return {
      variant: variant.name,
      coldStartP50Ms: Math.round(median(times)),
      coldStartMaxMs: Math.round(Math.max(...times)),
      idleRssMiB: median(rss),
      idleRssMaxMiB: Math.max(...rss),
    };
  });
}

/** Cold start and idle RSS rows for both engines. */
export async function benchStartup(): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  const slack = await startFakeSlack();
  try {
    const slackOn = { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret', SLACK_API_URL: slack.apiUrl };
    const variants: Variant[] = [
      { name: 'npm start (node scripts/start.mjs), Slack off', args: [...npmStartArgs] },
      { name: 'npm start (node scripts/start.mjs), Slack on', args: [...npmStartArgs], env: slackOn },
      { name: 'first start after an edit (builds dist/), Slack off', args: [...npmStartArgs], edit: true },
      { name: 'node --import tsx src/main.ts (no build), Slack off', args: ['--import', 'tsx', 'src/main.ts'] },
    ];
    for (const engine of ['sqlite', 'postgres'] as const) {
      const db = await scratchDatabase(engine);
      try {
        const services = buildServices(loadConfig({ DATABASE_URL: db.url }, process.cwd()), { logger: createLogger('silent') });
        await services.store.migrate();
        await services.store.close();
        for (const row of await measureAll(variants, { DATABASE_URL: db.url })) rows.push({ engine, ...row });
      } finally {
        await db.cleanup();
      }
    }
  } finally {
    await slack.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchStartup();
  process.stdout.write(`bench/startup — ${new Date().toISOString()} — ${describeMachine()}\n\n`);
  process.stdout.write('| engine | variant | cold start p50 ms | max ms | idle RSS MiB, median | max |\n|---|---|---:|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.engine} | ${r.variant} | ${r.coldStartP50Ms} | ${r.coldStartMaxMs} | ${r.idleRssMiB} | ${r.idleRssMaxMiB} |\n`);
  await fs.mkdir('bench/results', { recursive: true });
  await fs.writeFile('bench/results/startup.json', `${JSON.stringify({ machine: describeMachine(), date: new Date().toISOString(), starts, rows }, null, 2)}\n`);
}
