/**
 * Short-lived TURN credentials for clients behind networks that block UDP.
 *
 * Media in Convene always goes to our SFU; a TURN relay (coturn, see docs/turn.md) only carries
 * a client's traffic to the SFU when the client cannot reach it directly. The relay and this
 * server share a secret; the server hands signed-in users a username/password pair that expires,
 * so nothing long-lived ever reaches a browser.
 */
import { createHmac } from 'node:crypto';

export interface TurnSettings {
  /** TURN/TURNS URLs offered to clients, e.g. `turn:turn.example.com:3478?transport=udp`. */
  urls: string[];
  /** Shared with coturn's `static-auth-secret`. Never logged, never returned to clients. */
  secret: string;
  /** Lifetime of issued credentials, in seconds. */
  ttlSeconds: number;
}

export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TurnCredentials {
  iceServers: TurnIceServer[];
  /** ISO 8601 time after which the relay rejects the credential. */
  expiresAt: string;
}

/**
 * The TURN REST API scheme (coturn `use-auth-secret`):
 *   username   = `${expiryUnixSeconds}:${userId}`
 *   credential = base64(HMAC-SHA1(sharedSecret, username))
 * The relay recomputes the HMAC from the username and rejects usernames whose timestamp has
 * passed, so the server stores nothing per credential.
 *
 * Spec: https://datatracker.ietf.org/doc/html/draft-uberti-behave-turn-rest-00#section-2.2
 * coturn: https://github.com/coturn/coturn/blob/master/README.turnserver (`--use-auth-secret`)
 */
export function turnCredentials(settings: TurnSettings, userId: string, nowMs: number): TurnCredentials {
  if (!settings.secret) throw new Error('TURN secret is not configured');
  if (!Number.isFinite(settings.ttlSeconds) || settings.ttlSeconds <= 0) {
    throw new Error(`TURN ttlSeconds must be a positive number, got ${settings.ttlSeconds}`);
  }
  // ':' separates the timestamp from the user id in the relay's parser; keep ids unambiguous.
  if (!userId || userId.includes(':')) throw new Error('TURN user id must be non-empty and contain no ":"');
  const expiry = Math.floor(nowMs / 1000) + Math.floor(settings.ttlSeconds);
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return {
    iceServers: settings.urls.length > 0 ? [{ urls: [...settings.urls], username, credential }] : [],
    expiresAt: new Date(expiry * 1000).toISOString(),
  };
}
