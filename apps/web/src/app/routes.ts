/** The app's routes, matched against `location.pathname`. Pure: unit-tested without a DOM. */
export type Route =
  | { name: 'home' }
  | { name: 'meeting'; meetingId: string }
  | { name: 'messages'; conversationId: string | null }
  | { name: 'settings' }
  | { name: 'spaces' }
  | { name: 'space'; spaceId: string }
  | { name: 'notFound' };

const MEETING = /^\/m\/([A-Za-z0-9_-]{1,64})\/?$/;
const SPACE = /^\/s\/([A-Za-z0-9_-]{1,64})\/?$/;
const MESSAGES = /^\/messages(?:\/([A-Za-z0-9_-]{1,64}))?\/?$/;

export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  const m = MEETING.exec(pathname);
  if (m?.[1]) return { name: 'meeting', meetingId: m[1] };
  const c = MESSAGES.exec(pathname);
  if (c) return { name: 'messages', conversationId: c[1] ?? null };
  if (pathname === '/settings' || pathname === '/settings/') return { name: 'settings' };
  if (pathname === '/spaces' || pathname === '/spaces/') return { name: 'spaces' };
  const s = SPACE.exec(pathname);
  if (s?.[1]) return { name: 'space', spaceId: s[1] };
  return { name: 'notFound' };
}

export function meetingPath(meetingId: string): string {
  return `/m/${encodeURIComponent(meetingId)}`;
}

export function spacePath(spaceId: string): string {
  return `/s/${encodeURIComponent(spaceId)}`;
}

/** A Space opened to listen to its broadcast (HLS) only, without taking a WebRTC seat. */
export function broadcastPath(spaceId: string): string {
  return `${spacePath(spaceId)}?listen=broadcast`;
}

export function messagesPath(conversationId?: string | null): string {
  return conversationId ? `/messages/${encodeURIComponent(conversationId)}` : '/messages';
}

const ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The meeting id in what someone pasted: a full link (any host, so links from another deployment
 * name still work), a path `/m/<id>`, or a bare id. Null when there is none.
 */
export function parseMeetingInput(input: string): string | null {
  const text = input.trim();
  if (ID.test(text)) return text;
  let path = text;
  try {
    path = new URL(text).pathname;
  } catch {
    // not an absolute URL: maybe a path or "host/m/id"
  }
  const m = /(?:^|\/)m\/([A-Za-z0-9_-]{16,64})\/?(?:[?#].*)?$/.exec(path);
  return m?.[1] ?? null;
}
