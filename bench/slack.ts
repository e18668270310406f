// Slack ack latency and throughput (signed slash commands and events) beside a bare fastify route
// in the same run, and declare → channel-ready time against a zero-latency fake Slack, on SQLite
// and on PostgreSQL.
//   node --import tsx bench/slack.ts                    10 s per load scenario
//   BENCH_DURATION=3 node --import tsx bench/slack.ts   shorter
// Two kinds of load per scenario: open loop at a fixed offered rate (BENCH_RATE, default 200 req/s,
// the target's rate: a paced sender whose latency counts from when each request was due, so a
// slow server cannot hide queueing by slowing the sender), and closed loop (autocannon,
// BENCH_CONNECTIONS connections) for the maximum throughput. The app runs as its own process with
// default settings (LOG_LEVEL=info).
import http from 'node:http';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { connect } from '../src/db/connect.js';
import { parseDatabaseUrl } from '../src/db/database-url.js';
import { createLogger } from '../src/logger.js';
import { startFakeSlack, deliveredTo, type FakeSlackCall } from '../test/support/fake-slack.js';
import { appMentionEvent, blockAction, eventCallback, signedHeaders, slashCommand, viewSubmission } from '../test/support/slack-requests.js';
import { startSlackApp } from '../test/support/slack-app.js';
import { startServerProcess } from '../test/support/server-process.js';
import { describeMachine } from './machine.js';
import { npmStartFlags } from './npm-start.js';
import { scratchDatabase } from './scratch-database.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rate = Number(process.env.BENCH_RATE ?? 200);
const SECRET = 'bench-signing-secret-0123456789';
/** BENCH_ENGINES=sqlite (or postgres) measures one engine; BENCH_SKIP_READY=1 leaves out declare → channel-ready. */
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').filter((e): e is Engine => e === 'sqlite' || e === 'postgres');
const skipReady = process.env.BENCH_SKIP_READY === '1';

type Engine = 'sqlite' | 'postgres';

export interface SlackRow {
  engine: Engine | 'none';
  scenario: string;
  load: 'open' | 'closed';
  offeredPerSecond: number | null;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Closed loop only: the bare route's req/s under the same load just before this row (its yardstick). */
  bareRequestsPerSecond?: number;
  /**
   * Closed loop only: the server process's CPU time (user + system, from /proc) during the load,
   * divided by the requests it answered. Steadier than req/s on a shared machine: time the process
   * spends waiting for a core is not counted. Absent where /proc cannot be read.
   */
  cpuUsPerRequest?: number;
  /** The durable-ack floor (bench/durable-floor-server.ts), not the app: a yardstick with no target. */
  floor?: boolean;
  /**
   * Open loop only: the bare route's p99 under the same load just before this row. Not a yardstick
   * (the target is absolute) but a reading of the machine: a bare p99 far above its usual few
   * milliseconds says the neighbours were busy while this row was measured.
   */
  bareP99Ms?: number;
}

type MakeBody = (n: number) => { body: string; contentType: string };

/** A server under load: where to send, and its process (for its CPU time). */
interface Target {
  readonly url: string;
  readonly pid: number;
}

