/** Minimal types for http_ece (RFC 8188 / RFC 8291 content encoding), used to read Web Pushes in tests. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  export function decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
}
