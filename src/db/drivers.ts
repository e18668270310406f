import { createRequire } from 'node:module';
import type SQLiteDriver from 'better-sqlite3';
import type pgDriver from 'pg';

const require = createRequire(import.meta.url);

/**
 * The database drivers, each loaded only when its engine is configured: a process on SQLite never
 * loads `pg`, one on PostgreSQL never loads `better-sqlite3` (together about 75 ms of start and
 * 3 MB of memory, docs/performance.md). Both are CommonJS, so `require` keeps `connect` synchronous.
 */
export const loadSqlite = (): typeof SQLiteDriver => require('better-sqlite3') as typeof SQLiteDriver;
export const loadPg = (): typeof pgDriver => require('pg') as typeof pgDriver;
