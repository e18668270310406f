/**
 * The real app for the fuzz suites, driven through fastify's `inject()` (the whole HTTP handling:
 * routing, content-type parsers, hooks, validation, error handler) without a socket per case, and
 * watched three ways: every error the app logs is kept (a listener that crashed answers Slack 200,
 * so the log is where it shows), every Slack listener run is awaited (events are acked before
 * their listener runs), and the database is read by a probe on its own connection.
 */
import { App as BoltApp } from '@slack/bolt';
import { Writable } from 'node:stream';
import { buildApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/config.js';
import { createLogger } from '../../../src/logger.js';
import type { Clock } from '../../../src/ports/clock.port.js';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { SIGNING_SECRET } from '../../support/slack-app.js';

export { SIGNING_SECRET };

/** Error-level log lines the app wrote (pino JSON), newest last. */
export class ErrorLog {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      this.lines.push(String(chunk).trim());
      done();
    },
  });

  /** The lines logged since `mark` (a length taken earlier), shortened for a report. */
  since(mark: number): string[] {
    return this.lines.slice(mark).map((line) => (line.length > 2000 ? `${line.slice(0, 2000)}…` : line));
  }
}

// Bolt acks an Events API request before its listener runs, so the HTTP answer comes first. The
// suites must read the database only once every listener has finished: count the runs in flight.
const inFlight = new Set<Promise<unknown>>();
const originalProcessEvent = BoltApp.prototype.processEvent;
let patches = 0;

function trackListenerRuns(): () => void {
  if (patches++ === 0) {
    BoltApp.prototype.processEvent = function tracked(this: BoltApp, ...args: Parameters<BoltApp['processEvent']>) {
      const run = originalProcessEvent.apply(this, args);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run)).catch(() => undefined);
      return run;
    };
  }
  return () => {
    if (--patches === 0) BoltApp.prototype.processEvent = originalProcessEvent;
  };
}

/** Resolves once no Slack listener is running (in this process). */
export async function listenersSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

export interface FuzzApp {
  readonly app: App;
  readonly errors: ErrorLog;
  /** Null when the app was started without Slack. */
  readonly fake: FakeSlack | null;
  /** `/healthz` answers 200: the app still serves after what it was sent. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Builds the app over `databaseUrl` (already migrated) with a quiet logger that keeps errors, Slack
 * on (HTTP mode, pointed at a fresh fake) unless `slack` is false; nothing listens and the job
 * worker does not run, so every write a case makes is the request's own.
 */
export async function startFuzzApp(databaseUrl: string, options: { clock: Clock; slack: boolean }): Promise<FuzzApp> {
  const fake = options.slack ? await startFakeSlack({ clock: () => options.clock.now().getTime() }) : null;
  if (fake && !fake.channelByName('incidents')) fake.addChannel({ name: 'incidents' });
  const config = loadConfig(
    {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'error',
      NODE_ENV: 'test',
      PUBLIC_URL: 'https://incidents.example.org',
      ...(fake ? { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl } : {}),
    },
    process.cwd(),
  );
  const errors = new ErrorLog();
  const untrack = trackListenerRuns();
  const app = await buildApp(config, { clock: options.clock, logger: createLogger('error', errors.stream) });
  await app.store.migrate();
  await app.server.ready();
  return {
    app,
    errors,
    fake,
    async healthy() {
      const response = await app.server.inject({ method: 'GET', url: '/healthz' });
      return response.statusCode === 200;
    },
    async close() {
      try {
        await listenersSettled();
        await app.close();
        await fake?.close();
      } finally {
        untrack();
      }
    },
  };
}
