import type { ChatMessage, ConsumerInfo, Participant, RoomState, Source } from '@convene/protocol';

/** WebRTC implementation to use: the browser's globals by default, `@roamhq/wrtc` in Node. */
export interface WebRtcImpl {
  RTCPeerConnection: typeof RTCPeerConnection;
}

/** Pluggable log sink (default: console at warn and above). */
export type LogSink = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;

export type SessionState = 'connecting' | 'lobby' | 'queued' | 'joined' | 'reconnecting' | 'left' | 'removed' | 'ended' | 'denied';

/** A remote track as the app renders it. */
export interface RemoteTrack extends ConsumerInfo {
  track: MediaStreamTrack;
}

export type SessionEvents = {
  state: [SessionState];
  participantsJoined: [Participant[]];
  participantsLeft: [Participant[]];
  participantUpdated: [Participant];
  trackAdded: [RemoteTrack];
  trackRemoved: [RemoteTrack];
  activeSpeaker: [string | null];
  room: [RoomState];
  chat: [ChatMessage];
  /** Hosts: people waiting in the lobby. */
  lobby: [Participant[]];
  mutedByHost: [Source];
  /** Hosts: people asking to speak, oldest first. */
  speakRequests: [Participant[]];
  /** Waiting for a seat in a Space: place in line, and why (full = no WebRTC seat, busy = join storm). */
  queue: [number, 'full' | 'busy'];
  /** I was brought on stage (may publish) or moved off it (my tracks were unpublished). */
  stage: [boolean];
  /** Live caption of what a participant says (partial while speaking, final per utterance). */
  caption: [{ participantId: string; kind: 'partial' | 'final'; text: string; at: number }];
  /** Reactions of the last burst, summed: emoji → count. */
  reactions: [Record<string, number>];
  /** Media transport state of this client ('connected', 'failed', …). */
  media: ['send' | 'recv', string];
};
