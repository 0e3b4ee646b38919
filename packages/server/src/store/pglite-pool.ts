import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { Mutex } from '../support/mutex.ts';

type Command = PostgresQueryResult<unknown>['command'];

/**
 * Presents one PGlite instance as a node-postgres style pool to Kysely's PostgresDialect.
 * PGlite is a single connection, so `connect()` hands out one client at a time: a Kysely
 * transaction holds the lock from BEGIN to COMMIT and no other query can interleave with it.
 * Consequence: inside `db.transaction()` use only the `trx` handle, never `db`, or it deadlocks.
 */
export class PGlitePool implements PostgresPool {
  readonly #pg: PGlite;
  readonly #lock = new Mutex();
  #ended = false;

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  async connect(): Promise<PostgresPoolClient> {
    if (this.#ended) throw new Error('PGlitePool has ended');
    const release = await this.#lock.acquire();
    let released = false;
    const client = {
      query: async <R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
        if (released) throw new Error('PGlite client used after release');
        const result = await this.#pg.query<R>(sql, [...parameters]);
        return {
          rows: result.rows,
          rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
          command: (result.command ?? 'SELECT').toUpperCase() as Command,
        };
      },
      release: () => {
        released = true;
        release();
      },
    };
    // Kysely's client type also overloads query() for cursors, which this adapter does not support.
    return client as unknown as PostgresPoolClient;
  }

  /** Waits for the current holder, then closes PGlite. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const release = await this.#lock.acquire();
    try {
      await this.#pg.close();
    } finally {
      release();
    }
  }
}
