// Declare and read throughput and latency of the REST API on SQLite and PostgreSQL.
//   npm run bench                       10 s per scenario
//   BENCH_DURATION=3 npm run bench      shorter
// The server runs as its own process (as in production), default settings; the load comes
// from autocannon in this process, 10 connections, over loopback. Figures, not thresholds.
import fs from 'node:fs/promises';
import autocannon from 'autocannon';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { startServerProcess } from '../test/support/server-process.js';
import { describeMachine } from './machine.js';
import { npmStartFlags } from './npm-start.js';
import { scratchDatabase } from './scratch-database.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  engine: string;
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}


async function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration, ...options });
}

function row(engine: string, scenario: string, result: autocannon.Result): Row {
  return {
    engine,
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function benchEngine(engine: 'sqlite' | 'postgres'): Promise<Row[]> {
  const db = await scratchDatabase(engine);
  const services = buildServices(loadConfig({ DATABASE_URL: db.url }, process.cwd()), { logger: createLogger('silent') });
  await services.store.migrate();
  const { secret } = await services.tokens.create('bench');
  await services.store.close();

  const server = await startServerProcess({ DATABASE_URL: db.url }, npmStartFlags);
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  try {
    const declare = await load(`${server.baseUrl}/api/v1/incidents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'Bench incident', severity: 'major', roles: { lead: { slackUserId: 'UBENCH', name: 'Bench Lead' } } }),
    });
    const read = await load(`${server.baseUrl}/api/v1/incidents/INC-1`, { headers });
    const list = await load(`${server.baseUrl}/api/v1/incidents?limit=50`, { headers });
    return [row(engine, 'declare (POST)', declare), row(engine, 'read one (GET)', read), row(engine, 'list 50 (GET)', list)];
  } finally {
    server.child.kill('SIGTERM');
    await server.exited();
    await db.cleanup();
  }
}

const rows: Row[] = [];
for (const engine of ['sqlite', 'postgres'] as const) rows.push(...(await benchEngine(engine)));

const machine = describeMachine();
const lines = [
  `bench/api — ${new Date().toISOString()} — ${machine}`,
  `${duration} s per scenario, ${connections} connections, server at the default LOG_LEVEL=info (two log lines per request)`,
  '',
  '| engine | scenario | req/s | p50 ms | p99 ms | non-2xx | errors |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.engine} | ${r.scenario} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile('bench/results/api.json', `${JSON.stringify({ machine, date: new Date().toISOString(), duration, connections, rows }, null, 2)}\n`);
