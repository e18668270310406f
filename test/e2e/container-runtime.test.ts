import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { argsOf, envOf, execForm, readDockerfile, repoRoot } from '../support/dockerfile.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';

// The image's runtime as closely as it can be without Docker: the build stage's build command,
// then the Dockerfile's own CMD, ENV and HEALTHCHECK, read from the file, run from the repository
// (what the image's /app holds) with a clean environment and a temporary directory in place of the
// /data volume. About 4 s. Then `npm start` outside the image, in a copy of the repository: it
// builds dist/ when missing or older than src/, and so always runs the code as edited. About 10 s.

const stages = readDockerfile();
const runtime = stages.at(-1)!;
const buildCommand = argsOf(stages[0]!, 'RUN')
  .find((r) => /^node scripts\/build\.mjs$/.test(r))!
  .split(' ');
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
    // The image's dist/ is built by the build stage; here, from the repository's src/.
    const built = run(buildCommand, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir });
    let buildOutput = '';
    built.stderr!.on('data', (chunk: Buffer) => (buildOutput += chunk.toString()));
    assert.equal(await exitCode(built), 0, `the build stage's ${buildCommand.join(' ')} failed:\n${buildOutput}`);
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

describe('npm start (scripts/start.mjs), in a copy of the repository', () => {
  let copy: string;
  let env: Record<string, string>;
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = pkg.scripts.start!.split(' ');

  before(async () => {
    copy = await fs.mkdtemp(path.join(os.tmpdir(), 'ir-npm-start-'));
    // What a clone holds (dist/ is not committed) plus `npm ci`'s node_modules.
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'scripts']) {
      await fs.cp(path.join(repoRoot, file), path.join(copy, file), { recursive: true, preserveTimestamps: true });
    }
    await fs.symlink(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: copy, DATABASE_URL: `sqlite:${copy}/data.sqlite`, PORT: String(await freePort()), LOG_LEVEL: 'info' };
  });

  after(async () => {
    await fs.rm(copy, { recursive: true, force: true });
  });

  /** Runs `npm start`'s command until the app says it is ready; returns everything it printed. */
  async function startAndStop(): Promise<string> {
    assert.equal(start[0], 'node');
    const app = spawn(process.execPath, start.slice(1), { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    app.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(
        `npm start to be ready (output so far:\n${output})`,
        () => {
          if (app.exitCode !== null) throw new Error(`npm start exited ${app.exitCode}:\n${output}`);
          return /"msg":"incident-response is ready/.test(output) ? true : undefined;
        },
        30_000,
      );
    } finally {
      app.kill('SIGTERM');
    }
    assert.equal(await exitCode(app), 0, output);
    return output;
  }

  it('builds dist/ on the first start, not on the next, and again after an edit, which then runs', async () => {
    const first = await startAndStop();
    assert.match(first, /built dist\/ in \d+ ms \(dist\/ has not been built\)/);

    const second = await startAndStop();
    assert.doesNotMatch(second, /built dist\//, 'nothing changed: no build');

    const main = path.join(copy, 'src/main.ts');
    const source = await fs.readFile(main, 'utf8');
    assert.ok(source.includes("'incident-response is ready'"));
    await fs.writeFile(main, source.replace("'incident-response is ready'", "'incident-response is ready (edited)'"));
    const edited = await startAndStop();
    assert.match(edited, /built dist\/ in \d+ ms \(src\/main\.ts changed\)/);
    assert.match(edited, /"msg":"incident-response is ready \(edited\)"/, 'the edited code runs');

    await fs.rm(path.join(copy, 'dist'), { recursive: true });
    assert.match(await startAndStop(), /built dist\/ in \d+ ms \(dist\/ has not been built\)/, 'rm -rf dist && npm start');
  });
});
