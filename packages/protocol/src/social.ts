import { z } from 'zod';
import { displayNameSchema, handleSchema } from './http.ts';

/**
 * Social graph, conversations (DMs and groups), messages and calls.
 * Users are known by handle and display name only: no email, phone number or address ever
 * appears in any of these shapes.
 */

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_GROUP_MEMBERS = 100;
export const MAX_CALL_PARTICIPANTS = 50;

export const userRefSchema = z.object({ id: z.string(), handle: z.string(), displayName: z.string() });
export type UserRef = z.infer<typeof userRefSchema>;

/** A profile as another signed-in user sees it. `blockedByMe` never says whether *they* blocked me. */
export const profileSchema = userRefSchema.extend({
  verified: z.boolean(),
  following: z.boolean(),
  followsMe: z.boolean(),
  blockedByMe: z.boolean(),
});
export type Profile = z.infer<typeof profileSchema>;

export const whoCanCallSchema = z.enum(['nobody', 'following', 'verified', 'everyone']);
export type WhoCanCall = z.infer<typeof whoCanCallSchema>;

export const callSettingsSchema = z.strictObject({
  whoCanCall: whoCanCallSchema,
  /** X's rule: additionally, only people I have sent a message to. */
  onlyMessagedBefore: z.boolean(),
});
export type CallSettings = z.infer<typeof callSettingsSchema>;

export const callMediaSchema = z.enum(['audio', 'video']);
export type CallMedia = z.infer<typeof callMediaSchema>;
export const callOutcomeSchema = z.enum(['completed', 'missed', 'declined', 'cancelled']);
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

export const callSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** The live room the call's media runs in (join it with the meeting `join` request). */
  meetingId: z.string(),
  media: callMediaSchema,
  state: z.enum(['ringing', 'active', 'ended']),
  outcome: callOutcomeSchema.nullable(),
  startedBy: userRefSchema,
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Everyone who has been in the call's room so far. */
  participants: z.array(userRefSchema),
  /** True once the call became a meeting with a shareable link. */
  isMeeting: z.boolean(),
});
export type Call = z.infer<typeof callSchema>;

/** Written into the conversation when a call ends. */
export const callRecordSchema = z.object({
  callId: z.string(),
  media: callMediaSchema,
  outcome: callOutcomeSchema,
  durationSeconds: z.number().int().nonnegative(),
  participants: z.array(userRefSchema),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Monotonic per conversation: the order every device shows. */
  seq: z.number().int(),
  clientMsgId: z.string().nullable(),
  /** null for messages the server writes (call records, membership changes). */
  from: userRefSchema.nullable(),
  kind: z.enum(['text', 'call', 'system']),
  /** Plain text, never HTML: clients render it as text. */
  text: z.string(),
  call: callRecordSchema.nullable(),
  sentAt: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  kind: z.enum(['dm', 'group']),
  title: z.string().nullable(),
  createdBy: z.string(),
  members: z.array(userRefSchema.extend({ role: z.enum(['owner', 'member']) })),
  lastSeq: z.number().int(),
  lastReadSeq: z.number().int(),
  unread: z.number().int(),
  lastMessage: messageSchema.nullable(),
  /** A call in progress in this conversation (the "join call" banner). */
  activeCall: callSchema.nullable(),
});
export type Conversation = z.infer<typeof conversationSchema>;

// ---- HTTP bodies ----

export const createConversationBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dm'), handle: handleSchema }),
  z.strictObject({
    kind: z.literal('group'),
    title: displayNameSchema,
    handles: z.array(handleSchema).min(1).max(MAX_GROUP_MEMBERS - 1),
  }),
]);
export type CreateConversationBody = z.input<typeof createConversationBodySchema>;

export const clientMsgIdSchema = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const sendMessageBodySchema = z.strictObject({
  clientMsgId: clientMsgIdSchema,
  text: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

export const messagesQuerySchema = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const markReadBodySchema = z.strictObject({ seq: z.number().int().nonnegative() });
export const addMemberBodySchema = z.strictObject({ handle: handleSchema });

export const conversationListSchema = z.object({ conversations: z.array(conversationSchema) });
export const messageListSchema = z.object({ messages: z.array(messageSchema) });

/** A browser's PushSubscription.toJSON() (Web Push, RFC 8030 / RFC 8291). */
export const pushSubscriptionBodySchema = z.object({
  endpoint: z.url().max(2048).refine((u) => u.startsWith('https://') || u.startsWith('http://'), 'endpoint must be an http(s) URL'),
  keys: z.strictObject({ p256dh: z.string().min(16).max(256), auth: z.string().min(8).max(64) }),
});
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBodySchema>;

/** What a push tells the service worker (the payload is encrypted end to end to the browser). */
export const pushPayloadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), callId: z.string(), conversationId: z.string(), media: callMediaSchema, caller: userRefSchema }),
  z.object({ type: z.literal('callEnded'), callId: z.string() }),
]);
export type PushPayload = z.infer<typeof pushPayloadSchema>;
