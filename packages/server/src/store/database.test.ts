import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';
import { migrations } from './migrations/index.ts';
import { isUniqueViolation } from './errors.ts';
import { testBackends, type TestDatabase } from './testing.ts';

describe.each(testBackends())('database on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  }, 60_000);
  afterAll(() => t.close());

  const user = (id: string) => ({ id, handle: id.toLowerCase(), display_name: id, password_hash: 'x' });

  it('has run the migrations', async () => {
    const tables = await t.db.introspection.getTables();
    expect(tables.map((x) => x.name)).toEqual(
      expect.arrayContaining(['users', 'sessions', 'meetings', 'chat_messages']),
    );
  });

  it('round-trips timestamps, booleans and integers with JS types', async () => {
    await t.db.insertInto('users').values(user('types_user')).execute();
    const startsAt = new Date('2030-01-02T03:04:05.678Z');
    await t.db
      .insertInto('meetings')
      .values({ id: 'types_m', title: 't', host_id: 'types_user', starts_at: startsAt, duration_minutes: 30, time_zone: 'UTC', code: null, lobby: true, ended_at: null })
      .execute();
    const row = await t.db.selectFrom('meetings').selectAll().where('id', '=', 'types_m').executeTakeFirstOrThrow();
    expect(row.starts_at).toBeInstanceOf(Date);
    expect(row.starts_at.toISOString()).toBe(startsAt.toISOString());
    expect(row.duration_minutes).toBe(30);
    expect(row.lobby).toBe(true);
    expect(row.code).toBeNull();
    expect(row.created_at).toBeInstanceOf(Date);
  });

  it('reports affected rows', async () => {
    await t.db.insertInto('users').values([user('aff_1'), user('aff_2')]).execute();
    const res = await t.db.updateTable('users').set({ display_name: 'y' }).where('id', 'in', ['aff_1', 'aff_2']).executeTakeFirst();
    expect(res.numUpdatedRows).toBe(2n);
  });

  it('enforces case-insensitive handle uniqueness with a recognisable error', async () => {
    await t.db.insertInto('users').values(user('Dup_1')).execute();
    const err = await t.db
      .insertInto('users')
      .values({ ...user('dup_1_other'), handle: 'DUP_1' })
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'users_handle_lower_key')).toBe(true);
    expect(isUniqueViolation(err, 'other')).toBe(false);
  });

  it('rolls a failed transaction back and serialises concurrent work', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(user('tx_rolled_back')).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const gone = await t.db.selectFrom('users').select('id').where('id', '=', 'tx_rolled_back').executeTakeFirst();
    expect(gone).toBeUndefined();

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.db.transaction().execute(async (trx) => {
          await trx.insertInto('users').values(user(`tx_par_${i}`)).execute();
          const r = await sql<{ n: number }>`select count(*)::int as n from users where id like 'tx_par_%'`.execute(trx);
          return r.rows[0]?.n;
        }),
      ),
    );
    expect(results.length).toBe(8);
    const count = await sql<{ n: number }>`select count(*)::int as n from users where id like 'tx_par_%'`.execute(t.db);
    expect(count.rows[0]?.n).toBe(8);
  });
});

describe('embedded PGlite on disk', () => {
  it('keeps data across a close and reopen, without re-running migrations', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-db-'));
    try {
      const first = await openDatabase({ dataDir: path.join(dir, 'data') });
      await first.insertInto('users').values({ id: 'disk_1', handle: 'disk_1', display_name: 'D', password_hash: 'x' }).execute();
      await first.destroy();
      const second = await openDatabase({ dataDir: path.join(dir, 'data') });
      const row = await second.selectFrom('users').select('handle').where('id', '=', 'disk_1').executeTakeFirst();
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(second);
      await second.destroy();
      expect(row?.handle).toBe('disk_1');
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
