import assert from 'node:assert/strict';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { configVariables } from '../../src/config/config.js';
import { argsOf, envOf, execForm, readDockerfile, repoRoot } from '../support/dockerfile.js';

// What the Dockerfile and docker-compose.yml promise that can be checked without a Docker daemon
// (there is none here); test/e2e/container-runtime.test.ts runs the image's command. Under 100 ms.

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// scripts/build.mjs: what `npm start` builds and runs (plain JavaScript, so imported by URL).
const buildScript = (await import(pathToFileURL(path.join(repoRoot, 'scripts/build.mjs')).href)) as { entryFile: string };
const entry = path.relative(repoRoot, buildScript.entryFile);
const stages = readDockerfile();
const runtime = stages.at(-1)!;
const build = stages[0]!;
const dockerignore = fs
  .readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Every .ts file under a folder. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The package a bare import specifier names (`@scope/name/sub` -> `@scope/name`). */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage that takes its node_modules, dist and src from the build', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    assert.equal(runtime.name, 'runtime');
    const copies = argsOf(runtime, 'COPY');
    for (const dir of ['node_modules', path.dirname(entry), 'src']) {
      assert.ok(copies.some((c) => c.startsWith(`--from=${build.name} `) && c.split(' ').includes(`/app/${dir}`)), `${dir} comes from the build stage`);
    }
    assert.ok(!argsOf(runtime, 'RUN').some((r) => /npm (ci|install)|build\.mjs/.test(r)), 'the runtime installs and builds nothing');
  });

  it('builds dist/ with the script `npm start` uses, from the sources copied before it', () => {
    const instructions = build.instructions.map((i) => `${i.keyword} ${i.args}`);
    const building = instructions.findIndex((i) => /^RUN node scripts\/build\.mjs$/.test(i));
    assert.ok(building > 0, 'RUN node scripts/build.mjs in the build stage');
    const copiedBefore = instructions.slice(0, building).filter((i) => i.startsWith('COPY ')).flatMap((i) => i.split(' ').slice(1, -1));
    for (const input of ['package.json', 'tsconfig.json', 'scripts/build.mjs', 'src']) assert.ok(copiedBefore.includes(input), `${input} is copied before the build`);
    assert.ok(building < instructions.findIndex((i) => /npm prune/.test(i)), 'built before dev dependencies are dropped');
  });

  it('builds the native module with a toolchain, then drops dev dependencies', () => {
    const runs = argsOf(build, 'RUN').join('\n');
    for (const tool of ['python3', 'make', 'g++']) assert.match(runs, new RegExp(`install[^\\n]*\\b${tool.replace('+', '\\+')}`), `${tool} is installed`);
    assert.match(runs, /npm ci\b/);
    assert.match(runs, /npm prune --omit=dev/);
  });

  it('runs as a non-root user', () => {
    const user = argsOf(runtime, 'USER').at(-1);
    assert.ok(user, 'a USER instruction');
    assert.ok(!['root', '0', '0:0'].includes(user), `USER ${user}`);
  });

  it('starts what `npm start` runs, in exec form so SIGTERM reaches node, and says SIGTERM drains', () => {
    // `npm start` is scripts/start.mjs: it builds dist/ when stale, then imports the same entry.
    // Both run node with the same V8 flags (memory: docs/performance.md).
    const [node, ...startArgs] = (pkg.scripts.start ?? '').split(' ');
    assert.equal(node, 'node');
    assert.equal(startArgs.at(-1), 'scripts/start.mjs');
    const flags = startArgs.slice(0, -1);
    assert.ok(flags.includes('--max-semi-space-size=4'), `npm start's node flags: ${flags.join(' ')}`);
    assert.match(fs.readFileSync(path.join(repoRoot, 'scripts/start.mjs'), 'utf8'), /await import\(pathToFileURL\(entryFile\)\.href\)/);
    const cmd = execForm(argsOf(runtime, 'CMD').at(-1)!);
    assert.deepEqual(cmd, ['node', ...flags, entry]);
    assert.deepEqual(argsOf(runtime, 'STOPSIGNAL'), ['SIGTERM']);
    assert.ok(!argsOf(runtime, 'ENTRYPOINT').length, 'no entrypoint wraps the command');
  });

  it('keeps every package the app imports after `npm prune --omit=dev`, esbuild and tsx included', () => {
    assert.ok(pkg.dependencies.esbuild, '`npm start` builds dist/ with esbuild: a runtime dependency');
    assert.ok(pkg.dependencies.tsx, 'the CLI runs its TypeScript through tsx, in the image too: a runtime dependency');
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      // `import type` is erased; only value imports must resolve at run time.
      for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^'.][^']*)'/gm)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = packageOf(specifier);
        if (!pkg.dependencies[name]) missing.add(`${name} (${path.relative(repoRoot, file)})`);
      }
    }
    assert.deepEqual([...missing], [], 'imported by src/ but not in dependencies');
  });

  it('checks health with node against /healthz', () => {
    const healthcheck = argsOf(runtime, 'HEALTHCHECK').at(-1);
    assert.ok(healthcheck, 'a HEALTHCHECK');
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4));
    assert.equal(command[0], 'node', 'no curl in the slim image');
    const script = fs.readFileSync(path.join(repoRoot, command[1]!), 'utf8');
    assert.match(script, /\/healthz/);
  });

  it('listens on the exposed port on every interface, keeps SQLite on the /data volume, in production mode', () => {
    const env = envOf(runtime);
    assert.deepEqual(argsOf(runtime, 'EXPOSE'), [env.PORT]);
    assert.equal(env.HOST, '0.0.0.0');
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(env.DATABASE_URL, 'sqlite:/data/incident-response.sqlite');
    assert.ok(argsOf(runtime, 'VOLUME').some((v) => v.includes('/data')));
    for (const name of Object.keys(env)) assert.ok(configVariables.some((v) => v.name === name), `${name} is a documented variable`);
  });

  it('copies only files that exist and that .dockerignore lets in', () => {
    for (const stage of stages) {
      for (const copy of argsOf(stage, 'COPY').filter((c) => !c.startsWith('--from='))) {
        const sources = copy.split(' ').filter((p) => !p.startsWith('--')).slice(0, -1);
        for (const source of sources) {
          assert.ok(fs.existsSync(path.join(repoRoot, source)), `${source} exists`);
          const top = source.split('/')[0]!;
          assert.ok(!dockerignore.includes(top) && !dockerignore.includes(source), `${source} is not in .dockerignore`);
        }
      }
    }
    for (const kept of ['node_modules', 'dist', '.env', 'data', '.git']) assert.ok(dockerignore.includes(kept), `${kept} stays out of the build context`);
    assert.ok(fs.readFileSync(path.join(repoRoot, '.gitignore'), 'utf8').split('\n').includes(`${path.dirname(entry)}/`), 'the build output is not committed');
  });
});

