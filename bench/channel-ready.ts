// Declare → channel-ready alone, on SQLite and PostgreSQL: the figure bench/slack.ts takes after its
// load scenarios (its `channelReady`, unchanged), then the same steps timed with a wait whose cost
// does not grow with the run, and until the channel is wholly set up (topic and bookmark too).
//   node --import tsx bench/channel-ready.ts
//   BENCH_RUNS=40 BENCH_ROUNDS=3 BENCH_ENGINES=sqlite node --import tsx bench/channel-ready.ts
//
// Why the second figure: bench/slack.ts waits with `waitFor(() => kickoffs().length >= i + 1, 1)`.
// `waitFor` applies its matcher to every recorded call on every call the fake receives, and that
// matcher filters (and JSON-encodes) every call again: the n-th run pays about n² encodings per
// Slack call, on the app's own event loop (the app runs in this process). By run 20 that is most of
// the figure; a matcher per call (`waitFor(isKickoff, i + 1)`) costs n.
import { deliveredTo, type FakeSlackCall } from '../test/support/fake-slack.js';
import { startSlackApp } from '../test/support/slack-app.js';
import { blockAction, viewSubmission } from '../test/support/slack-requests.js';
import { scratchDatabase } from './scratch-database.js';
import { channelReady } from './slack.js';

type Engine = 'sqlite' | 'postgres';

const runs = Number(process.env.BENCH_RUNS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const figure = (times: number[]) => `p50 ${Math.round(percentile(times, 50))} ms, p99 ${Math.round(percentile(times, 99))} ms`;

/** bench/slack.ts's steps; the kickoff is awaited with a per-call matcher, then the channel's topic and bookmark. */
async function channelReadyPerCall(engine: Engine, count: number): Promise<{ kickoff: number[]; setUp: number[] }> {
  const db = await scratchDatabase(engine);
  const slack = await startSlackApp(db.url);
  const kickoff: number[] = [];
  const setUp: number[] = [];
  // Each call is looked at once: `waitFor` runs the matcher over every call on every call.
  const seen = new WeakMap<FakeSlackCall, boolean>();
  const isKickoff = (c: FakeSlackCall) => {
    let kickoff = seen.get(c);
    if (kickoff === undefined) {
      kickoff = deliveredTo('chat.postMessage')(c) && JSON.stringify(c.params).includes('incident.take_role');
      seen.set(c, kickoff);
    }
    return kickoff;
  };
  try {
    for (let i = 0; i < count; i++) {
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
      const kickoffs = await slack.fake.waitFor(isKickoff, i + 1, { timeoutMs: 10_000 });
      kickoff.push(performance.now() - start);
      const channel = String(kickoffs.at(-1)?.params.channel);
      const answered = (method: string, key: string) => (c: FakeSlackCall) => deliveredTo(method)(c) && c.params[key] === channel && c.response !== undefined;
      await slack.fake.waitFor(answered('conversations.setTopic', 'channel'), 1, { timeoutMs: 10_000 });
      await slack.fake.waitFor(answered('bookmarks.add', 'channel_id'), 1, { timeoutMs: 10_000 });
      setUp.push(performance.now() - start);
    }
  } finally {
    await slack.close();
    await db.cleanup();
  }
  return { kickoff, setUp };
}

for (let round = 1; round <= rounds; round++) {
  for (const engine of engines) {
    const official = await channelReady(engine, runs);
    const perCall = await channelReadyPerCall(engine, runs);
    process.stdout.write(
      `${engine}, ${runs} runs: bench/slack.ts channelReady ${figure(official)} | per-call wait: kickoff ${figure(perCall.kickoff)}, ` +
        `channel set up (topic, bookmark) ${figure(perCall.setUp)}\n`,
    );
  }
}
