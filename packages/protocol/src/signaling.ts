import { z } from 'zod';
import { errorBodySchema } from './errors.ts';
import { meetingCodeSchema, meetingIdSchema } from './http.ts';
import {
  captionHistoryLineSchema,
  chatMessageSchema,
  consumerInfoSchema,
  participantSchema,
  publishedTrackSchema,
  roleSchema,
  roomStateSchema,
  sourceSchema,
} from './models.ts';
import { MAX_QUESTION_LENGTH, moderationStatusSchema, questionSchema } from './questions.ts';
import { callMediaSchema, callSchema, conversationSchema, messageSchema, userRefSchema } from './social.ts';

/** Largest WebSocket frame the server accepts (SDP with many m-lines fits easily). */
export const MAX_FRAME_BYTES = 256 * 1024;
export const MAX_CHAT_LENGTH = 4000;

const sdp = z.string().min(10).max(200_000);
const id = z.string().min(1).max(64);
const empty = z.strictObject({});

/** The reactions a Space or meeting accepts (a fixed set: no free text, nothing to moderate). */
export const REACTIONS = ['👏', '❤️', '😂', '😮', '🔥', '👍', '🎉', '💯'] as const;
export const reactionSchema = z.enum(REACTIONS);
export type Reaction = z.infer<typeof reactionSchema>;

/**
 * Every client → server request: its payload schema and its result schema.
 * The server validates `data`; the SDK validates the result.
 */
