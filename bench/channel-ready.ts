// Declare → channel-ready alone, on SQLite and PostgreSQL: bench/slack.ts's `channelReady` without
// its load scenarios, for profiling and for comparing changes to the job chain in a few minutes.
//   node --import tsx bench/channel-ready.ts
//   BENCH_RUNS=40 BENCH_ROUNDS=3 BENCH_ENGINES=sqlite node --import tsx bench/channel-ready.ts
import { channelReady } from './slack.js';

type Engine = 'sqlite' | 'postgres';

const runs = Number(process.env.BENCH_RUNS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

for (let round = 1; round <= rounds; round++) {
  for (const engine of engines) {
    const times = await channelReady(engine, runs);
    process.stdout.write(`${engine}, ${runs} runs: declare → channel-ready p50 ${Math.round(percentile(times, 50))} ms, p99 ${Math.round(percentile(times, 99))} ms\n`);
  }
}
