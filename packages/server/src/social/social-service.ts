import { ConveneError, whoCanCallSchema, type CallSettings, type Profile, type UserRef } from '@convene/protocol';
import type { UserRecord } from '../services.ts';
import type { Db } from '../store/database.ts';

/**
 * Follows, blocks, the verified flag and who-can-call settings, and the one rule built on them:
 * may A call B. Everything is keyed by user id; handles are resolved at the edge.
 */
export class DbSocialService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async userByHandle(handle: string): Promise<UserRef | null> {
    const row = await this.#db
      .selectFrom('users')
      .select(['id', 'handle', 'display_name'])
      .where('handle', '=', handle.trim().toLowerCase())
      .executeTakeFirst();
    return row ? { id: row.id, handle: row.handle, displayName: row.display_name } : null;
  }

  async usersByIds(ids: readonly string[]): Promise<Map<string, UserRef>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db.selectFrom('users').select(['id', 'handle', 'display_name']).where('id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((r) => [r.id, { id: r.id, handle: r.handle, displayName: r.display_name }]));
  }

  async #require(handle: string): Promise<UserRef> {
    const u = await this.userByHandle(handle);
    if (!u) throw new ConveneError('NOT_FOUND', 'no such user');
    return u;
  }

  async profile(viewer: UserRecord, handle: string): Promise<Profile> {
    const u = await this.#require(handle);
    const [verified, following, followsMe, blockedByMe] = await Promise.all([
      this.#db.selectFrom('users').select('verified').where('id', '=', u.id).executeTakeFirstOrThrow(),
      this.#exists('follows', 'follower_id', viewer.id, 'followee_id', u.id),
      this.#exists('follows', 'follower_id', u.id, 'followee_id', viewer.id),
      this.#exists('blocks', 'blocker_id', viewer.id, 'blocked_id', u.id),
    ]);
    return { ...u, verified: verified.verified, following, followsMe, blockedByMe };
  }

  async #exists(table: 'follows' | 'blocks', ca: 'follower_id' | 'blocker_id', a: string, cb: 'followee_id' | 'blocked_id', b: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom(table as 'follows')
      .select('created_at')
      .where(ca as 'follower_id', '=', a)
      .where(cb as 'followee_id', '=', b)
      .executeTakeFirst();
    return row !== undefined;
  }

  async setFollow(viewer: UserRecord, handle: string, on: boolean): Promise<Profile> {
    const u = await this.#require(handle);
    if (u.id === viewer.id) throw new ConveneError('BAD_REQUEST', 'you cannot follow yourself');
    if (on) {
      await this.#db.insertInto('follows').values({ follower_id: viewer.id, followee_id: u.id }).onConflict((oc) => oc.doNothing()).execute();
    } else {
      await this.#db.deleteFrom('follows').where('follower_id', '=', viewer.id).where('followee_id', '=', u.id).execute();
    }
    return this.profile(viewer, handle);
  }

  /** Blocking also removes follows both ways (as X does). The blocked user is never told. */
  async setBlock(viewer: UserRecord, handle: string, on: boolean): Promise<Profile> {
    const u = await this.#require(handle);
    if (u.id === viewer.id) throw new ConveneError('BAD_REQUEST', 'you cannot block yourself');
    if (on) {
      await this.#db.transaction().execute(async (trx) => {
        await trx.insertInto('blocks').values({ blocker_id: viewer.id, blocked_id: u.id }).onConflict((oc) => oc.doNothing()).execute();
        await trx
          .deleteFrom('follows')
          .where((eb) =>
            eb.or([
              eb.and([eb('follower_id', '=', viewer.id), eb('followee_id', '=', u.id)]),
              eb.and([eb('follower_id', '=', u.id), eb('followee_id', '=', viewer.id)]),
            ]),
          )
          .execute();
      });
    } else {
      await this.#db.deleteFrom('blocks').where('blocker_id', '=', viewer.id).where('blocked_id', '=', u.id).execute();
    }
    return this.profile(viewer, handle);
  }

  /** Operator action (scripts/admin.ts). Returns false for an unknown handle. */
  async setVerified(handle: string, verified: boolean): Promise<boolean> {
    const r = await this.#db.updateTable('users').set({ verified }).where('handle', '=', handle.trim().toLowerCase()).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async callSettings(userId: string): Promise<CallSettings> {
    const row = await this.#db.selectFrom('users').select(['who_can_call', 'call_only_messaged']).where('id', '=', userId).executeTakeFirstOrThrow();
    const who = whoCanCallSchema.safeParse(row.who_can_call);
    return { whoCanCall: who.success ? who.data : 'following', onlyMessagedBefore: row.call_only_messaged };
  }

  async setCallSettings(userId: string, s: CallSettings): Promise<CallSettings> {
    await this.#db.updateTable('users').set({ who_can_call: s.whoCanCall, call_only_messaged: s.onlyMessagedBefore }).where('id', '=', userId).execute();
    return this.callSettings(userId);
  }

  /** Ids among `others` that blocked `userId` or that `userId` blocked. */
  async blockedEitherWay(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom('blocks')
      .select(['blocker_id', 'blocked_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('blocker_id', '=', userId), eb('blocked_id', 'in', [...others])]),
          eb.and([eb('blocked_id', '=', userId), eb('blocker_id', 'in', [...others])]),
        ]),
      )
      .execute();
    return new Set(rows.map((r) => (r.blocker_id === userId ? r.blocked_id : r.blocker_id)));
  }

  /** Ids among `viewers` who blocked `senderId` (they don't see the sender's messages). */
  async blockersOf(senderId: string, viewers: readonly string[]): Promise<Set<string>> {
    if (viewers.length === 0) return new Set();
    const rows = await this.#db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', senderId).where('blocker_id', 'in', [...viewers]).execute();
    return new Set(rows.map((r) => r.blocker_id));
  }

  /**
   * May `callerId` ring `calleeId`? Blocks either way → no. Then the callee's setting:
   * nobody / people I follow / verified users / everyone, and optionally "only people I have
   * messaged before" (the callee has sent a message in a conversation the caller is in).
   */
  async mayCall(callerId: string, calleeId: string): Promise<boolean> {
    if (callerId === calleeId) return false;
    if ((await this.blockedEitherWay(callerId, [calleeId])).size > 0) return false;
    const settings = await this.callSettings(calleeId);
    let allowed: boolean;
    switch (settings.whoCanCall) {
      case 'nobody':
        allowed = false;
        break;
      case 'everyone':
        allowed = true;
        break;
      case 'following':
        allowed = await this.#exists('follows', 'follower_id', calleeId, 'followee_id', callerId);
        break;
      case 'verified': {
        const row = await this.#db.selectFrom('users').select('verified').where('id', '=', callerId).executeTakeFirst();
        allowed = row?.verified === true;
        break;
      }
    }
    if (!allowed || !settings.onlyMessagedBefore) return allowed;
    const messaged = await this.#db
      .selectFrom('messages')
      .innerJoin('conversation_members', 'conversation_members.conversation_id', 'messages.conversation_id')
      .select('messages.id')
      .where('messages.sender_id', '=', calleeId)
      .where('conversation_members.user_id', '=', callerId)
      .limit(1)
      .executeTakeFirst();
    return messaged !== undefined;
  }
}
