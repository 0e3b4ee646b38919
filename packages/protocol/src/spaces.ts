import { z } from 'zod';
import { publicUserSchema } from './http.ts';

/** Spaces: live audio rooms with a public link; speakers may turn video on. */
export const createSpaceBodySchema = z.strictObject({
  title: z.string().trim().min(1).max(120),
  topic: z.string().trim().max(280).optional(),
  /** ISO 8601 instant; absent = now. */
  startsAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateSpaceBody = z.input<typeof createSpaceBodySchema>;

export const spaceSchema = z.object({
  id: z.string(),
  title: z.string(),
  topic: z.string().nullable(),
  host: publicUserSchema,
  startsAt: z.string(),
  endedAt: z.string().nullable(),
  /** Someone is in it right now. */
  live: z.boolean(),
  speakerCount: z.number().int().nonnegative(),
  listenerCount: z.number().int().nonnegative(),
  link: z.string(),
  /**
   * The broadcast tier (HLS, docs/spaces.md): 'live' with the playlist URL once segments exist;
   * 'starting' just after the Space opens; 'idle' when nobody is in it; 'off' (SPACE_HLS=off) or
   * 'unavailable' (no ffmpeg on the server).
   */
  hls: z.object({ status: z.enum(['live', 'starting', 'idle', 'off', 'unavailable']), playlistUrl: z.string().nullable() }).optional(),
});
export type Space = z.infer<typeof spaceSchema>;

export const spaceListSchema = z.object({ live: z.array(spaceSchema), upcoming: z.array(spaceSchema) });
export type SpaceList = z.infer<typeof spaceListSchema>;
