import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { connect, type Connection } from '../../src/db/connect.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Clock } from '../../src/ports/clock.port.js';
import type { Engine, Store } from '../../src/ports/store.port.js';
import { createStore } from '../../src/repositories/store.js';
import { DEFAULT_TEST_POSTGRES_URL, onAdminDatabase } from './postgres-admin.js';

/** Every engine a repository test runs on; each database test runs once per entry. */
export const engines = ['sqlite', 'postgres'] as const satisfies readonly Engine[];

/** The admin URL the PostgreSQL tests create their databases through. */
export { DEFAULT_TEST_POSTGRES_URL } from './postgres-admin.js';

/** A clock that stands still until a test moves it. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date = new Date('2024-01-01T09:00:00.000Z')) {
    this.#ms = start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Jumps to the given time (backwards too). */
  set(date: Date): void {
    this.#ms = date.getTime();
  }

  /** Moves the time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export type EngineTestFn = (t: TestContext) => void | Promise<void>;

export interface EngineContext {
  readonly engine: Engine;
  /** A DATABASE_URL for this suite's own fresh, migrated database. */
  readonly databaseUrl: string;
  /** The clock the store reads; tests move it. */
  readonly clock: ManualClock;
  /** The Store over this suite's database, built on first use and closed after the suite. */
  store(): Store;
  /** Registers a test named with the engine prefix the engine-count reporter counts. */
  test(name: string, fn: EngineTestFn): void;
}

/** Quotes an SQL identifier; the names here are generated, this only guards the contract. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface Scratch {
  readonly databaseUrl: string;
  create(): Promise<void>;
  remove(): Promise<void>;
}

function sqliteScratch(suffix: string): Scratch {
  const file = path.join(os.tmpdir(), `ir_test_${suffix}.sqlite`);
  return {
    databaseUrl: `sqlite:${file}`,
    create: async () => undefined,
    async remove() {
      await Promise.all(['', '-wal', '-shm', '-journal'].map((ext) => fs.rm(`${file}${ext}`, { force: true })));
    },
  };
}

function postgresScratch(suffix: string): Scratch {
  const adminUrl = process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
  const name = `ir_test_${suffix}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async create() {
      try {
        // template0 takes no connections, so a session left open on template1 cannot block CREATE.
        await onAdminDatabase(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
      } catch (error) {
        const hint = 'set TEST_POSTGRES_URL to an admin URL, or run the tests with `npm test` (scripts/ensure-postgres.sh)';
        const shown = new URL(adminUrl);
        if (shown.password) shown.password = '***';
        throw new Error(`Could not create test database ${name} through ${shown.toString()}: ${String(error)}; ${hint}`, {
          cause: error,
        });
      }
    },
    remove: () => onAdminDatabase(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  };
}

/**
 * Registers `describe('[engine] title')` once per engine, each with its own fresh, migrated
 * database created before its tests and removed after them. Register tests with `ctx.test`.
 */
export function describeEngines(title: string, body: (ctx: EngineContext) => void): void {
  for (const engine of engines) {
    describe(`[${engine}] ${title}`, () => {
      const suffix = randomBytes(6).toString('hex');
      const scratch = engine === 'sqlite' ? sqliteScratch(suffix) : postgresScratch(suffix);
      const clock = new ManualClock();
      let connection: Connection | undefined;
      let store: Store | undefined;
      let created = false;

      before(async () => {
        await scratch.create();
        created = true;
        const target = parseDatabaseUrl(scratch.databaseUrl, process.cwd());
        if (target?.engine !== engine) throw new Error(`Unexpected database URL ${scratch.databaseUrl}`);
        connection = connect(target);
        await migrateToLatest(connection.db, engine);
      });

      body({
        engine,
        databaseUrl: scratch.databaseUrl,
        clock,
        store() {
          if (!connection) throw new Error('store() is only available inside tests (after the suite has started)');
          store ??= createStore(connection, clock);
          return store;
        },
        test(name, fn) {
          it(`[${engine}] ${name}`, fn);
        },
      });

      // Registered after the suite's own hooks so it runs last: the suite closes its app first.
      after(async () => {
        // The connection must be gone before the database is dropped or the file removed.
        try {
          await connection?.db.destroy();
        } finally {
          if (created) await scratch.remove();
        }
      });
    });
  }
}
