import pg from 'pg';

/** The admin URL the PostgreSQL tests and benchmarks create their databases through. */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement (CREATE/DROP DATABASE) on the admin connection. */
export async function onAdminDatabase(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