describe('docker-compose.yml', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the assertions narrow it
  const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as any;

  it('runs the app on PostgreSQL 15, once the database is healthy', () => {
    const { app, postgres } = compose.services;
    assert.equal(postgres.image, 'postgres:15');
    assert.match(postgres.healthcheck.test.join(' '), /pg_isready/);
    assert.equal(app.depends_on.postgres.condition, 'service_healthy');
    const url = new URL(app.environment.DATABASE_URL.replace(/\$\{[^}]+\}/g, 'x'));
    assert.equal(url.protocol, 'postgres:');
    assert.equal(url.hostname, 'postgres');
    assert.equal(url.pathname.slice(1), postgres.environment.POSTGRES_DB);
    assert.equal(url.username, postgres.environment.POSTGRES_USER);
  });

  it('keeps PostgreSQL data in a named volume', () => {
    const mount = compose.services.postgres.volumes.find((v: string) => v.endsWith(':/var/lib/postgresql/data')) as string;
    assert.ok(mount);
    assert.ok(mount.split(':')[0]! in compose.volumes);
  });

  it('takes secrets from the env file, never written in the file', () => {
    const { app, postgres } = compose.services;
    assert.equal(app.env_file, '.env');
    for (const service of [app, postgres]) {
      for (const [name, value] of Object.entries(service.environment as Record<string, string>)) {
        if (/SECRET|TOKEN|PASSWORD/.test(name)) assert.match(value, /^\$\{\w+[:?][^}]*\}$/, `${name} comes from .env`);
      }
    }
    assert.match(app.environment.DATABASE_URL, /\$\{POSTGRES_PASSWORD/);
    assert.ok(fs.readFileSync(path.join(repoRoot, '.gitignore'), 'utf8').split('\n').includes('.env'), '.env is not committed');
  });

  it('gives the drain time to finish before Docker kills the app', () => {
    assert.ok(Number.parseInt(compose.services.app.stop_grace_period, 10) * 1000 > 10_000);
  });

  it('.env.example names only documented variables, with no value filled in for a secret', () => {
    const lines = fs.readFileSync(path.join(repoRoot, '.env.example'), 'utf8').split('\n').filter((l) => /^\w+=/.test(l));
    assert.ok(lines.length > 0);
    for (const line of lines) {
      const [name, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
      assert.ok(name === 'POSTGRES_PASSWORD' || configVariables.some((v) => v.name === name), `${name} is documented`);
      if (/SECRET|TOKEN|PASSWORD/.test(name)) assert.equal(value, '', `${name} is left empty`);
    }
  });
});
