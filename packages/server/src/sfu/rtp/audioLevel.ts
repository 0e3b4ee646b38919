/**
 * https://www.rfc-editor.org/rfc/rfc6464#section-3
 * One-byte form: V (voice activity) in the top bit, then the level in -dBov (0 = loudest, 127 = silence).
 */
export function parseAudioLevel(ext: Uint8Array | undefined): { voice: boolean; level: number } | null {
  if (!ext || ext.length < 1) return null;
  const b = ext[0]!;
  return { voice: (b & 0x80) !== 0, level: b & 0x7f };
}
