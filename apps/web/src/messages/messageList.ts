import type { CallRecord, Conversation, Message, UserRef } from '@convene/protocol';
import { t } from '../i18n/index.ts';

/** Merge messages into a list ordered by `seq`, each id once (later copies win). */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const byId = new Map<string, Message>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** A message typed here and not yet acknowledged by the server. */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
  status: 'sending' | 'failed';
  createdAt: number;
}

/** Pending messages whose commit has arrived (by clientMsgId) are no longer pending. */
export function dropDelivered(pending: readonly PendingMessage[], committed: readonly Message[]): PendingMessage[] {
  const ids = new Set(committed.map((m) => m.clientMsgId).filter((x): x is string => x !== null));
  const left = pending.filter((p) => !ids.has(p.clientMsgId));
  return left.length === pending.length ? (pending as PendingMessage[]) : left;
}

/** A client message id the server accepts (8–64 of [A-Za-z0-9_-]); reused on every retry. */
export function newClientMsgId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

/** "Video call · 3:12", "Missed audio call", "Video call declined", "Cancelled audio call". */
export function callRecordText(record: CallRecord): string {
  const lower = t(record.media === 'video' ? 'videoCallLower' : 'audioCallLower');
  const title = t(record.media === 'video' ? 'videoCallTitle' : 'audioCallTitle');
  switch (record.outcome) {
    case 'completed':
      return t('callCompleted', { media: title, duration: formatDuration(record.durationSeconds) });
    case 'missed':
      return t('callMissed', { media: lower });
    case 'declined':
      return t('callDeclined', { media: title });
    case 'cancelled':
      return t('callCancelled', { media: lower });
  }
}

/** The name a conversation goes by for `me`: the other person in a DM, the title of a group. */
export function conversationTitle(c: Conversation, meId: string): string {
  if (c.kind === 'group') return c.title ?? t('groupCall');
  return otherMember(c, meId)?.displayName ?? c.title ?? '';
}

export function otherMember(c: Conversation, meId: string): (UserRef & { role: string }) | undefined {
  return c.members.find((m) => m.id !== meId) ?? c.members[0];
}

/** One-line preview of the last message for the conversation list. */
export function previewText(m: Message | null, meId: string): string {
  if (!m) return '';
  const text = m.kind === 'call' && m.call ? callRecordText(m.call) : m.text.replace(/\s+/g, ' ').trim();
  return m.from?.id === meId ? t('youPrefix', { text }) : text;
}

/**
 * The conversation after a live message: last message, last seq and, for messages from others
 * that I am not looking at, one more unread.
 */
export function applyMessage(c: Conversation, m: Message, meId: string, viewing: boolean): Conversation {
  if (m.seq <= c.lastSeq && c.lastMessage && c.lastMessage.seq >= m.seq) return c;
  const mine = m.from?.id === meId;
  const read = mine || viewing;
  return {
    ...c,
    lastSeq: Math.max(c.lastSeq, m.seq),
    lastMessage: m,
    lastReadSeq: read ? Math.max(c.lastReadSeq, m.seq) : c.lastReadSeq,
    unread: read ? 0 : c.unread + (m.from === null && m.kind === 'system' ? 0 : 1),
  };
}

/** The conversation after a read marker from any of my devices. */
export function applyRead(c: Conversation, seq: number): Conversation {
  if (seq <= c.lastReadSeq) return c;
  return { ...c, lastReadSeq: seq, unread: seq >= c.lastSeq ? 0 : Math.max(0, c.unread) };
}

/** Most recent activity first. */
export function sortConversations(list: readonly Conversation[]): Conversation[] {
  const at = (c: Conversation) => (c.lastMessage ? Date.parse(c.lastMessage.sentAt) : 0);
  return [...list].sort((a, b) => at(b) - at(a));
}

/** Handles typed as "@ann, bo  cy" → ["ann", "bo", "cy"] (unique, without "@"). */
export function parseHandles(input: string): string[] {
  return [...new Set(input.split(/[\s,;]+/).map((h) => h.replace(/^@/, '').trim()).filter(Boolean))];
}
