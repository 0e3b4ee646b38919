export { MeetingSession, type JoinOptions } from './MeetingSession.ts';
export { InboxClient, type InboxEvents, type InboxOptions } from './InboxClient.ts';
export { ApiClient, type AuthResult } from './http.ts';
export { SignalingClient, type WebSocketFactory, type WebSocketLike } from './signaling.ts';
export { TypedEmitter } from './emitter.ts';
export { QuestionStream, type QuestionEvents } from './questions.ts';
export { CAMERA_ENCODINGS } from './media.ts';
export type * from './types.ts';
