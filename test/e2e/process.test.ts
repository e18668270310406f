import assert from 'node:assert/strict';
import http from 'node:http';
import { buildServices } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { describeEngines } from '../support/engines.js';
import { startServerProcess } from '../support/server-process.js';

/** A token in the database the child process will use, created the way the CLI does. */
async function createToken(databaseUrl: string): Promise<string> {
  const services = buildServices(loadConfig({ DATABASE_URL: databaseUrl }, process.cwd()), { logger: createLogger('silent') });
  try {
    await services.store.migrate();
    return (await services.tokens.create('process-test')).secret;
  } finally {
    await services.store.close();
  }
}

describeEngines('the server process', (ctx) => {
  ctx.test('kill -9 right after a 201: the incident is there after restart', async () => {
    const token = await createToken(ctx.databaseUrl);
    const first = await startServerProcess({ DATABASE_URL: ctx.databaseUrl });
    const response = await fetch(`${first.baseUrl}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Survives a crash' }),
    });
    assert.equal(response.status, 201);
    first.child.kill('SIGKILL');
    assert.equal((await first.exited()).signal, 'SIGKILL');
    const { reference } = (await response.json()) as { reference: string };

    const second = await startServerProcess({ DATABASE_URL: ctx.databaseUrl });
    try {
      const read = await fetch(`${second.baseUrl}/api/v1/incidents/${reference}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { title: string }).title, 'Survives a crash');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  });

  ctx.test('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const token = await createToken(ctx.databaseUrl);
    const server = await startServerProcess({ DATABASE_URL: ctx.databaseUrl });
    const url = new URL(`${server.baseUrl}/api/v1/incidents`);
    const body = JSON.stringify({ title: 'Declared during shutdown' });
    const request = http.request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    // Half the body now: the request is in flight when the signal arrives.
    request.write(body.slice(0, 10));
    await server.waitForLog(/incoming request/);
    server.child.kill('SIGTERM');
    await server.waitForLog(/draining in-flight requests/);
    request.end(body.slice(10));

    const result = await answered;
    assert.equal(result.status, 201, result.text);
    assert.equal((JSON.parse(result.text) as { title: string }).title, 'Declared during shutdown');
    const exit = await server.exited();
    assert.equal(exit.code, 0);
  });

  ctx.test('/healthz answers 200 JSON while the database answers', async () => {
    const server = await startServerProcess({ DATABASE_URL: ctx.databaseUrl });
    try {
      const response = await fetch(`${server.baseUrl}/healthz`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { status: string; database: string; jobs: Record<string, number> };
      assert.equal(body.status, 'ok');
      assert.equal(body.database, 'ok');
      assert.deepEqual(Object.keys(body.jobs).sort(), ['failed', 'oldestDueAgeMs', 'pending', 'running']);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited();
    }
  });
});
