import os from 'node:os';
import pg from 'pg';
import { DEFAULT_TEST_POSTGRES_URL } from '../test/support/postgres-admin.js';

/** One line naming the machine, printed with every figure: numbers mean little without it. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const memGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores, ${memGiB} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/** The PostgreSQL server's version string (short), or why it could not be read. */
export async function describePostgres(url = process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
  } catch (error) {
    return `PostgreSQL unreachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
