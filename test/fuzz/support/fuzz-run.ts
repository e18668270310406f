/**
 * Runs a fast-check property the way every fuzz suite here does: a fixed seed (printed, so a
 * failure replays with `FUZZ_SEED=<seed>`), `FUZZ_RUNS` cases (10,000 by default, in CI too), and
 * one summary line per run: surface, engine, cases, the outcomes seen, failures.
 *
 *   FUZZ_RUNS=200 npm test -- test/fuzz/command-grammar.test.ts     a quick local pass
 *   FUZZ_SEED=42 npm test -- test/fuzz/api-bodies.test.ts            replay another seed
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';

/** The seed every suite starts from unless FUZZ_SEED says otherwise. */
export const DEFAULT_FUZZ_SEED = 20261127;
export const DEFAULT_FUZZ_RUNS = 10_000;

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got "${raw}")`);
  return value;
}

/** Cases per surface: FUZZ_RUNS, or 10,000. */
export function fuzzRuns(): number {
  return positiveInteger('FUZZ_RUNS', DEFAULT_FUZZ_RUNS);
}

/**
 * Cases per surface on `engine`. PostgreSQL answers each case over a socket and is several times
 * slower here than SQLite, so by default it runs a quarter of FUZZ_RUNS (FUZZ_POSTGRES_RUNS to set it).
 */
export function fuzzRunsOn(engine: string): number {
  if (engine !== 'postgres') return fuzzRuns();
  return positiveInteger('FUZZ_POSTGRES_RUNS', Math.ceil(fuzzRuns() / 4));
}

/** Says in a summary line why an engine ran fewer cases than FUZZ_RUNS; undefined when it did not. */
export function fewerRunsNote(engine: string): string | undefined {
  const runs = fuzzRunsOn(engine);
  return runs < fuzzRuns() ? `${runs} of FUZZ_RUNS=${fuzzRuns()} on ${engine}, to bound CI time` : undefined;
}

/** The seed: FUZZ_SEED, or the fixed default. */
export function fuzzSeed(): number {
  return positiveInteger('FUZZ_SEED', DEFAULT_FUZZ_SEED);
}

/** Counts what a run saw (HTTP statuses, error codes, command kinds) for its summary line. */
export class Outcomes {
  readonly #counts = new Map<string, number>();

  /** Records one outcome. */
  add(outcome: string | number): void {
    const key = String(outcome);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** How many times `outcome` was seen. */
  count(outcome: string | number): number {
    return this.#counts.get(String(outcome)) ?? 0;
  }

  /** The outcomes seen, e.g. `200×4810 400×4190`. */
  toString(): string {
    return [...this.#counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `${key}×${n}`)
      .join(' ');
  }
}

export interface FuzzOptions {
  /** What is fuzzed, e.g. `slack-signatures`. */
  readonly surface: string;
  /** `sqlite`, `postgres`, or `none` for a pure function. */
  readonly engine: string;
  /** Overrides FUZZ_RUNS (a surface that runs fewer cases on an engine says so in its summary). */
  readonly runs?: number;
  /** Filled by the property; printed in the summary. */
  readonly outcomes: Outcomes;
  /** Written to the summary, e.g. why this engine runs fewer cases. */
  readonly note?: string;
  /** Shrink a failure to a smaller counterexample (default true); off where each case is slow. */
  readonly shrink?: boolean;
}

/**
 * Checks `property` over the configured cases and prints the summary line; on failure prints the
 * seed, the shrunk counterexample and the error, then throws so the test fails.
 */
export async function runFuzz<Ts>(property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>, options: FuzzOptions): Promise<void> {
  const seed = fuzzSeed();
  const numRuns = options.runs ?? fuzzRuns();
  const started = performance.now();
  // Without shrinking the first failing case is reported as generated; the seed and path still replay it.
  const details = await fc.check(property, { seed, numRuns, endOnFailure: options.shrink === false });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const failures = details.failed ? 1 : 0;
  const note = options.note ? ` (${options.note})` : '';
  process.stdout.write(
    `fuzz ${options.surface} [${options.engine}] seed=${seed} cases=${details.numRuns}${note} seen: ${options.outcomes.toString() || 'nothing'} failures=${failures} in ${seconds}s\n`,
  );
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const full = `Error: ${cause.length > 3000 ? `${cause.slice(0, 3000)}…` : cause}\n${fc.defaultReportMessage(details) ?? 'property failed'}`;
    // A huge counterexample (the suites send tens of kilobytes) would bury the rest; the seed and path replay it whole.
    const report = full.length > 6000 ? `${full.slice(0, 6000)}… (${full.length - 6000} more characters)` : full;
    process.stdout.write(`fuzz ${options.surface} [${options.engine}] FAILED — replay with FUZZ_SEED=${seed}\n${report}\n`);
    throw new Error(`fuzz ${options.surface} [${options.engine}] failed (seed ${seed}):\n${report}`);
  }
}

/**
 * Puts this test process's scratch SQLite files in /dev/shm when the machine has it. The app
 * fsyncs every commit (`synchronous=FULL`), which is right in production and is most of a fuzz
 * case's time on a disk; the suites check answers and writes, not durability (the fault suites do).
 */
export function useMemoryBackedTmpdir(): void {
  if (process.platform === 'linux' && existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';
}
