import type { Db } from '../store/database.ts';

/** Durable "blocked from this Space": loaded when a room opens, written before the block is acknowledged. */
export class RoomBlocks {
  constructor(private readonly db: Db) {}

  async list(meetingId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_blocks').select('user_id').where('meeting_id', '=', meetingId).execute();
    return rows.map((r) => r.user_id);
  }

  async add(meetingId: string, userId: string, by: string): Promise<void> {
    await this.db
      .insertInto('room_blocks')
      .values({ meeting_id: meetingId, user_id: userId, blocked_by: by })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
