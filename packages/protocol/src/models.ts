import { z } from 'zod';

export const roleSchema = z.enum(['host', 'cohost', 'participant']);
export type Role = z.infer<typeof roleSchema>;

export const sourceSchema = z.enum(['microphone', 'camera', 'screen']);
export type Source = z.infer<typeof sourceSchema>;

/** What every participant may learn about another: handle and display name, never an address. */
export const participantSchema = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: roleSchema,
  /** Sources the participant currently publishes and has not paused. */
  sources: z.array(sourceSchema),
  handRaisedAt: z.number().nullable(),
  /** 0 (bad) … 5 (excellent), from the server's view of the transports. */
  quality: z.number().int().min(0).max(5),
});
export type Participant = z.infer<typeof participantSchema>;

export const roomStateSchema = z.object({
  locked: z.boolean(),
  lobby: z.boolean(),
  allowSelfUnmute: z.boolean(),
  spotlightId: z.string().nullable(),
  activeSpeakerId: z.string().nullable(),
  handQueue: z.array(z.string()),
});
export type RoomState = z.infer<typeof roomStateSchema>;

export const chatMessageSchema = z.object({
  id: z.string(),
  /** Monotonic per meeting: the order every client shows. */
  seq: z.number().int(),
  clientMsgId: z.string(),
  from: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }),
  text: z.string(),
  sentAt: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** One forwarded track as the subscriber sees it, keyed by the m-line it arrives on. */
export const consumerInfoSchema = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  participantId: z.string(),
  mid: z.string(),
  kind: z.enum(['audio', 'video']),
  source: sourceSchema,
});
export type ConsumerInfo = z.infer<typeof consumerInfoSchema>;

export const publishedTrackSchema = z.object({
  mid: z.string().max(16),
  source: sourceSchema,
  /** Height of the top simulcast layer (or the only layer), for layer selection. */
  height: z.number().int().min(0).max(8192).optional(),
});
export type PublishedTrack = z.infer<typeof publishedTrackSchema>;
