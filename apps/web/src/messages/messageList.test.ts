import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '@convene/protocol';
import { applyMessage, applyRead, callRecordText, dropDelivered, formatDuration, mergeMessages, newClientMsgId, parseHandles, previewText } from './messageList.ts';

const ann = { id: 'u1', handle: 'ann', displayName: 'Ann' };
const bo = { id: 'u2', handle: 'bo', displayName: 'Bo' };
const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  clientMsgId: `client${seq}xx`,
  from: bo,
  kind: 'text',
  text: `hello ${seq}`,
  call: null,
  sentAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  ...over,
});
const conv: Conversation = {
  id: 'c1',
  kind: 'dm',
  title: null,
  createdBy: 'u1',
  members: [{ ...ann, role: 'owner' }, { ...bo, role: 'member' }],
  lastSeq: 2,
  lastReadSeq: 2,
  unread: 0,
  lastMessage: msg(2),
  activeCall: null,
};

describe('message list', () => {
  it('merges by seq and never shows a message twice', () => {
    const merged = mergeMessages([msg(1), msg(3)], [msg(2), msg(3, { text: 'edited copy' }), msg(0)]);
    expect(merged.map((m) => m.seq)).toEqual([0, 1, 2, 3]);
    expect(merged[3]!.text).toBe('edited copy');
  });
  it('drops pending messages once their commit arrives', () => {
    const pending = [
      { clientMsgId: 'client5xx', text: 'a', status: 'sending' as const, createdAt: 0 },
      { clientMsgId: 'other', text: 'b', status: 'failed' as const, createdAt: 0 },
    ];
    expect(dropDelivered(pending, [msg(5)]).map((p) => p.clientMsgId)).toEqual(['other']);
  });
  it('makes client ids the server accepts', () => {
    expect(newClientMsgId()).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(newClientMsgId()).not.toBe(newClientMsgId());
  });
  it('renders call records distinctly', () => {
    const rec = { callId: 'k', participants: [ann, bo] };
    expect(callRecordText({ ...rec, media: 'video', outcome: 'completed', durationSeconds: 192 })).toBe('Video call · 3:12');
    expect(callRecordText({ ...rec, media: 'audio', outcome: 'missed', durationSeconds: 0 })).toBe('Missed audio call');
    expect(callRecordText({ ...rec, media: 'audio', outcome: 'declined', durationSeconds: 0 })).toBe('Audio call declined');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
  it('previews my own messages as mine', () => {
    expect(previewText(msg(1, { from: ann, text: 'hi\nthere' }), 'u1')).toBe('You: hi there');
    expect(previewText(null, 'u1')).toBe('');
  });
  it('counts unread only for others’ messages I am not viewing; read markers clear it', () => {
    const a = applyMessage(conv, msg(3), 'u1', false);
    expect(a).toMatchObject({ lastSeq: 3, unread: 1, lastReadSeq: 2 });
    expect(applyMessage(a, msg(3), 'u1', false)).toBe(a); // the same message again changes nothing
    expect(applyMessage(conv, msg(3, { from: ann }), 'u1', false)).toMatchObject({ unread: 0, lastReadSeq: 3 });
    expect(applyMessage(conv, msg(3), 'u1', true)).toMatchObject({ unread: 0 });
    expect(applyRead(a, 3)).toMatchObject({ unread: 0, lastReadSeq: 3 });
  });
  it('parses handle lists', () => {
    expect(parseHandles('@ann, bo  cy;ann')).toEqual(['ann', 'bo', 'cy']);
  });
});
