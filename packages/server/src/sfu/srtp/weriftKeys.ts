import { PROFILE_AEAD_AES_128_GCM, type SrtpKeys } from './SrtpProtector.ts';

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
