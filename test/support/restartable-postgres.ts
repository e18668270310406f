/**
 * A PostgreSQL cluster of the test's own, in a temp dir, that the test can stop and start again
 * (the shared server must never be restarted under the other suites). Debian's binaries
 * (`/usr/lib/postgresql/<version>/bin`); as root, the server runs as `postgres`, which
 * PostgreSQL insists on. initdb and start take about 2 s.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { onAdminDatabase } from './postgres-admin.js';
import { migratePostgres } from './scratch-postgres.js';

const run = promisify(execFile);

export interface RestartablePostgres {
  /** A DATABASE_URL for the migrated database `incidents`. */
  readonly databaseUrl: string;
  /** Stops the server (`pg_ctl stop -m fast`: sessions are ended, as in a restart or failover). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

async function binDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await fs.readdir(root).catch(() => [] as string[])).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (await fs.access(path.join(dir, 'pg_ctl')).then(() => true, () => false)) return dir;
  }
  throw new Error(`no PostgreSQL binaries under ${root}: install Debian's postgresql (scripts/ensure-postgres.sh does when it needs to)`);
}

/** Creates, starts and migrates a throw-away cluster. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const bin = await binDir();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ir-fault-pg.'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  // PostgreSQL refuses to run as root: runuser hands the command to the postgres user.
  const owner = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  const port = await freePort();
  const data = path.join(dir, 'data');
  await owner(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const pgCtl = (...args: string[]) => owner(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', ...args]);
  const start = async () => {
    await pgCtl('-o', options, 'start');
  };
  await start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await onAdminDatabase(adminUrl, 'CREATE DATABASE incidents TEMPLATE template0');
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/incidents`;
  await migratePostgres(databaseUrl);
  return {
    databaseUrl,
    async stop() {
      await pgCtl('-m', 'fast', 'stop');
    },
    start,
    async destroy() {
      await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