export const requestSchemas = {
  join: {
    data: z.strictObject({
      meetingId: meetingIdSchema,
      code: meetingCodeSchema.optional(),
      /** From a previous join: resume the same participant after a dropped socket. */
      resumeToken: z.string().max(128).optional(),
    }),
    result: z.discriminatedUnion('status', [
      z.object({
        status: z.literal('joined'),
        self: participantSchema,
        participants: z.array(participantSchema),
        room: roomStateSchema,
        resumeToken: z.string(),
        resumed: z.boolean(),
      }),
      z.object({ status: z.literal('lobby'), resumeToken: z.string() }),
      /** A full or busy Space: wait in line; `admitted` follows, then join again with the token. */
      z.object({ status: z.literal('queued'), resumeToken: z.string(), position: z.number().int().positive(), reason: z.enum(['full', 'busy']) }),
    ]),
  },
  /** Offer from the client's sending peer connection; the answer carries only server candidates. */
  publish: {
    data: z.strictObject({ sdp, tracks: z.array(publishedTrackSchema).max(8) }),
    result: z.object({ sdp: z.string() }),
  },
  /** Ask for a (re)offer on the receiving peer connection; `sdp` is empty while there is nothing to receive. */
  subscribe: {
    /** iceRestart: new ICE credentials on the receiving connection (after a network change). */
    data: z.strictObject({ iceRestart: z.boolean().optional() }),
    result: z.object({ sdp: z.string(), consumers: z.array(consumerInfoSchema) }),
  },
  subscribeAnswer: { data: z.strictObject({ sdp }), result: empty },
  /** Drop this participant's media transports (after a network change); then publish/subscribe again. */
  resetMedia: { data: empty, result: empty },
  setSourcePaused: {
    data: z.strictObject({ source: sourceSchema, paused: z.boolean() }),
    result: empty,
  },
  /** Rendered size of each remote video tile: picks the simulcast layer. 0×0 = not shown. */
  setViewport: {
    data: z.strictObject({
      tiles: z
        .array(
          z.strictObject({
            consumerId: id,
            width: z.number().int().min(0).max(10_000),
            height: z.number().int().min(0).max(10_000),
          }),
        )
        .max(256),
    }),
    result: empty,
  },
  chatSend: {
    data: z.strictObject({ clientMsgId: z.string().min(8).max(64), text: z.string().trim().min(1).max(MAX_CHAT_LENGTH) }),
    result: z.object({ message: chatMessageSchema }),
  },
  chatHistory: {
    data: z.strictObject({ beforeSeq: z.number().int().optional(), limit: z.number().int().min(1).max(200).default(50) }),
    result: z.object({ messages: z.array(chatMessageSchema) }),
  },
  raiseHand: { data: z.strictObject({ raised: z.boolean(), participantId: id.optional() }), result: empty },
  admit: { data: z.strictObject({ participantId: id }), result: empty },
  deny: { data: z.strictObject({ participantId: id }), result: empty },
  lock: { data: z.strictObject({ locked: z.boolean() }), result: empty },
  muteParticipant: { data: z.strictObject({ participantId: id, source: sourceSchema }), result: empty },
  setAllowSelfUnmute: { data: z.strictObject({ allow: z.boolean() }), result: empty },
  removeParticipant: { data: z.strictObject({ participantId: id }), result: empty },
  setRole: { data: z.strictObject({ participantId: id, role: roleSchema.exclude(['host']) }), result: empty },
  spotlight: { data: z.strictObject({ participantId: id.nullable() }), result: empty },
  endMeeting: { data: empty, result: empty },
  leave: { data: empty, result: empty },

  // ---- Stage: Spaces and seminar mode ----
  /** A listener / attendee asks to speak (or withdraws); hosts see an ordered queue. */
  requestToSpeak: { data: z.strictObject({ requested: z.boolean() }), result: empty },
  /** Hosts: bring someone on stage (approve a request) or move them back to the audience; anyone: step off the stage (own id, onStage false). */
  setOnStage: { data: z.strictObject({ participantId: id, onStage: z.boolean() }), result: empty },
  /** Hosts: turn down a request to speak. */
  declineToSpeak: { data: z.strictObject({ participantId: id }), result: empty },
  /** Host of a meeting: seminar mode (panelists keep publishing, others watch) or back. */
  setSeminar: { data: z.strictObject({ seminar: z.boolean(), panelists: z.array(id).max(100).default([]) }), result: empty },
  /** Hosts of a Space: remove someone and keep them out for the rest of the Space. */
  blockFromRoom: { data: z.strictObject({ participantId: id }), result: empty },
  /** An emoji reaction; rate-limited per person, broadcast in aggregated bursts. */
  react: { data: z.strictObject({ emoji: reactionSchema }), result: empty },

  // ---- Q&A: a moderated stream of questions (Spaces, seminars, meetings) ----
  /** Ask; idempotent on clientQuestionId. Resolves after the question is stored. */
  askQuestion: {
    data: z.strictObject({ clientQuestionId: z.string().min(8).max(64), text: z.string().trim().min(1).max(MAX_QUESTION_LENGTH) }),
    result: z.object({ question: questionSchema }),
  },
  /** Upvote an approved question (once per person), or take the vote back. */
  voteQuestion: { data: z.strictObject({ questionId: id, vote: z.boolean() }), result: empty },
  /** Hosts and co-hosts: approve, mark as being answered / answered, or dismiss. */
  moderateQuestion: { data: z.strictObject({ questionId: id, status: moderationStatusSchema }), result: empty },
  /** The questions I may see (hosts: all; others: approved ones and my own), and which I upvoted. */
  questionList: { data: empty, result: z.object({ questions: z.array(questionSchema), myVotes: z.array(z.string()) }) },

  // ---- Recording ----
  /** Host or co-host: start or stop recording; everyone is told through roomUpdated. */
  setRecording: { data: z.strictObject({ recording: z.boolean() }), result: empty },

  // ---- Live captions ----
  /** Hosts of a meeting or Space, anyone in a call: captions on (in a language) or off. */
  setCaptions: {
    data: z.strictObject({ enabled: z.boolean(), language: z.string().min(2).max(35).default('en-US') }),
    result: empty,
  },
  /** Do not caption me (my line shows "captions off for this speaker"). */
  setCaptionsOptOut: { data: z.strictObject({ optOut: z.boolean() }), result: empty },
  /** Final caption lines said since captions went on (the latest 200), for a late joiner's transcript. */
  captionHistory: { data: empty, result: z.object({ lines: z.array(captionHistoryLineSchema) }) },

  // ---- Inbox: one per signed-in device, for messages and calls (not tied to a meeting) ----
  /** Register this connection as one of the user's devices: it receives messages and rings. */
  inboxAttach: { data: empty, result: z.object({ deviceId: z.string() }) },
  /**
   * Start a call in a conversation (or get the one already running there). A caller who may not
   * call the other member gets CALL_UNAVAILABLE, whatever the reason, and nobody rings.
   */
  callStart: {
    data: z.strictObject({ conversationId: id, media: callMediaSchema }),
    result: z.object({ call: callSchema }),
  },
  /** Answer on this device: the user's other devices stop ringing. Then `join` the call's meetingId. */
  callAccept: { data: z.strictObject({ callId: id }), result: z.object({ call: callSchema }) },
  callDecline: { data: z.strictObject({ callId: id }), result: empty },
  /** The caller gives up before anyone answered. */
  callCancel: { data: z.strictObject({ callId: id }), result: empty },
  /** Ring one more person (turns a 1:1 call into a group call). Same neutral error as callStart. */
  callInvite: { data: z.strictObject({ callId: id, handle: z.string().min(1).max(64) }), result: empty },
  /** Turn the call into a meeting with a link anyone can join; nobody reconnects. */
  callToMeeting: { data: z.strictObject({ callId: id }), result: z.object({ link: z.string() }) },
} as const;

export type Method = keyof typeof requestSchemas;
export const METHODS = Object.keys(requestSchemas) as Method[];
export type RequestData<M extends Method> = z.input<(typeof requestSchemas)[M]['data']>;
export type ParsedRequestData<M extends Method> = z.output<(typeof requestSchemas)[M]['data']>;
export type RequestResult<M extends Method> = z.output<(typeof requestSchemas)[M]['result']>;

