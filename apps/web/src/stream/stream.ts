/** A WHIP endpoint (RFC 9725) and the bearer token that lets an encoder publish there. */
export interface StreamKey {
  whipUrl: string;
  streamKey: string;
}

/** The stream-key answer (`{ whipUrl, streamKey }`), or null when it is not one. */
export function parseStreamKey(body: unknown): StreamKey | null {
  if (typeof body !== 'object' || body === null) return null;
  const { whipUrl, streamKey } = body as Record<string, unknown>;
  if (typeof whipUrl !== 'string' || typeof streamKey !== 'string' || streamKey === '' || !/^https?:\/\/\S+$/.test(whipUrl)) return null;
  return { whipUrl, streamKey };
}

/** The participant name a stream publishes under (the server appends " (stream)"). */
export function streamName(displayName: string): string {
  return `${displayName} (stream)`;
}

