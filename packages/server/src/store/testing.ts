/**
 * Contract-test backends: every DB test runs against embedded PGlite and, when
 * TEST_DATABASE_URL is set, against that PostgreSQL too (each run in a throwaway schema).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from './database.ts';

export interface TestDatabase {
  db: Db;
  close(): Promise<void>;
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(): Promise<TestDatabase>;
}

export function testBackends(env: Record<string, string | undefined> = process.env): TestBackend[] {
  const backends: TestBackend[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openDatabase({ dataDir: 'memory://' });
        return { db, close: () => db.destroy() };
      },
    },
  ];
  const url = env.TEST_DATABASE_URL;
  if (url) {
    backends.push({
      name: 'postgres',
      async open() {
        const schema = `test_${randomBytes(6).toString('hex')}`;
        const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://', schema });
        return {
          db,
          async close() {
            await db.destroy();
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            try {
              await client.query(`drop schema if exists ${schema} cascade`);
            } finally {
              await client.end();
            }
          },
        };
      },
    });
  }
  return backends;
}
