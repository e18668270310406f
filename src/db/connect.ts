import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { DatabaseTarget } from './database-url.js';
import { loadPg, loadSqlite } from './drivers.js';
import type { Database } from './schema.js';
import { cacheStatements } from './sqlite-statement-cache.js';
import { StripNulPlugin } from './strip-nul.plugin.js';

export interface Connection {
  readonly db: Kysely<Database>;
  readonly target: DatabaseTarget;
}

export interface ConnectOptions {
  /** PostgreSQL pool size per process. */
  readonly poolSize?: number;
}

/** Opens the database named by the target; the caller owns it and must `db.destroy()` it. */
export function connect(target: DatabaseTarget, options: ConnectOptions = {}): Connection {
  if (target.engine === 'sqlite') {
    if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true });
    const SQLite = loadSqlite();
    const sqlite = new SQLite(target.file);
    // WAL lets readers run beside the writer; synchronous=FULL fsyncs the log on every commit,
    // so a 2xx answer means the data survives a crash or power loss (NORMAL would not).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // SQLite's own lower() folds only ASCII; people search for "Échec" too, as on PostgreSQL.
    sqlite.function('lower', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? value.toLowerCase() : value,
    );
    return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cacheStatements(sqlite) }), plugins: [new StripNulPlugin()] }), target };
  }
  const pool = new (loadPg().Pool)({ connectionString: target.connectionString, max: options.poolSize ?? 10 });
  // An idle client losing its server (restart, failover) must not crash the process; the pool
  // drops it and the next query gets a fresh connection.
  pool.on('error', () => undefined);
  // A checked-out client (mid-transaction, between statements) whose server goes away emits
  // 'error' with nobody listening, which would crash the process; its query fails on its own.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new StripNulPlugin()] }), target };
}
