import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Logger } from '../telemetry/logger.ts';
import { migrations } from './migrations/index.ts';
import { PGlitePool } from './pglite-pool.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; absent or empty = embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://`. */
  dataDir: string;
  /** PostgreSQL only: put every table in this schema (tests isolate runs this way). */
  schema?: string;
  log?: Logger;
}

/** Opens the database and brings it to the latest schema version. `db.destroy()` closes it. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Db> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: await createPool(opts) }) });
  try {
    await migrate(db, opts);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

async function createPool(opts: OpenDatabaseOptions) {
  if (opts.databaseUrl) {
    if (opts.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error('bad schema name');
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client losing its server connection must not crash the process.
    pool.on('error', (err) => opts.log?.warn({ err }, 'postgres pool client error'));
    opts.log?.info('database: postgresql');
    return pool;
  }
  const inMemory = opts.dataDir === 'memory://';
  if (!inMemory) fs.mkdirSync(opts.dataDir, { recursive: true });
  const lite = await PGlite.create(inMemory ? undefined : opts.dataDir);
  opts.log?.info({ dataDir: opts.dataDir }, 'database: embedded pglite');
  return new PGlitePool(lite);
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

async function migrate(db: Db, opts: OpenDatabaseOptions): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    ...(opts.databaseUrl && opts.schema ? { migrationTableSchema: opts.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === 'Success') opts.log?.info({ migration: r.migrationName }, 'migration applied');
    else if (r.status === 'Error') opts.log?.error({ migration: r.migrationName }, 'migration failed');
  }
  if (error) throw new Error('database migration failed', { cause: error });
}
