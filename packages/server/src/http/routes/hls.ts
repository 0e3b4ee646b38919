import type { FastifyInstance, FastifyReply } from 'fastify';
import { meetingIdSchema } from '@convene/protocol';
import { MEDIA_NAME } from '../../broadcast/HlsEgress.ts';
import type { AppContext } from '../app.ts';

/** Playlists change every segment: caches (CDN, browser) may reuse one for a second at most. */
const PLAYLIST_CACHE = 'public, max-age=1';
/** Segment and init names are unique per ffmpeg run and never reused. */
const MEDIA_CACHE = 'public, max-age=31536000, immutable';
/** Unknown or ended Space: a CDN may remember that briefly, so a flood of misses stays off the origin. */
const MISS_CACHE = 'public, max-age=2';

/**
 * The HLS origin of Spaces' broadcast tier (docs/spaces.md). Public like the Spaces themselves:
 * no session needed, CORS open, so any player or CDN can fetch it.
 *   GET /hls/:spaceId/index.m3u8           live playlist (RFC 8216)
 *   GET /hls/:spaceId/<run>-init.mp4        fMP4 initialization section
 *   GET /hls/:spaceId/<run>-<seq>.m4s       fMP4 media segments
 * Files come from memory (read once from ffmpeg's directory); only names listed in the current
 * playlist are served, so nothing outside that directory can ever be reached.
 */
export function registerHlsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const miss = (reply: FastifyReply) =>
    reply.status(404).header('cache-control', MISS_CACHE).header('access-control-allow-origin', '*').send({ code: 'NOT_FOUND', message: 'no live broadcast' });

  app.get<{ Params: { spaceId: string; file: string } }>('/hls/:spaceId/:file', async (req, reply) => {
    const { spaceId, file } = req.params;
    const egress = meetingIdSchema.safeParse(spaceId).success ? ctx.hls?.get(spaceId) : undefined;
    if (!egress) return miss(reply);
    void reply.header('access-control-allow-origin', '*');
    if (file === 'index.m3u8') {
      const snap = await egress.playlist();
      if (!snap) return miss(reply);
      void reply.header('cache-control', PLAYLIST_CACHE).header('etag', snap.etag);
      if (req.headers['if-none-match'] === snap.etag) return reply.status(304).send();
      // https://www.rfc-editor.org/rfc/rfc8216#section-4: application/vnd.apple.mpegurl
      return reply.type('application/vnd.apple.mpegurl').send(snap.body);
    }
    if (!MEDIA_NAME.test(file)) return miss(reply);
    const data = await egress.file(file);
    if (!data) return miss(reply);
    // https://www.rfc-editor.org/rfc/rfc8216#section-3.3 (fMP4 segments; audio only here)
    return reply.header('cache-control', MEDIA_CACHE).type('audio/mp4').send(data);
  });
}
