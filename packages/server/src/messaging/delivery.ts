import type { Message } from '@convene/protocol';
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

  /** Tell every member to refetch a conversation (membership or title changed). */
  async changed(conversationId: string, alsoTo: readonly string[] = []): Promise<void> {
    const members = await this.conversations.memberIds(conversationId);
    for (const u of new Set([...members, ...alsoTo])) {
      const conversation = await this.conversations.get({ id: u }, conversationId).catch(() => null);
      if (conversation) this.hub.send(u, { method: 'conversationChanged', data: { conversation: { ...conversation, activeCall: null } } });
    }
  }
}
