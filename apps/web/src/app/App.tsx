import { useEffect, useState } from 'preact/hooks';
import { HomePage } from '../home/HomePage.tsx';
import { AuthForms } from '../home/AuthForms.tsx';
import { MeetingPage } from '../meeting/MeetingPage.tsx';
import { MessagesPage } from '../messages/MessagesPage.tsx';
import { SettingsPage } from '../settings/SettingsPage.tsx';
import { SpacesPage } from '../spaces/SpacesPage.tsx';
import { SpacePage } from '../spaces/SpacePage.tsx';
import { CallLayer } from '../calls/CallLayer.tsx';
import { InboxProvider } from '../inbox/context.tsx';
import { t } from '../i18n/index.ts';
import { api } from './api.ts';
import { Link, useRoute } from './router.tsx';

export type User = { id: string; handle: string; displayName: string };

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    api.me().then(
      (r) => setUser(r.user),
      () => setUser(null),
    );
  }, []);
  if (user === undefined) return <p class="center muted">{t('loading')}</p>;
  if (user === null) return <AuthForms onSignedIn={setUser} />;
  // The inbox (messages, incoming calls) lives as long as the signed-in user, on every page.
  return (
    <InboxProvider key={user.id} user={user}>
      <Page user={user} onSignedOut={() => setUser(null)} />
      <CallLayer user={user} />
    </InboxProvider>
  );
}

function Page({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const route = useRoute();
  switch (route.name) {
    case 'home':
      return <HomePage user={user} onSignedOut={onSignedOut} />;
    case 'meeting':
      return <MeetingPage user={user} meetingId={route.meetingId} />;
    case 'messages':
      return <MessagesPage user={user} conversationId={route.conversationId} />;
    case 'settings':
      return <SettingsPage />;
    case 'spaces':
      return <SpacesPage user={user} />;
    case 'space':
      return <SpacePage key={route.spaceId} user={user} spaceId={route.spaceId} />;
    case 'notFound':
      return (
        <main class="page">
          <p>{t('notFound')}</p>
          <Link href="/">{t('backHome')}</Link>
        </main>
      );
  }
}
