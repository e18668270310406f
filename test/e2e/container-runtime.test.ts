import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { argsOf, envOf, execForm, readDockerfile, repoRoot } from '../support/dockerfile.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';

// The image's runtime as closely as it can be without Docker: the Dockerfile's own CMD, ENV and
// HEALTHCHECK, read from the file, run from the repository (what the image's /app holds) with a
// clean environment and a temporary directory in place of the /data volume. About 3 s.

const runtime = readDockerfile().at(-1)!;
const imageEnv = envOf(runtime);
const command = execForm(argsOf(runtime, 'CMD').at(-1)!);
const healthcheckArgs = argsOf(runtime, 'HEALTHCHECK').at(-1)!;
const healthcheck = execForm(healthcheckArgs.slice(healthcheckArgs.indexOf('CMD ') + 4));

/** Runs a command of the image (its `node` is this node), in /app, with the container's environment. */
function run(argv: readonly string[], env: Record<string, string>): ChildProcess {
  assert.equal(argv[0], 'node');
  return spawn(process.execPath, argv.slice(1), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the container image, simulated: CMD, ENV and HEALTHCHECK from the Dockerfile', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let app: ChildProcess;
  let output = '';

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ir-image-data-'));
    const port = String(await freePort());
    // What `docker run -e ...` adds in production: the must-set variables and a sign-in provider.
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dataDir,
      ...imageEnv,
      DATABASE_URL: imageEnv.DATABASE_URL!.replace('/data/', `${dataDir}/`),
      PORT: port,
      SESSION_SECRET: 'a'.repeat(64),
      GITHUB_CLIENT_ID: 'image-test-client',
      GITHUB_CLIENT_SECRET: 'image-test-secret',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    };
    app = run(command, env);
    app.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  after(async () => {
    if (app.exitCode === null && app.signalCode === null) {
      app.kill('SIGKILL');
      await once(app, 'exit');
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts in production mode, answers /healthz, passes its HEALTHCHECK, drains on SIGTERM and then fails it', async () => {
    const healthz = `http://127.0.0.1:${env.PORT}/healthz`;
    const ready = await eventually(
      `/healthz of the image's command (log so far:\n${output})`,
      async () => {
        if (app.exitCode !== null) throw new Error(`the app exited ${app.exitCode}:\n${output}`);
        const response = await fetch(healthz).catch(() => undefined);
        return response?.status === 200 ? ((await response.json()) as { status: string }) : undefined;
      },
      20_000,
    );
    assert.equal(ready.status, 'ok');
    assert.match(output, /"msg":"incident-response is ready"/, 'structured JSON logs');
    await fs.access(path.join(dataDir, 'incident-response.sqlite'));

    assert.equal(await exitCode(run(healthcheck, env)), 0, 'HEALTHCHECK passes against the running app');

    app.kill(argsOf(runtime, 'STOPSIGNAL')[0] as NodeJS.Signals);
    assert.equal(await exitCode(app), 0, `drained and exited 0:\n${output}`);
    assert.match(output, /"msg":"stopped"/);

    assert.equal(await exitCode(run(healthcheck, env)), 1, 'HEALTHCHECK fails with the app down');
  });
});