/** Envelope of a client → server request; `data` is validated per method afterwards. */
export const requestEnvelopeSchema = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  data: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export const responseEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('response'), id: z.number().int(), ok: z.literal(true), data: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number().int().nullable(), ok: z.literal(false), error: errorBodySchema }),
]);
export type ResponseEnvelope = z.infer<typeof responseEnvelopeSchema>;

/** Server → client notifications. */
export const notificationSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('participantsJoined'), data: z.object({ participants: z.array(participantSchema) }) }),
  z.object({ method: z.literal('participantsLeft'), data: z.object({ participantIds: z.array(z.string()) }) }),
  z.object({ method: z.literal('participantUpdated'), data: z.object({ participant: participantSchema }) }),
  /** Producers changed: call `subscribe` to get a new offer. */
  z.object({ method: z.literal('renegotiate'), data: z.object({}) }),
  z.object({ method: z.literal('activeSpeaker'), data: z.object({ participantId: z.string().nullable() }) }),
  z.object({ method: z.literal('roomUpdated'), data: z.object({ room: roomStateSchema }) }),
  z.object({ method: z.literal('chatMessage'), data: z.object({ message: chatMessageSchema }) }),
  z.object({ method: z.literal('lobbyChanged'), data: z.object({ waiting: z.array(participantSchema) }) }),
  z.object({ method: z.literal('admitted'), data: z.object({}) }),
  z.object({ method: z.literal('denied'), data: z.object({}) }),
  z.object({ method: z.literal('mutedByHost'), data: z.object({ source: sourceSchema }) }),
  z.object({ method: z.literal('removed'), data: z.object({}) }),
  z.object({ method: z.literal('meetingEnded'), data: z.object({}) }),
  /** Still in line for a seat in a Space. */
  z.object({ method: z.literal('queued'), data: z.object({ position: z.number().int().positive(), reason: z.enum(['full', 'busy']) }) }),
  // ---- Stage ----
  /** To hosts and co-hosts: who asks to speak, oldest first. */
  z.object({ method: z.literal('speakRequests'), data: z.object({ requests: z.array(participantSchema) }) }),
  /** To one member: you were brought on stage (you may publish) or moved off it (stop publishing). */
  z.object({ method: z.literal('stageChanged'), data: z.object({ onStage: z.boolean() }) }),
  /** Reactions in the last burst window, summed over everyone. */
  z.object({ method: z.literal('reactions'), data: z.object({ counts: z.record(z.string(), z.number().int().positive()) }) }),
  /** Questions that changed (asked, approved, voted, answered, dismissed), batched every 500 ms. */
  z.object({ method: z.literal('questions'), data: z.object({ questions: z.array(questionSchema) }) }),
  /** A caption for what a participant is saying: partial while they speak, final per utterance. */
  z.object({
    method: z.literal('caption'),
    data: z.object({ participantId: z.string(), kind: z.enum(['partial', 'final']), text: z.string(), at: z.number() }),
  }),
  // ---- Inbox ----
  z.object({ method: z.literal('message'), data: z.object({ message: messageSchema }) }),
  /** Membership or title changed, or the conversation is new to this user: refetch it. */
  z.object({ method: z.literal('conversationChanged'), data: z.object({ conversation: conversationSchema }) }),
  /** Another device of mine read up to `seq`. */
  z.object({ method: z.literal('readMarker'), data: z.object({ conversationId: z.string(), seq: z.number().int() }) }),
  /**
   * Incoming call. `waiting`: I am already in a call, so show call-waiting rather than a full ring.
   */
  z.object({ method: z.literal('callRing'), data: z.object({ call: callSchema, caller: userRefSchema, waiting: z.boolean() }) }),
  z.object({
    method: z.literal('callRingStop'),
    data: z.object({ callId: z.string(), reason: z.enum(['answered', 'declined', 'cancelled', 'timeout', 'ended']) }),
  }),
  /** State of a call in one of my conversations changed (started, answered, someone joined, ended). */
  z.object({ method: z.literal('callUpdated'), data: z.object({ call: callSchema }) }),
]);
export type Notification = z.infer<typeof notificationSchema>;
export type NotificationMethod = Notification['method'];
export type NotificationData<M extends NotificationMethod> = Extract<Notification, { method: M }>['data'];
export const notificationEnvelopeSchema = z.object({ kind: z.literal('notification') }).and(notificationSchema);
export type NotificationEnvelope = { kind: 'notification' } & Notification;

export type ServerFrame = ResponseEnvelope | NotificationEnvelope;
export const serverFrameSchema = z.union([responseEnvelopeSchema, notificationEnvelopeSchema]);
