import type { UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';
import { randomToken, sha256Hex } from '../support/ids.ts';

/** WHIP stream keys: one per host and meeting; making a new one revokes the old one. */
export class StreamKeys {
  constructor(private readonly db: Db) {}

  /** A new key for this host and meeting (the previous one stops working). Returned once. */
  async issue(meetingId: string, userId: string): Promise<string> {
    const key = randomToken();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('stream_keys').where('meeting_id', '=', meetingId).where('user_id', '=', userId).execute();
      await trx.insertInto('stream_keys').values({ token_hash: sha256Hex(key), meeting_id: meetingId, user_id: userId }).execute();
    });
    return key;
  }

  /** Who a key belongs to, if it is a live key for this meeting. */
  async resolve(meetingId: string, key: string): Promise<UserRecord | null> {
    const row = await this.db
      .selectFrom('stream_keys')
      .innerJoin('users', 'users.id', 'stream_keys.user_id')
      .select(['users.id', 'users.handle', 'users.display_name'])
      .where('stream_keys.token_hash', '=', sha256Hex(key))
      .where('stream_keys.meeting_id', '=', meetingId)
      .executeTakeFirst();
    return row ? { id: row.id, handle: row.handle, displayName: row.display_name } : null;
  }

  async revoke(meetingId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('stream_keys').where('meeting_id', '=', meetingId).where('user_id', '=', userId).execute();
  }
}