/** The process's CPU time so far in ms (user + system), or null without /proc. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function closedRow(engine: SlackRow['engine'], scenario: string, { result: r, cpuUsPerRequest }: ClosedLoad): SlackRow {
  return {
    ...(cpuUsPerRequest === null ? {} : { cpuUsPerRequest }),
    engine,
    scenario,
    load: 'closed',
    offeredPerSecond: null,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

interface ClosedLoad {
  readonly result: autocannon.Result;
  readonly cpuUsPerRequest: number | null;
}

/** Closed loop: autocannon with a freshly signed body per request (Slack signs every request). */
async function signedLoad(target: Target, makeBody: MakeBody): Promise<ClosedLoad> {
  let n = 0;
  const cpuBefore = cpuMs(target.pid);
  const result = await autocannon({
    url: target.url,
    connections,
    duration,
    method: 'POST',
    requests: [
      {
        setupRequest: (request) => {
          const { body, contentType } = makeBody(n++);
          const headers = signedHeaders(body, { signingSecret: SECRET, contentType: contentType as 'application/json' });
          return { ...request, method: 'POST', body, headers };
        },
      },
    ],
  });
  const cpuAfter = cpuMs(target.pid);
  const answered = result.requests.total;
  const cpuUsPerRequest = cpuBefore === null || cpuAfter === null || answered === 0 ? null : Math.round(((cpuAfter - cpuBefore) * 1000) / answered);
  return { result, cpuUsPerRequest };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const round1 = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Open loop: one signed request due every 1/rate s for `seconds`, each on its own (pooled)
 * connection so none waits for another's answer; latency from when it was due to the end of the
 * answer, so a late sender or a queue in the server both count (no coordinated omission).
 */
async function pacedLoad(url: string, makeBody: MakeBody, seconds: number, engine: SlackRow['engine'], scenario: string): Promise<SlackRow> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, contentType } = makeBody(i);
    const headers = signedHeaders(body, { signingSecret: SECRET, contentType: contentType as 'application/json' });
    inFlight.push(
      new Promise<void>((resolve) => {
        const request = http.request(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
          (response) => {
            response.resume();
            response.on('end', () => {
              latencies.push(performance.now() - due);
              if ((response.statusCode ?? 0) >= 300) non2xx++;
              resolve();
            });
          },
        );
        request.on('error', () => {
          errors++;
          resolve();
        });
        request.end(body);
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    engine,
    scenario,
    load: 'open',
    offeredPerSecond: rate,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    non2xx,
    errors,
  };
}

/** A yardstick server of bench/ as its own process: the bare route, or the durable-ack floor. */
async function yardstickServer(script: string, env: Record<string, string> = {}, nodeFlags: readonly string[] = []): Promise<{ target: Target; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const baseUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!;
  return {
    target: { url: `${baseUrl}/slack/events`, pid: child.pid! },
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const command: MakeBody = (n) => {
  const r = slashCommand({ command: '/incident', text: `note bench ${n}`, userId: 'U0BENCH', channelId: 'C0BENCH' });
  return { body: r.body, contentType: r.contentType };
};
const event: MakeBody = (n) => {
  const r = eventCallback(appMentionEvent({ user: 'U0BENCH', text: `note event ${n}`, channel: 'C0BENCH' }), { eventId: `Ev${n}${randomBytes(3).toString('hex')}` });
  return { body: r.body, contentType: r.contentType };
};

/** The yardstick: a bare fastify route answering the same signed bodies, both loads. */
async function bareFigures(bare: Target): Promise<SlackRow[]> {
  return [await pacedLoad(bare.url, command, duration, 'none', 'bare fastify route'), closedRow('none', 'bare fastify route', await signedLoad(bare, command))];
}

/**
 * One load scenario on a fresh database and a fresh server process: the jobs a scenario leaves
 * behind (thousands under closed loop; the worker delivers them at its own pace) must not be the
 * next scenario's backlog, and waiting for them to drain would take minutes.
 */
async function ackScenario(engine: Engine, measure: (app: Target) => Promise<SlackRow>): Promise<SlackRow> {
  const fake = await startFakeSlack();
  // The person and the channel exist in the workspace, as in real use: the person is synced once,
  // not retried on every request.
  fake.addUser({ id: 'U0BENCH', name: 'bench', realName: 'Bench Person' });
  fake.addChannel({ id: 'C0BENCH', name: 'inc-bench', members: ['U0BENCH'] });
  const db = await scratchDatabase(engine);
  const env = {
    DATABASE_URL: db.url,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PUBLIC_URL: 'https://incidents.example.org',
  };
  // An incident with a channel, for the commands to act on.
  const services = buildServices(loadConfig(env, process.cwd()), { logger: createLogger('silent') });
  await services.store.migrate();
  const incident = await services.incidents.declare({ user: (await services.users.fromSlack('U0BENCH')).user, source: 'slack' }, { title: 'Bench' });
  await services.incidents.linkChannel({ user: (await services.users.fromSlack('U0BENCH')).user, source: 'slack' }, incident.id, { id: 'C0BENCH', name: 'inc-bench' });
  await services.store.close();

  const server = await startServerProcess(env, npmStartFlags);
  // Only jobs due now count: scheduled ones (nudge checks minutes ahead) are not a backlog.
  const { db: observer } = connect(parseDatabaseUrl(db.url, process.cwd())!);
  const drained = async () => {
    for (;;) {
      const [due] = await observer
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'running'])
        .where('run_at', '<=', new Date().toISOString())
        .execute();
      const [inbox] = await observer.selectFrom('slack_inbox').select((eb) => eb.fn.countAll<number>().as('n')).execute();
      if (Number(due?.n ?? 0) === 0 && Number(inbox?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const url = `${server.baseUrl}/slack/events`;
  try {
    // A short warm-up of both kinds (the first requests pay for lazy compilation), delivered.
    await pacedLoad(url, command, 0.25, engine, 'warm-up');
    await pacedLoad(url, event, 0.25, engine, 'warm-up');
    await drained();
    return await measure({ url, pid: server.child.pid! });
  } finally {
    await observer.destroy();
    server.child.kill('SIGTERM');
    await server.exited();
    await fake.close();
    await db.cleanup();
  }
}

/**
 * Closed loop on the app, right after the same load on the bare route: on a shared machine the bare
 * route's own figure moved 11,900-30,100 req/s within one morning (28 November), so a share taken
 * against one bare run minutes earlier measured the neighbours as much as the app.
 */
async function pairedClosedRow(engine: Engine, scenario: string, app: Target, bare: Target, makeBody: MakeBody): Promise<SlackRow> {
  const yardstick = await signedLoad(bare, makeBody);
  return { ...closedRow(engine, scenario, await signedLoad(app, makeBody)), bareRequestsPerSecond: Math.round(yardstick.result.requests.average) };
}

/** Open loop on the app, right after the same load on the bare route (`bareP99Ms`). */
async function pairedOpenRow(engine: Engine, scenario: string, app: Target, bare: Target, makeBody: MakeBody): Promise<SlackRow> {
  const yardstick = await pacedLoad(bare.url, makeBody, duration, 'none', 'bare fastify route');
  return { ...(await pacedLoad(app.url, makeBody, duration, engine, scenario)), bareP99Ms: yardstick.p99Ms };
}

const commandName = 'slash command `/incident note …`';
const eventName = 'event `@incident note …` (app_mention)';
const FLOOR_PREFIX = 'durable-ack floor, ';

async function ackFigures(engine: Engine, bare: Target): Promise<SlackRow[]> {
  return [
    await ackScenario(engine, (app) => pairedOpenRow(engine, commandName, app, bare, command)),
    await ackScenario(engine, (app) => pairedOpenRow(engine, eventName, app, bare, event)),
    await ackScenario(engine, (app) => pairedClosedRow(engine, commandName, app, bare, command)),
    await ackScenario(engine, (app) => pairedClosedRow(engine, eventName, app, bare, event)),
  ];
}

/**
 * The same closed loops on the durable-ack floor (bench/durable-floor-server.ts): the share of the
 * bare route that writing each request down before answering leaves on this machine, whatever the
 * app does. The app's share read beside it tells its own cost from the cost of the fsync.
 */
async function floorFigures(engine: Engine, bare: Target): Promise<SlackRow[]> {
  const db = await scratchDatabase(engine);
  const floor = await yardstickServer('bench/durable-floor-server.ts', { DATABASE_URL: db.url, SLACK_SIGNING_SECRET: SECRET }, npmStartFlags);
  try {
    return [
      { ...(await pairedClosedRow(engine, FLOOR_PREFIX + commandName, floor.target, bare, command)), floor: true },
      { ...(await pairedClosedRow(engine, FLOOR_PREFIX + eventName, floor.target, bare, event)), floor: true },
    ];
  } finally {
    await floor.stop();
    await db.cleanup();
  }
}

/** Declare (modal submit) → press "Create comms channel" → kickoff posted in the new channel. */
export async function channelReady(engine: Engine, runs: number): Promise<number[]> {
  const db = await scratchDatabase(engine);
  const slack = await startSlackApp(db.url);
  // The person exists in the workspace, as in real use: synced once, not failing on every run.
  slack.fake.addUser({ id: 'U0BENCH', name: 'bench', realName: 'Bench Person' });
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await slack.send(
        viewSubmission({
          callbackId: 'incident.declare',
          userId: 'U0BENCH',
          viewId: `V0BENCH${i}`,
          values: {
            kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
            title: { title: { type: 'plain_text_input', value: `Ready ${i}` } },
          },
        }),
      );
      const incident = await slack.app.incidents.get(`INC-${i + 1}`);
      await slack.send(blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: 'U0BENCH', channelId: 'C0INCIDENTS' }));
      // Matched per call, not by re-reading every call so far on each one: the bench shares the
      // app's event loop, and a wait that grows with the run would be timed as the app's.
      const kickoff = (c: FakeSlackCall) =>
        deliveredTo('chat.postMessage')(c) && JSON.stringify(c.params).includes('incident.take_role');
      await slack.fake.waitFor(kickoff, i + 1, { timeoutMs: 10_000 });
      times.push(performance.now() - start);
    }
  } finally {
    await slack.close();
    await db.cleanup();
  }
  return times;
}

export interface SlackFigures {
  rows: SlackRow[];
  channelReady: { engine: Engine; runs: number; p50Ms: number; p99Ms: number; samplesMs: number[] }[];
}

/** Every Slack figure: the bare route, then each engine's acks and declare → channel-ready. */
export async function benchSlack(): Promise<SlackFigures> {
  // Idle while the app is measured: its own process, waiting on a socket.
  const bare = await yardstickServer('bench/bare-server.ts');
  const channelReadyRows: SlackFigures['channelReady'] = [];
  try {
    const rows = await bareFigures(bare.target);
    for (const engine of engines) {
      rows.push(...(await ackFigures(engine, bare.target)), ...(await floorFigures(engine, bare.target)));
      if (skipReady) continue;
      const ready = await channelReady(engine, 20);
      channelReadyRows.push({ engine, runs: ready.length, p50Ms: round1(percentile(ready, 50)), p99Ms: round1(percentile(ready, 99)), samplesMs: ready.map(round1) });
    }
    return { rows, channelReady: channelReadyRows };
  } finally {
    await bare.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchSlack();
  const bare = (r: SlackRow) => r.bareRequestsPerSecond ?? figures.rows.find((b) => b.engine === 'none' && b.load === r.load)!.requestsPerSecond;
  const machine = describeMachine();
  const lines = [
    `bench/slack — ${new Date().toISOString()} — ${machine}`,
    `${duration} s per scenario; open loop at ${rate} req/s, closed loop at ${connections} connections; app at LOG_LEVEL=info`,
    '',
    '| engine | scenario | load | req/s | share of bare (bare req/s just before) | server CPU µs per request | ack p50 ms | ack p99 ms (bare p99 just before) | non-2xx | errors |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...figures.rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.load === 'open' ? `open, ${r.offeredPerSecond}/s offered` : `closed, ${connections} conns`} | ${r.requestsPerSecond} | ${Math.round((100 * r.requestsPerSecond) / bare(r))} %${r.bareRequestsPerSecond ? ` (${r.bareRequestsPerSecond})` : ''} | ${r.cpuUsPerRequest ?? ''} | ${r.p50Ms} | ${r.p99Ms}${r.bareP99Ms === undefined ? '' : ` (${r.bareP99Ms})`} | ${r.non2xx} | ${r.errors} |`,
    ),
    '',
    ...figures.channelReady.map((c) => `${c.engine}: declare → channel-ready (zero-latency fake Slack, ${c.runs} runs): p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await fs.mkdir('bench/results', { recursive: true });
  await fs.writeFile('bench/results/slack.json', `${JSON.stringify({ machine, date: new Date().toISOString(), duration, connections, rate, ...figures }, null, 2)}\n`);
}
