import type { PushPayload, PushSubscriptionBody } from '@convene/protocol';
import webpush from 'web-push';
import type { Db } from '../store/database.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface VapidSettings {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact for push services (RFC 8292 §2.1). */
  subject: string;
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and encrypted payloads (RFC 8291, aes128gcm), so a
 * ring reaches a browser with no Convene tab open. Only when VAPID keys are configured.
 * Subscriptions the push service reports gone (404/410) are deleted.
 */
export class PushService {
  constructor(
    private readonly db: Db,
    private readonly vapid: VapidSettings | null,
    private readonly log: Logger,
  ) {}

  get publicKey(): string | null {
    return this.vapid?.publicKey ?? null;
  }

  async subscribe(userId: string, s: PushSubscriptionBody): Promise<void> {
    await this.db
      .insertInto('push_subscriptions')
      .values({ endpoint: s.endpoint, user_id: userId, p256dh: s.keys.p256dh, auth: s.keys.auth })
      .onConflict((oc) => oc.column('endpoint').doUpdateSet({ user_id: userId, p256dh: s.keys.p256dh, auth: s.keys.auth }))
      .execute();
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    await this.db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).where('user_id', '=', userId).execute();
  }

  /** Fire and forget: a slow or failing push service never delays signalling. */
  notify(userId: string, payload: PushPayload, ttlSeconds: number): void {
    if (!this.vapid) return;
    void this.send(userId, payload, ttlSeconds).catch((err: unknown) => this.log.warn({ err }, 'web push failed'));
  }

  async send(userId: string, payload: PushPayload, ttlSeconds: number): Promise<number> {
    const vapid = this.vapid;
    if (!vapid) return 0;
    const subs = await this.db.selectFrom('push_subscriptions').selectAll().where('user_id', '=', userId).execute();
    let delivered = 0;
    await Promise.all(
      subs.map(async (s) => {
        try {
          await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
            TTL: ttlSeconds,
            urgency: payload.type === 'call' ? 'high' : 'normal',
            contentEncoding: 'aes128gcm',
            vapidDetails: vapid,
            timeout: 5000,
          });
          delivered++;
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 404 || status === 410) {
            await this.db.deleteFrom('push_subscriptions').where('endpoint', '=', s.endpoint).execute();
          } else {
            this.log.warn({ status, err: status === undefined ? String(err) : undefined }, 'push notification failed');
          }
        }
      }),
    );
    return delivered;
  }
}

export const generateVapidKeys = (): { publicKey: string; privateKey: string } => webpush.generateVAPIDKeys();
