import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly baseUrl: string;
  /** Resolves with the first log line matching `pattern` (already seen or yet to come). */
  waitForLog(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Generous: a cold start takes about 1.5 s here, several times that on a busy CI machine. */
const START_TIMEOUT_MS = 60_000;

/**
 * Runs the app (src/main.ts through tsx, the code as it is, no build) as a real child process and
 * waits until it listens. `nodeFlags` go to node first (the benchmarks give npm start's V8 flags).
 */
export async function startServerProcess(env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
  // The start is seen in the "Server listening" line, which fastify logs at info.
  if (env.LOG_LEVEL && !['trace', 'debug', 'info'].includes(env.LOG_LEVEL)) {
    throw new Error(`startServerProcess needs LOG_LEVEL info or lower (got ${env.LOG_LEVEL}): it waits for the "Server listening" line`);
  }
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    // Only the recent past: a benchmark's server logs every request.
    if (lines.push(line) > 500) lines.splice(0, lines.length - 500);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));

  const waitForLog = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exit.then(({ code, signal }) =>
        reject(new Error(`server exited (${code ?? signal}) before logging ${pattern}:\n${lines.join('\n')}`)),
      );
    });

  // A server that neither listens nor exits (stuck at start) fails the test with what it logged.
  let stuck: NodeJS.Timeout | undefined;
  const tooLong = new Promise<never>((_resolve, reject) => {
    stuck = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not listen within ${START_TIMEOUT_MS} ms:\n${lines.join('\n')}`));
    }, START_TIMEOUT_MS);
  });
  const listening = await Promise.race([waitForLog(/Server listening at http:\/\/127\.0\.0\.1:\d+/), tooLong]).finally(() => clearTimeout(stuck));
  const baseUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(listening)![1]!;
  return { child, baseUrl, waitForLog, exited: () => exit };
}
