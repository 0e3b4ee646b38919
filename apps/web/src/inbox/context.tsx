import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { User } from '../app/App.tsx';
import { CallController } from '../calls/CallController.ts';
import { enablePush } from '../calls/systemNotifications.ts';
import { InboxStore } from './InboxStore.ts';

interface Inbox {
  store: InboxStore;
  calls: CallController;
}

const InboxContext = createContext<Inbox | null>(null);

/** One inbox connection and call controller per signed-in tab, for every page. */
export function InboxProvider({ user, children }: { user: User; children: ComponentChildren }) {
  const [inbox] = useState<Inbox>(() => {
    const store = new InboxStore(user.id);
    return { store, calls: new CallController(store, user) };
  });
  useEffect(() => {
    const { store, calls } = inbox;
    window.__conveneInbox = inbox;
    const off = store.subscribe(() => calls.bind());
    void store.start();
    // Already allowed notifications: keep this browser's Web Push subscription registered.
    void enablePush().catch(() => false);
    return () => {
      off();
      calls.close();
      store.close();
      if (window.__conveneInbox === inbox) delete window.__conveneInbox;
    };
  }, [inbox]);
  return <InboxContext.Provider value={inbox}>{children}</InboxContext.Provider>;
}

function useInboxContext(): Inbox {
  const ctx = useContext(InboxContext);
  if (!ctx) throw new Error('useInbox outside InboxProvider');
  return ctx;
}

/** The inbox store; re-renders on every change. */
export function useInbox(): InboxStore {
  const { store } = useInboxContext();
  const [, setV] = useState(0);
  useEffect(() => store.subscribe(() => setV((v) => v + 1)), [store]);
  return store;
}

/** The call controller; re-renders on every change. */
export function useCalls(): CallController {
  const { calls } = useInboxContext();
  const [, setV] = useState(0);
  useEffect(() => calls.subscribe(() => setV((v) => v + 1)), [calls]);
  return calls;
}
