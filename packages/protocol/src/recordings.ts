import { z } from 'zod';

/**
 * A finished or running recording of a meeting or Space: the mixed audio of everyone who spoke,
 * and the active speaker's video when anyone had video on. Meeting recordings are for the host;
 * Space recordings are public like the Space itself (every speaker was told it was recorded).
 */
export const recordingSchema = z.object({
  id: z.string(),
  meetingId: z.string(),
  startedAt: z.string(),
  /** null while it is still recording. */
  endedAt: z.string().nullable(),
  durationMs: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  /** MIME type of the file, e.g. `audio/webm` or `video/webm`. */
  mimeType: z.string(),
  /** Path on this server to play or download the file (supports HTTP Range). */
  url: z.string(),
});
export type Recording = z.infer<typeof recordingSchema>;

export const recordingListSchema = z.object({ recordings: z.array(recordingSchema) });
