import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from '../../src/db/connect.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { DEFAULT_TEST_POSTGRES_URL, onAdminDatabase } from './postgres-admin.js';

export interface ScratchPostgres {
  /** A DATABASE_URL for the fresh, migrated database. */
  readonly databaseUrl: string;
  /** The admin URL it was created through (for pg_stat_activity and the like). */
  readonly adminUrl: string;
  /** Drops the database, ending any session still on it. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated PostgreSQL database for a PostgreSQL-only suite (several app instances on
 * one database, LISTEN/NOTIFY). Suites that run on every engine use `describeEngines` instead.
 */
export async function createScratchPostgres(prefix = 'ir_test_pg'): Promise<ScratchPostgres> {
  const adminUrl = process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
  // Generated, lower-case and hex: safe to put in the statement as it is.
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  // template0 takes no connections, so a session left open on template1 cannot block CREATE.
  await onAdminDatabase(adminUrl, `CREATE DATABASE "${name}" TEMPLATE template0`);
  await migratePostgres(databaseUrl);
  return {
    databaseUrl,
    adminUrl,
    drop: () => onAdminDatabase(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Brings the (empty) PostgreSQL database at `databaseUrl` up to the latest migration. */
export async function migratePostgres(databaseUrl: string): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl, process.cwd());
  if (target?.engine !== 'postgres') throw new Error(`Unexpected database URL ${databaseUrl}`);
  const connection = connect(target);
  try {
    await migrateToLatest(connection.db, 'postgres');
  } finally {
    await connection.db.destroy();
  }
}

/** Runs `query` on the admin connection and returns its rows (for looking at other sessions). */
export async function queryAdmin<T>(adminUrl: string, query: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(query, values)).rows as T[];
  } finally {
    await client.end();
  }
}
