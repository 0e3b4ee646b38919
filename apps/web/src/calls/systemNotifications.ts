import type { Call, UserRef } from '@convene/protocol';
import { t } from '../i18n/index.ts';
import { messagesPath } from '../app/routes.ts';
import { api } from '../app/api.ts';

/**
 * System notifications for incoming calls while the page is hidden, shown through the service
 * worker (works on Android, where `new Notification()` does not). Clicking one focuses the app
 * (see pwa/sw.js `notificationclick`). Permission is only ever asked from a user gesture.
 */
export function notificationSupport(): 'unsupported' | NotificationPermission {
  if (typeof Notification === 'undefined' || !('serviceWorker' in navigator)) return 'unsupported';
  return Notification.permission;
}

export async function requestNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (notificationSupport() === 'unsupported') return 'unsupported';
  return Notification.requestPermission();
}

const tagOf = (callId: string) => `call-${callId}`;

export async function showRingNotification(call: Call, caller: UserRef): Promise<void> {
  if (notificationSupport() !== 'granted' || !document.hidden) return;
  const reg = await navigator.serviceWorker.getRegistration();
  if (!reg) return;
  const media = t(call.media === 'video' ? 'incomingVideo' : 'incomingAudio');
  await reg.showNotification(caller.displayName, {
    body: t('notificationBody', { name: caller.displayName, handle: caller.handle, media }),
    tag: tagOf(call.id),
    requireInteraction: true,
    icon: '/icons/icon-192.png',
    data: { url: messagesPath(call.conversationId), callId: call.id },
  });
}

export async function closeRingNotification(callId: string): Promise<void> {
  if (notificationSupport() === 'unsupported') return;
  const reg = await navigator.serviceWorker.getRegistration();
  for (const n of (await reg?.getNotifications({ tag: tagOf(callId) })) ?? []) n.close();
}

/** RFC 8292 §3.2: the VAPID public key is base64url; PushManager wants the raw bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * With notification permission and a server that has VAPID keys, subscribe this browser to Web
 * Push so a call rings it even when no Convene tab is open (pwa/sw.js shows it). Idempotent:
 * an existing subscription is re-registered with the server. Returns whether push is active.
 */
export async function enablePush(): Promise<boolean> {
  if (notificationSupport() !== 'granted' || !('PushManager' in window)) return false;
  const publicKey = await api.pushPublicKey().catch(() => null);
  if (!publicKey) return false;
  const reg = await navigator.serviceWorker.ready;
  const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  const json = sub.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) return false;
  await api.pushSubscribe({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } });
  return true;
}
