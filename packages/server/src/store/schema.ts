import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Written by the database default, never by the application. */
type CreatedAt = ColumnType<Date, never, never>;

export interface UsersTable {
  id: string;
  /** Stored lower-case; unique case-insensitively (index on lower(handle)). */
  handle: string;
  display_name: string;
  /** `$scrypt$ln=…,r=…,p=…$salt$hash`, see accounts/password.ts. */
  password_hash: string;
  created_at: CreatedAt;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  expires_at: Date;
  created_at: CreatedAt;
}

export interface MeetingsTable {
  id: string;
  title: string;
  host_id: string;
  starts_at: Date;
  duration_minutes: number;
  time_zone: string;
  /** Host-set code, kept so the host can see it again; null = no code. */
  code: string | null;
  lobby: boolean;
  ended_at: Date | null;
  created_at: CreatedAt;
}

export interface ChatMessagesTable {
  id: string;
  meeting_id: string;
  /** 1, 2, 3… per meeting; unique(meeting_id, seq). */
  seq: number;
  user_id: string;
  /** unique(meeting_id, user_id, client_msg_id) makes sends idempotent. */
  client_msg_id: string;
  text: string;
  sent_at: Date;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  meetings: MeetingsTable;
  chat_messages: ChatMessagesTable;
}

export type UserRow = Selectable<UsersTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type NewMeetingRow = Insertable<MeetingsTable>;
export type ChatMessageRow = Selectable<ChatMessagesTable>;
