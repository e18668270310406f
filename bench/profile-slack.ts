// A CPU profile of the server under Slack load: slash commands (or events) for BENCH_DURATION
// seconds, closed loop, on SQLite (or BENCH_ENGINE=postgres); prints the functions with the most
// self time, grouped by package, and leaves the .cpuprofile in bench/results/ for DevTools.
//   node --import tsx bench/profile-slack.ts
//   BENCH_KIND=event BENCH_DURATION=5 node --import tsx bench/profile-slack.ts
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { appMentionEvent, eventCallback, signedHeaders, slashCommand } from '../test/support/slack-requests.js';
import { scratchDatabase } from './scratch-database.js';

const duration = Number(process.env.BENCH_DURATION ?? 5);
const engine = process.env.BENCH_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const kind = process.env.BENCH_KIND === 'event' ? 'event' : 'command';
const SECRET = 'bench-signing-secret-0123456789';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const fake = await startFakeSlack();
fake.addUser({ id: 'U0BENCH', name: 'bench' });
fake.addChannel({ id: 'C0BENCH', name: 'inc-bench', members: ['U0BENCH'] });
const db = await scratchDatabase(engine);
const env = { DATABASE_URL: db.url, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PUBLIC_URL: 'https://incidents.example.org' };
const services = buildServices(loadConfig(env, process.cwd()), { logger: createLogger('silent') });
await services.store.migrate();
const actor = { user: (await services.users.fromSlack('U0BENCH')).user, source: 'slack' as const };
const incident = await services.incidents.declare(actor, { title: 'Bench' });
await services.incidents.linkChannel(actor, incident.id, { id: 'C0BENCH', name: 'inc-bench' });
await services.store.close();

const dir = path.resolve('bench/results/profile');
await fs.rm(dir, { recursive: true, force: true });
// --cpu-prof is refused in NODE_OPTIONS: the server is spawned with it on the command line.
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'src/main.ts'], {
  env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = once(child, 'exit');
const lines = createInterface({ input: child.stdout });
const baseUrl = await new Promise<string>((resolve) => lines.on('line', (line) => {
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
  if (url) resolve(url);
}));
const server = { baseUrl };
let n = 0;
const result = await autocannon({
  url: `${server.baseUrl}/slack/events`,
  connections: 10,
  duration,
  method: 'POST',
  requests: [
    {
      setupRequest: (request) => {
        const i = n++;
        const r =
          kind === 'command'
            ? slashCommand({ command: '/incident', text: `note profile ${i}`, userId: 'U0BENCH', channelId: 'C0BENCH' })
            : eventCallback(appMentionEvent({ user: 'U0BENCH', text: `note profile ${i}`, channel: 'C0BENCH' }), { eventId: `EvP${i}` });
        return { ...request, method: 'POST', body: r.body, headers: signedHeaders(r.body, { signingSecret: SECRET, contentType: r.contentType as 'application/json' }) };
      },
    },
  ],
});
child.kill('SIGTERM');
await exited;
await fake.close();
await db.cleanup();

const [file] = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(await fs.readFile(path.join(dir, file!), 'utf8')) as { nodes: ProfileNode[] };
const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  const { url, functionName, lineNumber } = node.callFrame;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/src/') ? 'app (src/)' : url.startsWith('node:') ? 'node core' : functionName.startsWith('(') ? functionName : 'other');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
}
const top = (map: Map<string, number>, k: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)} %  ${name}`);
process.stdout.write(`${kind}s on ${engine}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms; profile ${path.join(dir, file!)}\n\nself time by package:\n${top(byPackage, 12).join('\n')}\n\nself time by function:\n${top(byFunction, 25).join('\n')}\n`);
