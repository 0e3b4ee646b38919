import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConveneError } from '@convene/protocol';
import { testBackends, type TestDatabase } from '../store/testing.ts';
import { sha256Hex } from '../support/ids.ts';
import { DbAccountService } from './account-service.ts';

const fast = { ln: 10, r: 8, p: 1 };

describe.each(testBackends())('DbAccountService on $name', (backend) => {
  let t: TestDatabase;
  let now = Date.parse('2030-01-01T00:00:00Z');
  let accounts: DbAccountService;
  beforeAll(async () => {
    t = await backend.open();
    accounts = new DbAccountService(t.db, { sessionTtlHours: 2, now: () => now, scrypt: fast });
  }, 60_000);
  afterAll(() => t.close());

  it('signs up, then signs in case-insensitively, each with a working session', async () => {
    const up = await accounts.signUp({ handle: 'Alice_1', password: 'password-1', displayName: ' Alice ' });
    expect(up.user).toMatchObject({ handle: 'alice_1', displayName: 'Alice' });
    expect(up.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await accounts.userForSession(up.token)).toEqual(up.user);

    const inn = await accounts.signIn({ handle: 'ALICE_1', password: 'password-1' });
    expect(inn.user).toEqual(up.user);
    expect(inn.token).not.toBe(up.token);
    expect(await accounts.userForSession(inn.token)).toEqual(up.user);
  });

  it('stores only a hash of the session token', async () => {
    const { token, user } = await accounts.signUp({ handle: 'hash_check', password: 'password-1', displayName: 'H' });
    const rows = await t.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const u = await t.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(u.password_hash).not.toContain('password-1');
  });

  it('rejects a taken handle, whatever its case', async () => {
    await accounts.signUp({ handle: 'bob_1', password: 'password-1', displayName: 'Bob' });
    const err = await accounts.signUp({ handle: 'BOB_1', password: 'password-2', displayName: 'Bob 2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConveneError);
    expect((err as ConveneError).code).toBe('HANDLE_TAKEN');
  });

  it('gives the identical BAD_CREDENTIALS error for an unknown handle and a wrong password', async () => {
    await accounts.signUp({ handle: 'carol_1', password: 'password-1', displayName: 'Carol' });
    const wrong = await accounts.signIn({ handle: 'carol_1', password: 'password-2' }).catch((e: unknown) => e);
    const unknown = await accounts.signIn({ handle: 'nobody_here', password: 'password-1' }).catch((e: unknown) => e);
    for (const e of [wrong, unknown]) expect(e).toBeInstanceOf(ConveneError);
    expect((wrong as ConveneError).toBody()).toEqual((unknown as ConveneError).toBody());
    expect((wrong as ConveneError).code).toBe('BAD_CREDENTIALS');
  });

  it('expires sessions after the TTL and ends them on sign-out', async () => {
    const { token } = await accounts.signUp({ handle: 'dave_1', password: 'password-1', displayName: 'Dave' });
    const other = await accounts.signIn({ handle: 'dave_1', password: 'password-1' });
    now += 2 * 3_600_000 - 1;
    expect(await accounts.userForSession(token)).not.toBeNull();
    now += 1;
    expect(await accounts.userForSession(token)).toBeNull();

    const fresh = await accounts.signIn({ handle: 'dave_1', password: 'password-1' });
    // Signing in purges the user's expired sessions.
    expect(await t.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', sha256Hex(other.token)).execute()).toEqual([]);
    await accounts.signOut(fresh.token);
    expect(await accounts.userForSession(fresh.token)).toBeNull();
  });

  it('returns null for garbage tokens', async () => {
    expect(await accounts.userForSession('')).toBeNull();
    expect(await accounts.userForSession('x'.repeat(5000))).toBeNull();
    expect(await accounts.userForSession('not-a-real-token')).toBeNull();
    await accounts.signOut('not-a-real-token');
  });
});
