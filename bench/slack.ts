// Slack ack latency and throughput (signed slash commands and events) beside a bare fastify route
// in the same run, and declare → channel-ready time against a zero-latency fake Slack.
//   npm run bench:slack                    10 s per load scenario
//   BENCH_DURATION=3 npm run bench:slack   shorter
// The app runs as its own process with default settings (LOG_LEVEL=info), on SQLite.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { startFakeSlack, deliveredTo } from '../test/support/fake-slack.js';
import { appMentionEvent, blockAction, eventCallback, signedHeaders, slashCommand, viewSubmission } from '../test/support/slack-requests.js';
import { startSlackApp } from '../test/support/slack-app.js';
import { startServerProcess } from '../test/support/server-process.js';
import { describeMachine } from './machine.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECRET = 'bench-signing-secret-0123456789';

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

function row(scenario: string, r: autocannon.Result): Row {
  return {
    scenario,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** autocannon with a freshly signed body per request (Slack signs every request). */
function signedLoad(url: string, makeBody: (n: number) => { body: string; contentType: string }): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url,
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
}

async function bareServer(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const baseUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!;
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function ackFigures(): Promise<Row[]> {
  const fake = await startFakeSlack();
  const file = path.join(os.tmpdir(), `ir_bench_slack_${randomBytes(4).toString('hex')}.sqlite`);
  const env = {
    DATABASE_URL: `sqlite:${file}`,
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

  const server = await startServerProcess(env);
  const bare = await bareServer();
  const rows: Row[] = [];
  // Each load leaves Slack jobs behind; the next scenario starts once they are delivered, so it
  // is not measured against the previous one's backlog.
  const observer = buildServices(loadConfig(env, process.cwd()), { logger: createLogger('silent') });
  const drained = async () => {
    for (;;) {
      const stats = await observer.store.jobStore.stats(new Date());
      if (stats.pending + stats.running === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  try {
    const command = (n: number) => {
      const r = slashCommand({ command: '/incident', text: `note bench ${n}`, userId: 'U0BENCH', channelId: 'C0BENCH' });
      return { body: r.body, contentType: r.contentType };
    };
    const event = (n: number) => {
      const r = eventCallback(appMentionEvent({ user: 'U0BENCH', text: `note event ${n}`, channel: 'C0BENCH' }), { eventId: `Ev${n}${randomBytes(3).toString('hex')}` });
      return { body: r.body, contentType: r.contentType };
    };
    rows.push(row('bare fastify route (same signed bodies)', await signedLoad(`${bare.baseUrl}/slack/events`, command)));
    rows.push(row('slash command `/incident note …`', await signedLoad(`${server.baseUrl}/slack/events`, command)));
    await drained();
    rows.push(row('event `@incident note …` (app_mention)', await signedLoad(`${server.baseUrl}/slack/events`, event)));
    await drained();
  } finally {
    await observer.store.close();
    await bare.stop();
    server.child.kill('SIGTERM');
    await server.exited();
    await fake.close();
    await Promise.all(['', '-wal', '-shm'].map((ext) => fs.rm(file + ext, { force: true })));
  }
  return rows;
}

/** Declare (modal submit) → press "Create comms channel" → kickoff posted in the new channel. */
async function channelReady(runs: number): Promise<number[]> {
  const file = path.join(os.tmpdir(), `ir_bench_ready_${randomBytes(4).toString('hex')}.sqlite`);
  const slack = await startSlackApp(`sqlite:${file}`);
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
      const kickoffs = () => slack.fake.calls.filter((c) => deliveredTo('chat.postMessage')(c) && JSON.stringify(c.params).includes('incident.take_role'));
      await slack.fake.waitFor(() => kickoffs().length >= i + 1, 1, { timeoutMs: 10_000 });
      times.push(performance.now() - start);
    }
  } finally {
    await slack.close();
    await Promise.all(['', '-wal', '-shm'].map((ext) => fs.rm(file + ext, { force: true })));
  }
  return times;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

const rows = await ackFigures();
const ready = await channelReady(20);
const bareRps = rows[0]!.requestsPerSecond;
const machine = describeMachine();
const lines = [
  `bench/slack — ${new Date().toISOString()} — ${machine}`,
  `${duration} s per load scenario, ${connections} connections, app on SQLite at LOG_LEVEL=info`,
  '',
  '| scenario | req/s | share of bare | ack p50 ms | ack p99 ms | non-2xx | errors |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.requestsPerSecond} | ${Math.round((100 * r.requestsPerSecond) / bareRps)} % | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`,
  ),
  '',
  `declare → channel-ready (zero-latency fake Slack, ${ready.length} runs): p50 ${pct(ready, 50).toFixed(0)} ms, p99 ${pct(ready, 99).toFixed(0)} ms`,
];
process.stdout.write(`${lines.join('\n')}\n`);
await fs.mkdir('bench/results', { recursive: true });
await fs.writeFile('bench/results/slack.json', `${JSON.stringify({ machine, date: new Date().toISOString(), duration, connections, rows, channelReadyMs: ready }, null, 2)}\n`);
