import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { freePort } from '../support/free-port.js';
import { startApp } from '../support/http-app.js';

const run = promisify(execFile);

describe('start-up and health', () => {
  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: 'http', DATABASE_URL: 'mysql://nope', SEVERITIES: ',' },
    }).then(
      () => assert.fail('the server started with bad configuration'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 78);
    for (const name of ['PORT', 'DATABASE_URL', 'SEVERITIES']) assert.match(failure.stderr, new RegExp(name));
    assert.match(failure.stderr, /README/);
  });

  it('refuses to start in production without a sign-in provider (the development sign-in checks nobody)', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40), DATABASE_URL: 'sqlite::memory:', PORT: '0' },
    }).then(
      () => assert.fail('the server started in production with no way to sign in but the development one'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 78);
    assert.match(failure.stderr, /sign-in: production needs a provider: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or GITHUB_CLIENT_ID/);
  });

  it('/healthz is 503 JSON while the database does not answer', async () => {
    const port = await freePort();
    // The app builds without touching the database; only the health check asks it.
    const app = await buildApp(loadConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, LOG_LEVEL: 'silent' }, process.cwd()));
    try {
      const response = await app.server.inject({ method: 'GET', url: '/healthz' });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error.code, 'health.database_unavailable');
    } finally {
      await app.close();
    }
  });

  it('a browser opening / is sent to sign in, then to the incidents', async () => {
    const running = await startApp('sqlite::memory:');
    try {
      const response = await fetch(`${running.baseUrl}/`, { redirect: 'manual' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/sign-in');
    } finally {
      await running.close();
    }
  });

  it('every response carries a request id, and an offered one is kept', async () => {
    const running = await startApp('sqlite::memory:');
    try {
      const response = await fetch(`${running.baseUrl}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
      assert.equal(response.headers.get('x-request-id'), 'trace-123');
      const generated = await fetch(`${running.baseUrl}/healthz`);
      assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    } finally {
      await running.close();
    }
  });
});
