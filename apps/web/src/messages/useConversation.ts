import { useEffect, useRef, useState } from 'preact/hooks';
import { ConveneError, type Message } from '@convene/protocol';
import { api, errorText } from '../app/api.ts';
import type { InboxStore } from '../inbox/InboxStore.ts';
import { dropDelivered, mergeMessages, newClientMsgId, type PendingMessage } from './messageList.ts';

const PAGE = 50;
const AUTO_RETRIES = 2;

export interface ConversationMessages {
  messages: Message[];
  pending: PendingMessage[];
  loading: boolean;
  loadingOlder: boolean;
  hasMore: boolean;
  error: string;
  loadOlder(): Promise<void>;
  send(text: string): void;
  retry(clientMsgId: string): void;
  discard(clientMsgId: string): void;
}

/** Worth retrying by itself: the network or the server hiccupped (a retry never duplicates). */
function transient(err: unknown): boolean {
  return !(err instanceof ConveneError) || err.code === 'INTERNAL' || err.code === 'RATE_LIMITED';
}

/**
 * One conversation's messages: the latest page, older pages on demand, live messages, a refetch
 * after reconnecting, and sends that show at once as pending and are retried with the same
 * clientMsgId until the server acknowledges the commit.
 */
export function useConversation(store: InboxStore, conversationId: string): ConversationMessages {
  const [messages, setMessages] = useState<Message[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState('');
  const alive = useRef(true);
  const latest = useRef<Message[]>([]);
  latest.current = messages;

  const commit = (incoming: Message[]) => {
    setMessages((xs) => mergeMessages(xs, incoming));
    setPending((ps) => dropDelivered(ps, incoming));
  };

  const loadLatest = async () => {
    try {
      const page = await api.messages(conversationId, { limit: PAGE });
      if (!alive.current) return;
      const last = latest.current.at(-1);
      const first = page[0];
      // A gap between what we had and the fresh page (long offline): start over from the page.
      if (last && first && first.seq > last.seq + 1) {
        setMessages(page);
        setHasMore(true);
      } else {
        commit(page);
        if (!last) setHasMore(page.length >= PAGE);
      }
      setError('');
    } catch (err) {
      if (alive.current) setError(errorText(err));
    } finally {
      if (alive.current) setLoading(false);
    }
  };

  useEffect(() => {
    alive.current = true;
    void loadLatest();
    const offs = [
      store.onMessageReceived((m) => {
        if (m.conversationId === conversationId) commit([m]);
      }),
      store.onReconnect(() => void loadLatest()),
    ];
    return () => {
      alive.current = false;
      offs.forEach((off) => off());
    };
  }, [store, conversationId]);

  const loadOlder = async () => {
    const first = latest.current[0];
    if (!first || loadingOlder || !hasMore) return;
    setLoadingOlder(true);
    try {
      const page = await api.messages(conversationId, { before: first.seq, limit: PAGE });
      if (!alive.current) return;
      commit(page);
      setHasMore(page.length >= PAGE);
    } catch (err) {
      if (alive.current) setError(errorText(err));
    } finally {
      if (alive.current) setLoadingOlder(false);
    }
  };

  const attempt = async (clientMsgId: string, text: string) => {
    setPending((ps) => ps.map((p) => (p.clientMsgId === clientMsgId ? { ...p, status: 'sending' } : p)));
    for (let i = 0; ; i++) {
      try {
        const m = await api.sendMessage(conversationId, clientMsgId, text);
        if (alive.current) commit([m]);
        return;
      } catch (err) {
        if (!alive.current) return;
        if (i >= AUTO_RETRIES || !transient(err)) {
          setPending((ps) => ps.map((p) => (p.clientMsgId === clientMsgId ? { ...p, status: 'failed' } : p)));
          setError(errorText(err));
          return;
        }
        await new Promise((r) => setTimeout(r, 600 * (i + 1)));
      }
    }
  };

  return {
    messages,
    pending,
    loading,
    loadingOlder,
    hasMore,
    error,
    loadOlder,
    send(text) {
      const clientMsgId = newClientMsgId();
      setPending((ps) => [...ps, { clientMsgId, text, status: 'sending', createdAt: Date.now() }]);
      void attempt(clientMsgId, text);
    },
    retry(clientMsgId) {
      const p = pending.find((x) => x.clientMsgId === clientMsgId);
      if (p) void attempt(clientMsgId, p.text);
    },
    discard(clientMsgId) {
      setPending((ps) => ps.filter((p) => p.clientMsgId !== clientMsgId));
    },
  };
}
