import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests create their databases on; CI and these machines run PostgreSQL on 127.0.0.1:5432. */
export const POSTGRES_ADMIN_URL =
  process.env.SHIRIKI_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database for one test file, dropped by `drop()`. Fails with a message naming the server when
 * PostgreSQL is not there: these tests are part of the suite, not optional.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `shiriki_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is needed at ${POSTGRES_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (set SHIRIKI_TEST_POSTGRES_URL): ${String(error)}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
