import type { AddressInfo } from 'node:net';
import { buildApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';

export interface RunningApp {
  readonly app: App;
  readonly baseUrl: string;
  /** A live API token's secret. */
  readonly token: string;
  /** fetch against the app with the token, JSON in and out. */
  api(path: string, init?: { method?: string; body?: unknown; rawBody?: string; token?: string | null }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // The tests assert on shapes; parsed JSON is narrowed by those assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * Starts the real app over `databaseUrl`, migrated, with one API token, on a free loopback port
 * (or on `env.PORT`, for tests whose PUBLIC_URL must be the real address).
 */
export async function startApp(databaseUrl: string, env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<RunningApp> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env }, process.cwd());
  const app = await buildApp(config, overrides);
  await app.store.migrate();
  await app.server.listen({ port: env.PORT ? Number(env.PORT) : 0, host: '127.0.0.1' });
  await app.start();
  const { port } = app.server.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const { secret } = await app.tokens.create(`test-${port}`);

  return {
    app,
    baseUrl,
    token: secret,
    async api(path, init = {}) {
      const headers: Record<string, string> = {};
      const token = init.token === undefined ? secret : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (init.rawBody !== undefined) body = init.rawBody;
      else if (init.body !== undefined) body = JSON.stringify(init.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
    },
    close: () => app.close(),
  };
}
