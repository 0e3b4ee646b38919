import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80, type SrtpKeys } from './SrtpProtector.ts';
import type { SrtcpKeys } from './SrtcpUnprotector.ts';

interface WeriftContext {
  profile: number;
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
}

/** Session keys of werift's outbound SRTP context (derived by werift from the DTLS exporter). */
export function srtpKeysOf(ctx: unknown): SrtpKeys {
  const c = ctx as WeriftContext;
  return c.profile === PROFILE_AEAD_AES_128_GCM
    ? { profile: c.profile, key: c.srtpSessionKey, salt: c.srtpSessionSalt }
    : { profile: c.profile, key: c.srtpSessionKey, salt: c.srtpSessionSalt, authKey: c.srtpSessionAuthTag };
}

interface WeriftSrtcpContext {
  profile: number;
  srtcpSessionKey: Buffer;
  srtcpSessionSalt: Buffer;
  srtcpSessionAuthTag: Buffer;
}

/** SRTCP session keys of a werift context, for the AES-CM profile only (null for GCM). */
export function srtcpKeysOf(ctx: unknown): SrtcpKeys | null {
  const c = ctx as WeriftSrtcpContext;
  if (c.profile !== PROFILE_AES_CM_128_HMAC_SHA1_80) return null;
  return { key: c.srtcpSessionKey, salt: c.srtcpSessionSalt, authKey: c.srtcpSessionAuthTag };
}
