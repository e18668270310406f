// Cold start (process spawned → first `/healthz` 200) and idle RSS, on SQLite and PostgreSQL,
// started as `npm start` does (node --import tsx) and, for comparison, from a precompiled bundle
// (esbuild, packages left external) to show what transpiling at start costs.
//   node --import tsx bench/startup.ts              5 starts per variant
//   BENCH_STARTS=2 node --import tsx bench/startup.ts
// The database is migrated beforehand, so a start measures the process, not the first migration.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { describeMachine } from './machine.js';
import { scratchDatabase } from './scratch-database.js';

const starts = Number(process.env.BENCH_STARTS ?? 5);
const IDLE_MS = 3000;

type Engine = 'sqlite' | 'postgres';

export interface StartupRow {
  engine: Engine;
  variant: string;
  coldStartP50Ms: number;
  coldStartMaxMs: number;
  idleRssMiB: number;
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

/** One start: spawn, poll /healthz every 5 ms until 200; then idle RSS after IDLE_MS if asked. */
async function startOnce(args: string[], env: Record<string, string>, measureRss: boolean): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
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
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let rss = NaN;
    if (measureRss) {
      // Idle: started, jobs worker polling, no requests. Wait for start-up garbage to settle.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      rss = await rssMiB(child.pid!);
    }
    return { ms, rss };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** src/main.ts bundled by esbuild (dependencies external), so node runs it without tsx. */
async function bundle(): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ir-bench-bundle-'));
  // Inside the project, so bare imports resolve from node_modules and paths relative to the
  // working directory (views, migrations) are the same as under tsx.
  const file = path.join(process.cwd(), `.bench-main-${process.pid}.mjs`);
  await build({
    entryPoints: ['src/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: file,
    logLevel: 'silent',
  });
  return { file, cleanup: () => Promise.all([fs.rm(file, { force: true }), fs.rm(dir, { recursive: true, force: true })]).then(() => undefined) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;

/** Cold start and idle RSS rows for both engines. */
export async function benchStartup(): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  const bundled = await bundle();
  try {
    for (const engine of ['sqlite', 'postgres'] as const) {
      const db = await scratchDatabase(engine);
      try {
        const services = buildServices(loadConfig({ DATABASE_URL: db.url }, process.cwd()), { logger: createLogger('silent') });
        await services.store.migrate();
        await services.store.close();
        const env = { DATABASE_URL: db.url };
        const variants: [string, string[]][] = [
          ['node --import tsx src/main.ts (npm start)', ['--import', 'tsx', 'src/main.ts']],
          ['node bundle.mjs (precompiled with esbuild)', [bundled.file]],
        ];
        for (const [variant, args] of variants) {
          await startOnce(args, env, false); // fills tsx's transpile cache, as any second start has it
          const times: number[] = [];
          let rss = NaN;
          for (let i = 0; i < starts; i++) {
            const r = await startOnce(args, env, i === 0);
            times.push(r.ms);
            if (i === 0) rss = r.rss;
          }
          rows.push({ engine, variant, coldStartP50Ms: Math.round(median(times)), coldStartMaxMs: Math.round(Math.max(...times)), idleRssMiB: rss });
        }
      } finally {
        await db.cleanup();
      }
    }
  } finally {
    await bundled.cleanup();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchStartup();
  process.stdout.write(`bench/startup — ${new Date().toISOString()} — ${describeMachine()}\n\n`);
  process.stdout.write('| engine | variant | cold start p50 ms | max ms | idle RSS MiB |\n|---|---|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.engine} | ${r.variant} | ${r.coldStartP50Ms} | ${r.coldStartMaxMs} | ${r.idleRssMiB} |\n`);
  await fs.mkdir('bench/results', { recursive: true });
  await fs.writeFile('bench/results/startup.json', `${JSON.stringify({ machine: describeMachine(), date: new Date().toISOString(), starts, rows }, null, 2)}\n`);
}
