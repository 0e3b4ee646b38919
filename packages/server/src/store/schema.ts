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
  /** Set by an operator (scripts/admin.ts); only matters for who-can-call rules. */
  verified: ColumnType<boolean, boolean | undefined, boolean>;
  /** 'nobody' | 'following' | 'verified' | 'everyone'. */
  who_can_call: ColumnType<string, string | undefined, string>;
  /** Also require that I have messaged the caller before (X's rule). */
  call_only_messaged: ColumnType<boolean, boolean | undefined, boolean>;
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
  /** 'meeting' (anyone with the link, code rules apply), 'call' (invited call members only), 'space' (public). */
  kind: ColumnType<string, string | undefined, string>;
  /** Spaces only. */
  topic: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  created_at: CreatedAt;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: CreatedAt;
}

export interface ConversationsTable {
  id: string;
  kind: 'dm' | 'group';
  title: string | null;
  created_by: string;
  dm_key: string | null;
  /** Sequence number of the newest message; the next one gets last_seq + 1. */
  last_seq: ColumnType<number, number | undefined, number>;
  last_message_at: ColumnType<Date, Date | undefined, Date>;
  created_at: CreatedAt;
}

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'member';
  last_read_seq: ColumnType<number, number | undefined, number>;
  joined_at: CreatedAt;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string | null;
  client_msg_id: string | null;
  kind: 'text' | 'call' | 'system';
  text: string;
  call_id: string | null;
  /** JSON of a CallRecord for kind 'call'. */
  data: string | null;
  sent_at: Date;
}

export interface CallsTable {
  id: string;
  conversation_id: string;
  meeting_id: string;
  media: 'audio' | 'video';
  started_by: string;
  state: 'ringing' | 'active' | 'ended';
  outcome: 'completed' | 'missed' | 'declined' | 'cancelled' | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
}

export interface CallMembersTable {
  call_id: string;
  user_id: string;
  invited_at: Date;
  joined_at: Date | null;
}

export interface PushSubscriptionsTable {
  /** The push service URL; unique per browser subscription. */
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
  created_at: CreatedAt;
}

export interface QuestionsTable {
  id: string;
  meeting_id: string;
  /** 1, 2, 3… per meeting; unique(meeting_id, seq). */
  seq: number;
  user_id: string;
  /** unique(meeting_id, user_id, client_question_id) makes asking idempotent. */
  client_question_id: string;
  text: string;
  /** protocol QuestionStatus. */
  status: string;
  votes: ColumnType<number, number | undefined, number>;
  asked_at: Date;
}

export interface QuestionVotesTable {
  question_id: string;
  user_id: string;
}

export interface RecordingsTable {
  id: string;
  meeting_id: string;
  started_by: string;
  started_at: Date;
  ended_at: Date | null;
  duration_ms: ColumnType<number, number | undefined, number>;
  /** bigint: PostgreSQL returns it as a string. */
  size_bytes: ColumnType<string | number, number | undefined, number>;
  mime_type: string;
  file_name: string;
  created_at: CreatedAt;
}

export interface StreamKeysTable {
  /** SHA-256 (hex) of the key; the key itself is shown to the host once and never stored. */
  token_hash: string;
  meeting_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface TranscriptLinesTable {
  meeting_id: string;
  /** 1, 2, 3… per meeting across captions sessions. */
  seq: number;
  user_id: string;
  name: string;
  text: string;
  spoken_at: Date;
  session_started_at: Date;
}

export interface RoomBlocksTable {
  meeting_id: string;
  user_id: string;
  blocked_by: string;
  created_at: CreatedAt;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  meetings: MeetingsTable;
  chat_messages: ChatMessagesTable;
  follows: FollowsTable;
  blocks: BlocksTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  calls: CallsTable;
  call_members: CallMembersTable;
  push_subscriptions: PushSubscriptionsTable;
  questions: QuestionsTable;
  question_votes: QuestionVotesTable;
  recordings: RecordingsTable;
  stream_keys: StreamKeysTable;
  transcript_lines: TranscriptLinesTable;
  room_blocks: RoomBlocksTable;
}

export type UserRow = Selectable<UsersTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type NewMeetingRow = Insertable<MeetingsTable>;
export type ChatMessageRow = Selectable<ChatMessagesTable>;
