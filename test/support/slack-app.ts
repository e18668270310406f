import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/ports/clock.port.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.js';
import { signedFetch, type SignedResponse, type SignOptions, type SlackRequest } from './slack-requests.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const COMMAND = '/incident';

export interface SlackHarness {
  readonly app: App;
  readonly fake: FakeSlack;
  readonly baseUrl: string;
  /** Signs and posts a request to /slack/events, as Slack does. */
  send(request: string | SlackRequest<unknown>, options?: Partial<SignOptions>): Promise<SignedResponse>;
  close(): Promise<void>;
}

export interface SlackHarnessOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  readonly fake?: FakeSlack;
  readonly fakeOptions?: FakeSlackOptions;
  /** The app's root logger (tests that read log lines); LOG_LEVEL is ignored then. */
  readonly logger?: Logger;
}

/** The real app over HTTP, with Slack on and pointed at a fresh fake Slack Web API. */
export async function startSlackApp(databaseUrl: string, options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const fake = options.fake ?? (await startFakeSlack(options.fakeOptions));
  // The announcement channel exists, as the README's set-up asks.
  const announce = (options.env?.INCIDENT_CHANNEL ?? 'incidents').replace(/^#/, '');
  if (!fake.channelByName(announce)) fake.addChannel({ name: announce });
  const config = loadConfig(
    {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NODE_ENV: 'test',
      PUBLIC_URL: 'https://incidents.example.org',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      ...options.env,
    },
    process.cwd(),
  );
  const app = await buildApp(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    workerPollMs: 50,
  });
  await app.store.migrate();
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  await app.start();
  const { port } = app.server.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const clock = options.clock;
  return {
    app,
    fake,
    baseUrl,
    send: (request, sign = {}) =>
      signedFetch(baseUrl, request, {
        signingSecret: SIGNING_SECRET,
        ...(clock ? { timestamp: Math.floor(clock.now().getTime() / 1000) } : {}),
        ...sign,
      }),
    async close() {
      await app.close();
      if (!options.fake) await fake.close();
    },
  };
}
