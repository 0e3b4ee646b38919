import type { Call, UserRef } from '@convene/protocol';
import { t } from '../i18n/index.ts';
import { messagesPath } from '../app/routes.ts';

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
