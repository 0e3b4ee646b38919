/**
 * Durable-data services the edges (HTTP, signalling) depend on.
 * Implementations live in store/, accounts/, meetings/, chat/; this file only wires them.
 */
import type { ChatMessage, CreateMeetingBody, Meeting } from '@convene/protocol';
import type { DbCallStore } from './calls/call-store.ts';
import type { Config } from './config/config.ts';
import type { Db } from './store/database.ts';
import type { DbConversationService } from './messaging/conversation-service.ts';
import type { DbSocialService } from './social/social-service.ts';
import type { PushService } from './push/push-service.ts';
import type { DbQuestionService } from './questions/question-service.ts';
import type { Logger } from './telemetry/logger.ts';

export interface UserRecord {
  id: string;
  handle: string;
  displayName: string;
}

export interface MeetingRecord {
  id: string;
  title: string;
  hostId: string;
  startsAt: Date;
  durationMinutes: number;
  timeZone: string;
  code: string | null;
  lobby: boolean;
  /** 'call': only the call's invited members may join (calls from conversations). */
  kind: 'meeting' | 'call' | 'space';
  /** Spaces: what it is about (shown in the list of live and upcoming Spaces). */
  topic: string | null;
  endedAt: Date | null;
}

export interface AccountService {
  /** Throws ConveneError HANDLE_TAKEN. Returns the user and a new session token. */
  signUp(input: { handle: string; password: string; displayName: string }): Promise<{ user: UserRecord; token: string }>;
  /** Throws BAD_CREDENTIALS (same error for unknown handle and wrong password). */
  signIn(input: { handle: string; password: string }): Promise<{ user: UserRecord; token: string }>;
  userForSession(token: string): Promise<UserRecord | null>;
  signOut(token: string): Promise<void>;
}

export interface MeetingService {
  create(host: UserRecord, body: CreateMeetingBody): Promise<MeetingRecord>;
  /** Upcoming and live meetings the user hosts, soonest first. */
  listForHost(userId: string): Promise<MeetingRecord[]>;
  get(id: string): Promise<MeetingRecord | null>;
  /**
   * Admission check for joining. Throws MEETING_UNAVAILABLE for an unknown meeting and for a wrong
   * code alike, RATE_LIMITED (with retryAfterMs) after too many wrong codes per meeting and per
   * client key, MEETING_ENDED when ended. The host needs no code.
   */
  authorizeJoin(input: { meetingId: string; user: UserRecord; code: string | undefined; clientKey: string }): Promise<MeetingRecord>;
  markEnded(id: string): Promise<void>;
  /** Public view; `code` included only when `viewer` is the host. */
  toView(meeting: MeetingRecord, viewer: UserRecord | null): Promise<Meeting>;
  ics(meeting: MeetingRecord): Promise<string>;
}

export interface ChatService {
  /**
   * Idempotent on (meetingId, from.id, clientMsgId); resolves only after the write commits.
   * `created` is false when this was a retry of a message already stored.
   */
  send(meetingId: string, from: UserRecord, clientMsgId: string, text: string): Promise<{ message: ChatMessage; created: boolean }>;
  history(meetingId: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]>;
}

export interface Services {
  accounts: AccountService;
  meetings: MeetingService;
  chat: ChatService;
  questions: DbQuestionService;
  social: DbSocialService;
  conversations: DbConversationService;
  calls: DbCallStore;
  push: PushService;
  /** The database itself, for services composed later (Spaces need the live rooms too). */
  db: Db;
  close(): Promise<void>;
}

export type CreateServices = (config: Config, log: Logger) => Promise<Services>;
