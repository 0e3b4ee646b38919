// Convene service worker: caches the app shell only (HTML, hashed JS/CSS, manifest, icons).
// Never touches the API (/api/), signalling (/ws), metrics or any media: those always go to the
// network. Built by vite.config.ts, which fills in the shell list and the cache version.
const SHELL = __SHELL__;
const CACHE = `convene-shell-${__VERSION__}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('convene-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const NEVER = /^\/(api|ws|metrics|healthz)(\/|$)/;

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;

  if (req.mode === 'navigate') {
    // Network first so deploys show up at once; the cached shell when offline (SPA routes).
    event.respondWith(fetch(req).catch(() => caches.match('/', { cacheName: CACHE }).then((r) => r ?? Response.error())));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit ?? fetch(req)));
  }
});

// Incoming-call notifications (shown by the page through registration.showNotification while
// it is hidden): a click focuses an open Convene window, or opens the conversation.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
      const mine = list.find((c) => new URL(c.url).origin === self.location.origin);
      if (mine) return mine.focus();
      return self.clients.openWindow(url);
    }),
  );
});

// Web Push (RFC 8030): the server pushes a ring when none of the user's devices is online, and a
// withdrawal when that call stops ringing. Payloads are encrypted to this browser (RFC 8291).
self.addEventListener('push', (event) => {
  let msg = null;
  try {
    msg = event.data ? event.data.json() : null;
  } catch {
    msg = null;
  }
  if (!msg || typeof msg.type !== 'string') return;
  if (msg.type === 'callEnded') {
    event.waitUntil(
      self.registration.getNotifications({ tag: `call-${msg.callId}` }).then((list) => list.forEach((n) => n.close())),
    );
    return;
  }
  if (msg.type === 'call' && msg.caller) {
    const media = msg.media === 'video' ? 'Incoming video call' : 'Incoming audio call';
    event.waitUntil(
      self.registration.showNotification(String(msg.caller.displayName), {
        body: `${media} from @${String(msg.caller.handle)}`,
        tag: `call-${msg.callId}`,
        requireInteraction: true,
        icon: '/icons/icon-192.png',
        data: { url: `/messages/${encodeURIComponent(String(msg.conversationId))}`, callId: msg.callId },
      }),
    );
  }
});
