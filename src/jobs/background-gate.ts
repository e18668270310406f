import { performance } from 'node:perf_hooks';

/**
 * Answers first, background work after: one process answers Slack and runs the handling and the
 * jobs on one event loop, so background work waits while requests are arriving. It may start once
 * `quietMs` passed without an arrival, or `maxDeferMs` after the previous start at the latest, so a
 * flood is answered at the rate the process can answer and nothing waits for ever.
 */
export interface BackgroundGate {
  /** A request arrived (its answer must not wait behind background work). */
  arrived(): void;
  /** How long to wait before starting background work now (0: start), given when this kind of work last started. */
  delayMs(lastStartAt: number): number;
  /** Now, on the clock `delayMs` compares with. */
  now(): number;
}

export function createBackgroundGate(options: { readonly quietMs?: number; readonly maxDeferMs?: number } = {}): BackgroundGate {
  // A little longer than the gap between two requests at 200 a second: under a flood the floor
  // (maxDeferMs) paces background work; between bursts it runs at once. Measured: 2 ms let
  // background work in between every request at 200/s (ack p99 44 ms); 6 ms, 19 ms (docs/performance.md).
  const quietMs = options.quietMs ?? 6;
  const maxDeferMs = options.maxDeferMs ?? 50;
  let lastArrivalAt = -Infinity;
  return {
    arrived() {
      lastArrivalAt = performance.now();
    },
    delayMs(lastStartAt) {
      const now = performance.now();
      return Math.max(0, Math.ceil(Math.min(quietMs - (now - lastArrivalAt), maxDeferMs - (now - lastStartAt))));
    },
    now: () => performance.now(),
  };
}

/** For work that never waits (tests of the parts, tools). */
export const openGate: BackgroundGate = { arrived() {}, delayMs: () => 0, now: () => performance.now() };
