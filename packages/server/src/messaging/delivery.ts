import type { Call, Message } from '@convene/protocol';
import type { UserHub } from '../inbox/UserHub.ts';
import type { DbSocialService } from '../social/social-service.ts';
import type { DbConversationService } from './conversation-service.ts';

/**
 * Real-time delivery of a committed message to every device of every member, the sender's own
 * other devices included — except members who blocked the sender (they never see it).
 */
export class MessageDelivery {
  constructor(
    private readonly hub: UserHub,
    private readonly conversations: DbConversationService,
    private readonly social: DbSocialService,
  ) {}

  async deliver(message: Message): Promise<void> {
    const members = await this.conversations.memberIds(message.conversationId);
    const hidden = message.from ? await this.social.blockersOf(message.from.id, members) : new Set<string>();
    for (const u of members) if (!hidden.has(u)) this.hub.send(u, { method: 'message', data: { message } });
  }

  /** The call running in a conversation (set by the call manager, which is built after this). */
  activeCall: (conversationId: string) => Promise<Call | null> = () => Promise.resolve(null);

  /** Tell every member to refetch a conversation (membership or title changed). */
  async changed(conversationId: string, alsoTo: readonly string[] = []): Promise<void> {
    const members = await this.conversations.memberIds(conversationId);
    // Only users with a device online are told, each with their own view (unread counts differ).
    const online = [...new Set([...members, ...alsoTo])].filter((u) => this.hub.deviceCount(u) > 0);
    if (online.length === 0) return;
    const activeCall = await this.activeCall(conversationId);
    for (const u of online) {
      const conversation = await this.conversations.get({ id: u }, conversationId).catch(() => null);
      if (conversation) this.hub.send(u, { method: 'conversationChanged', data: { conversation: { ...conversation, activeCall } } });
    }
  }
}
