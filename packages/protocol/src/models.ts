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
  /**
   * May publish. Everyone in a meeting; in a Space the host, co-hosts and speakers (listeners
   * are off stage); in seminar mode the panelists.
   */
  onStage: z.boolean(),
  /** When this listener/attendee asked to speak (ms), null when not asking. */
  speakRequestedAt: z.number().nullable(),
  /** Seat on the stage, x and y in [-1, 1] (spatial audio places the voice there); null off stage. */
  stagePosition: z.object({ x: z.number(), y: z.number() }).nullable(),
  /** Opted out of live captions: show "captions off for this speaker". */
  captionsOff: z.boolean(),
});
export type Participant = z.infer<typeof participantSchema>;

/** A final caption line as said: who (the name then, so it survives them leaving), what, when (ms). */
export const captionHistoryLineSchema = z.object({ participantId: z.string(), name: z.string(), text: z.string(), at: z.number() });
export type CaptionHistoryLine = z.infer<typeof captionHistoryLineSchema>;

export const roomKindSchema = z.enum(['meeting', 'call', 'space']);
export type RoomKind = z.infer<typeof roomKindSchema>;

export const roomStateSchema = z.object({
  kind: roomKindSchema,
  /** 'seminar': only panelists publish, everyone else watches (meetings only). */
  mode: z.enum(['meeting', 'seminar']),
  /** Joined members who are not on stage (Space listeners, seminar attendees). */
  audienceCount: z.number().int().nonnegative(),
  /** Live captions on, and in which language (BCP 47); null when off. */
  captions: z.object({ language: z.string() }).nullable(),
  /** Being recorded since `startedAt` (ms): the UI must show it to everyone; null when not. */
  recording: z.object({ startedAt: z.number() }).nullable(),
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
  /** The client has this source muted: it starts paused (not shown as live to others). */
  paused: z.boolean().optional(),
});
export type PublishedTrack = z.infer<typeof publishedTrackSchema>;
