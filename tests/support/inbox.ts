/**
 * A signed-in device for messaging and call tests: an InboxClient over `ws` with a Bearer token,
 * recording every ring, ring stop, call update and message, and every raw frame it receives
 * (privacy assertions).
 */
import WebSocket from 'ws';
import { InboxClient } from '@convene/sdk';
import type { Call, Message, UserRef } from '@convene/protocol';

export class Device {
  readonly rings: { call: Call; caller: UserRef; waiting: boolean; at: number }[] = [];
  readonly stops: { callId: string; reason: string }[] = [];
  readonly calls: Call[] = [];
  readonly messages: Message[] = [];
  readonly reads: { conversationId: string; seq: number }[] = [];

  private constructor(
    readonly inbox: InboxClient,
    /** Every raw frame received, from the first. */
    readonly frames: string[],
  ) {
    inbox.on('ring', (call, caller, waiting) => this.rings.push({ call, caller, waiting, at: Date.now() }));
    inbox.on('ringStop', (callId, reason) => this.stops.push({ callId, reason }));
    inbox.on('call', (c) => this.calls.push(c));
    inbox.on('message', (m) => this.messages.push(m));
    inbox.on('read', (conversationId, seq) => this.reads.push({ conversationId, seq }));
  }

  static async connect(baseUrl: string, user: { token: string }): Promise<Device> {
    const frames: string[] = [];
    const inbox = await InboxClient.connect({
      baseUrl,
      reconnect: false,
      createWebSocket: (url) => {
        const ws = new WebSocket(url, { headers: { authorization: `Bearer ${user.token}` } });
        ws.on('message', (d) => frames.push(String(d)));
        return ws as never;
      },
      log: () => undefined,
    });
    return new Device(inbox, frames);
  }

  ringsFor(callId: string) {
    return this.rings.filter((r) => r.call.id === callId);
  }

  lastCall(callId: string): Call | undefined {
    return [...this.calls].reverse().find((c) => c.id === callId);
  }

  close(): void {
    this.inbox.close();
  }
}
