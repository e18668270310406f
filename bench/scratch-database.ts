import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../src/ports/store.port.js';
import { DEFAULT_TEST_POSTGRES_URL, onAdminDatabase } from '../test/support/postgres-admin.js';

/** The PostgreSQL server the benchmarks create their databases on (the tests' one). */
export const adminUrl = process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;

const onAdmin = (statement: string) => onAdminDatabase(adminUrl, statement);

/** A fresh, empty database on `engine` for one benchmark run: its DATABASE_URL and its removal. */
export async function scratchDatabase(engine: Engine): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const name = `ir_bench_${randomBytes(4).toString('hex')}`;
  if (engine === 'sqlite') {
    const file = path.join(os.tmpdir(), `${name}.sqlite`);
    return {
      url: `sqlite:${file}`,
      cleanup: async () => {
        await Promise.all(['', '-wal', '-shm'].map((ext) => fs.rm(file + ext, { force: true })));
      },
    };
  }
  await onAdmin(`CREATE DATABASE ${name} TEMPLATE template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), cleanup: () => onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
