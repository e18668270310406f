import path from 'node:path';
import type { Engine } from '../ports/store.port.js';

export type DatabaseTarget =
  | { readonly engine: Extract<Engine, 'sqlite'>; readonly file: string }
  | { readonly engine: Extract<Engine, 'postgres'>; readonly connectionString: string };

export const DEFAULT_SQLITE_FILE = './data/incident-response.sqlite';

/**
 * Reads DATABASE_URL: unset means the embedded SQLite file, `sqlite:<path>` another file (or
 * `sqlite::memory:`), `postgres://` / `postgresql://` a PostgreSQL server. Null when unrecognised.
 */
export function parseDatabaseUrl(url: string | undefined, cwd: string): DatabaseTarget | null {
  if (url === undefined || url.trim() === '') return { engine: 'sqlite', file: path.resolve(cwd, DEFAULT_SQLITE_FILE) };
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', connectionString: url };
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (match?.[1]) {
    const file = match[1];
    return { engine: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  return null;
}

/** The URL with any password hidden, for logs and error messages. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return `SQLite at ${target.file}`;
  try {
    const url = new URL(target.connectionString);
    if (url.password) url.password = '***';
    return `PostgreSQL at ${url.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}
