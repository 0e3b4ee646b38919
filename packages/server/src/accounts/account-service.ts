import { ConveneError } from '@convene/protocol';
import type { AccountService, UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import { systemClock, type Clock } from '../support/clock.ts';
import { randomId, randomToken, sha256Hex } from '../support/ids.ts';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './password.ts';

export interface AccountServiceOptions {
  sessionTtlHours: number;
  now?: Clock;
  scrypt?: ScryptParams;
}

const BAD_CREDENTIALS = 'wrong handle or password';
/** Session tokens are 43 base64url characters; anything far off is rejected before hashing. */
const MAX_TOKEN_LENGTH = 128;

/** Accounts and sessions. Sessions are looked up by SHA-256 of the bearer token. */
export class DbAccountService implements AccountService {
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #now: Clock;
  readonly #scrypt: ScryptParams;
  /** Hash verified against when the handle is unknown, so both failures cost the same scrypt work. */
  #dummyHash: Promise<string> | undefined;

  constructor(db: Db, opts: AccountServiceOptions) {
    this.#db = db;
    this.#ttlMs = opts.sessionTtlHours * 3_600_000;
    this.#now = opts.now ?? systemClock;
    this.#scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
  }

  async signUp(input: { handle: string; password: string; displayName: string }) {
    const user: UserRecord = { id: randomId(), handle: input.handle.trim().toLowerCase(), displayName: input.displayName.trim() };
    const passwordHash = await hashPassword(input.password, this.#scrypt);
    try {
      await this.#db
        .insertInto('users')
        .values({ id: user.id, handle: user.handle, display_name: user.displayName, password_hash: passwordHash })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err, 'users_handle_lower_key')) {
        throw new ConveneError('HANDLE_TAKEN', 'that handle is taken', { cause: err });
      }
      throw err;
    }
    return { user, token: await this.#createSession(user.id) };
  }

  async signIn(input: { handle: string; password: string }) {
    const row = await this.#db
      .selectFrom('users')
      .select(['id', 'handle', 'display_name', 'password_hash'])
      .where((eb) => eb(eb.fn('lower', ['handle']), '=', input.handle.trim().toLowerCase()))
      .executeTakeFirst();
    // Do the scrypt work whether or not the handle exists: no timing oracle for valid handles.
    const ok = await verifyPassword(input.password, row?.password_hash ?? (await this.#dummy()));
    if (!row || !ok) throw new ConveneError('BAD_CREDENTIALS', BAD_CREDENTIALS);
    await this.#db
      .deleteFrom('sessions')
      .where('user_id', '=', row.id)
      .where('expires_at', '<=', new Date(this.#now()))
      .execute();
    const user: UserRecord = { id: row.id, handle: row.handle, displayName: row.display_name };
    return { user, token: await this.#createSession(user.id) };
  }

  async userForSession(token: string): Promise<UserRecord | null> {
    if (!token || token.length > MAX_TOKEN_LENGTH) return null;
    const row = await this.#db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.handle', 'users.display_name'])
      .where('sessions.token_hash', '=', sha256Hex(token))
      .where('sessions.expires_at', '>', new Date(this.#now()))
      .executeTakeFirst();
    return row ? { id: row.id, handle: row.handle, displayName: row.display_name } : null;
  }

  async signOut(token: string): Promise<void> {
    if (!token || token.length > MAX_TOKEN_LENGTH) return;
    await this.#db.deleteFrom('sessions').where('token_hash', '=', sha256Hex(token)).execute();
  }

  async #createSession(userId: string): Promise<string> {
    const token = randomToken();
    await this.#db
      .insertInto('sessions')
      .values({ token_hash: sha256Hex(token), user_id: userId, expires_at: new Date(this.#now() + this.#ttlMs) })
      .execute();
    return token;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomToken(), this.#scrypt);
    return this.#dummyHash;
  }
}
