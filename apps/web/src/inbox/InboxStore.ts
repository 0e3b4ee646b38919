import { InboxClient } from '@convene/sdk';
import type { Call, Conversation, Message } from '@convene/protocol';
import { api } from '../app/api.ts';
import { applyMessage, applyRead, sortConversations } from '../messages/messageList.ts';

type Listener = () => void;

/**
 * The signed-in user's inbox on this device: the conversation list with unread counts, calls in
 * progress per conversation, and the live InboxClient connection (reconnects by itself; after a
 * reconnect everything is refetched, so nothing missed while offline stays missing).
 */
export class InboxStore {
  client: InboxClient | null = null;
  readonly conversations = new Map<string, Conversation>();
  /** Calls ringing or active, by conversation (the "join call" banner). */
  readonly activeCalls = new Map<string, Call>();
  connected = false;
  loaded = false;
  error: unknown = null;
  /** The conversation on screen (its messages count as read while the page is visible). */
  viewing: string | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly messageListeners = new Set<(m: Message) => void>();
  private readonly reconnectListeners = new Set<Listener>();
  private closed = false;
  private offs: (() => void)[] = [];

  constructor(readonly meId: string) {}

  /** Connects (retrying until it works or `close()`); resolves once the first attempt settled. */
  async start(): Promise<void> {
    await this.refresh();
    for (let delay = 500; !this.closed; delay = Math.min(delay * 2, 15_000)) {
      try {
        const client = await InboxClient.connect({ baseUrl: location.origin });
        if (this.closed) {
          client.close();
          return;
        }
        this.attach(client);
        return;
      } catch (err) {
        this.error = err;
        this.changed();
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private attach(client: InboxClient): void {
    this.client = client;
    this.connected = true;
    this.offs = [
      client.on('message', (m) => this.onMessage(m)),
      client.on('conversation', (c) => {
        const prev = this.conversations.get(c.id);
        // conversationChanged carries no call: keep what callUpdated told us.
        this.conversations.set(c.id, { ...c, activeCall: prev?.activeCall ?? this.activeCalls.get(c.id) ?? null });
        this.changed();
      }),
      client.on('read', (id, seq) => {
        const c = this.conversations.get(id);
        if (c) this.conversations.set(id, applyRead(c, seq));
        this.changed();
      }),
      client.on('call', (call) => this.onCall(call)),
      client.on('connected', () => {
        this.connected = true;
        void this.refresh();
        for (const fn of [...this.reconnectListeners]) fn();
      }),
      client.on('disconnected', () => {
        this.connected = false;
        this.changed();
      }),
    ];
    this.changed();
  }

  /** Refetch the conversation list (start, and after every reconnect). */
  async refresh(): Promise<void> {
    try {
      const list = await api.conversations();
      this.conversations.clear();
      this.activeCalls.clear();
      for (const c of list) {
        this.conversations.set(c.id, c);
        if (c.activeCall) this.activeCalls.set(c.id, c.activeCall);
      }
      this.loaded = true;
      this.error = null;
    } catch (err) {
      this.error = err;
    }
    this.changed();
  }

  /** Put a conversation fetched or created elsewhere into the list. */
  upsert(c: Conversation): void {
    this.conversations.set(c.id, c);
    if (c.activeCall && c.activeCall.state !== 'ended') this.activeCalls.set(c.id, c.activeCall);
    else this.activeCalls.delete(c.id);
    this.changed();
  }

  remove(id: string): void {
    this.conversations.delete(id);
    this.activeCalls.delete(id);
    this.changed();
  }

  markReadLocal(id: string, seq: number): void {
    const c = this.conversations.get(id);
    if (c) this.conversations.set(id, applyRead(c, seq));
    this.changed();
  }

  private onMessage(m: Message): void {
    const c = this.conversations.get(m.conversationId);
    const viewing = this.viewing === m.conversationId && typeof document !== 'undefined' && !document.hidden;
    if (c) this.conversations.set(c.id, applyMessage(c, m, this.meId, viewing));
    else void api.conversation(m.conversationId).then((fresh) => this.upsert(fresh), () => undefined);
    for (const fn of [...this.messageListeners]) fn(m);
    this.changed();
  }

  private onCall(call: Call): void {
    if (call.state === 'ended') this.activeCalls.delete(call.conversationId);
    else this.activeCalls.set(call.conversationId, call);
    const c = this.conversations.get(call.conversationId);
    if (c) this.conversations.set(c.id, { ...c, activeCall: call.state === 'ended' ? null : call });
    this.changed();
  }

  list(): Conversation[] {
    return sortConversations([...this.conversations.values()]);
  }

  totalUnread(): number {
    let n = 0;
    for (const c of this.conversations.values()) n += c.unread > 0 ? 1 : 0;
    return n;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  onMessageReceived(fn: (m: Message) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }
  onReconnect(fn: Listener): () => void {
    this.reconnectListeners.add(fn);
    return () => this.reconnectListeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  close(): void {
    this.closed = true;
    for (const off of this.offs) off();
    this.client?.close();
    this.client = null;
    this.listeners.clear();
  }
}
