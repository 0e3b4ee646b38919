import { describe, expect, it } from 'vitest';
import { ConveneError } from '@convene/protocol';
import { SignalingClient, type WebSocketLike } from './signaling.ts';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(d: string) {
    this.sent.push(d);
  }
  close(code = 1000, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
}

async function connected() {
  let sock!: FakeSocket;
  const c = new SignalingClient('ws://x/ws', () => (sock = new FakeSocket()), () => undefined);
  const p = c.connect();
  sock.open();
  await p;
  return { c, sock };
}

describe('SignalingClient', () => {
  it('matches responses to requests by id and validates results', async () => {
    const { c, sock } = await connected();
    const a = c.request('raiseHand', { raised: true });
    const b = c.request('lock', { locked: true });
    const [ra, rb] = sock.sent.map((s) => JSON.parse(s) as { id: number; method: string });
    expect([ra!.method, rb!.method]).toEqual(['raiseHand', 'lock']);
    sock.receive({ kind: 'response', id: rb!.id, ok: true, data: {} });
    sock.receive({ kind: 'response', id: ra!.id, ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
    await expect(b).resolves.toEqual({});
    await expect(a).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('delivers notifications and ignores malformed frames', async () => {
    const { c, sock } = await connected();
    const got: string[] = [];
    c.on('notification', (n) => got.push(n.method));
    sock.receive('{not json');
    sock.receive({ kind: 'notification', method: 'noSuchThing', data: {} });
    sock.receive({ kind: 'notification', method: 'activeSpeaker', data: { participantId: 'p1' } });
    expect(got).toEqual(['activeSpeaker']);
  });

  it('fails pending requests when the socket closes, and reports the close code', async () => {
    const { c, sock } = await connected();
    const closes: number[] = [];
    c.on('close', (code) => closes.push(code));
    const pending = c.request('leave', {});
    sock.close(4010, 'meeting ended');
    await expect(pending).rejects.toBeInstanceOf(ConveneError);
    expect(closes).toEqual([4010]);
    await expect(c.request('leave', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
