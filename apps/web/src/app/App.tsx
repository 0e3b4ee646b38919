import { useEffect, useState } from 'preact/hooks';
import { HomePage } from '../home/HomePage.tsx';
import { AuthForms } from '../home/AuthForms.tsx';
import { MeetingPage } from '../meeting/MeetingPage.tsx';
import { t } from '../i18n/index.ts';
import { api } from './api.ts';
import { Link, useRoute } from './router.tsx';

export type User = { id: string; handle: string; displayName: string };

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    api.me().then(
      (r) => setUser(r.user),
      () => setUser(null),
    );
  }, []);
  if (user === undefined) return <p class="center muted">{t('loading')}</p>;
  if (user === null) return <AuthForms onSignedIn={setUser} />;
  switch (route.name) {
    case 'home':
      return <HomePage user={user} onSignedOut={() => setUser(null)} />;
    case 'meeting':
      return <MeetingPage user={user} meetingId={route.meetingId} />;
    case 'notFound':
      return (
        <main class="page">
          <p>{t('notFound')}</p>
          <Link href="/">{t('backHome')}</Link>
        </main>
      );
  }
}
