import type { FastifyInstance, FastifyReply } from 'fastify';
import { meetingIdSchema } from '@convene/protocol';
import { MEDIA_NAME, type PlaylistSnapshot } from '../../broadcast/HlsEgress.ts';
import type { AppContext } from '../app.ts';

/** A plain playlist request: the playlist changes every part, so caches reuse it for a second at most. */
const PLAYLIST_CACHE = 'public, max-age=1';
/**
 * A blocking reload (`?_HLS_msn=M&_HLS_part=P`) is its own URL and any answer to it holds part P
 * of segment M, which stays true: a CDN may answer later requests for that URL from cache
 * (request collapsing turns a crowd waiting for the next part into one origin request).
 */
const BLOCKING_PLAYLIST_CACHE = 'public, max-age=6';
/** Part, segment and init names are unique per ffmpeg run and never reused. */
const MEDIA_CACHE = 'public, max-age=31536000, immutable';
/** Unknown or ended Space: a CDN may remember that briefly, so a flood of misses stays off the origin. */
const MISS_CACHE = 'public, max-age=2';
const DIGITS = /^[0-9]{1,16}$/;

/**
 * The LL-HLS origin of Spaces' broadcast tier (docs/spaces.md). Public like the Spaces themselves:
 * no session needed, CORS open, so any player or CDN can fetch it.
 *   GET /hls/:spaceId/index.m3u8[?_HLS_msn=M[&_HLS_part=P]]  live playlist, blocking reload
 *   GET /hls/:spaceId/<run>-init.mp4                          fMP4 initialization section
 *   GET /hls/:spaceId/<run>-<msn>.m4s                         full segments
 *   GET /hls/:spaceId/<run>-<msn>.<part>.m4s                  parts (the preload-hinted one waits)
 * Everything comes from memory; names are validated, nothing on disk is reachable.
 */
export function registerHlsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const miss = (reply: FastifyReply, cache = MISS_CACHE) =>
    reply.status(404).header('cache-control', cache).header('access-control-allow-origin', '*').send({ code: 'NOT_FOUND', message: 'no live broadcast' });

  app.get<{ Params: { spaceId: string; file: string }; Querystring: Record<string, string | undefined> }>('/hls/:spaceId/:file', async (req, reply) => {
    const { spaceId, file } = req.params;
    const egress = meetingIdSchema.safeParse(spaceId).success ? ctx.hls?.get(spaceId) : undefined;
    if (!egress) return miss(reply);
    void reply.header('access-control-allow-origin', '*');
    if (file === 'index.m3u8') {
      const snap = egress.playlist();
      if (!snap) return miss(reply);
      const { _HLS_msn: msnArg, _HLS_part: partArg } = req.query;
      if (msnArg === undefined && partArg === undefined) return sendPlaylist(reply, snap, PLAYLIST_CACHE, req.headers['if-none-match']);
      // draft-pantos-hls-rfc8216bis-16 §6.2.5.2 (Blocking Playlist Reload).
      const bad = (message: string) => reply.status(400).header('cache-control', 'no-store').send({ code: 'BAD_DELIVERY_DIRECTIVE', message });
      if (msnArg === undefined || !DIGITS.test(msnArg) || (partArg !== undefined && !DIGITS.test(partArg))) return bad('_HLS_msn (and optional _HLS_part) must be integers');
      const msn = Number(msnArg);
      const part = partArg === undefined ? undefined : Number(partArg);
      if (egress.store.check(msn, part) === 'bad-request') return bad('too far beyond the live edge');
      const ok = await egress.store.wait(msn, part);
      const now = egress.playlist();
      if (!now) return miss(reply);
      if (!ok) return reply.status(503).header('cache-control', 'no-store').header('retry-after', '1').send({ code: 'NOT_YET', message: 'the requested part did not appear in time' });
      return sendPlaylist(reply, now, BLOCKING_PLAYLIST_CACHE, req.headers['if-none-match']);
    }
    if (!MEDIA_NAME.test(file)) return miss(reply);
    const data = await egress.file(file);
    // A hinted part that will not come (ffmpeg restarted): nothing a cache should remember.
    if (!data) return miss(reply, 'no-store');
    // https://www.rfc-editor.org/rfc/rfc8216#section-3.3 (fMP4 segments; audio only here)
    return reply.header('cache-control', MEDIA_CACHE).type('audio/mp4').send(data);
  });
}

function sendPlaylist(reply: FastifyReply, snap: PlaylistSnapshot, cache: string, ifNoneMatch: string | undefined) {
  void reply.header('cache-control', cache).header('etag', snap.etag);
  if (ifNoneMatch === snap.etag) return reply.status(304).send();
  // https://www.rfc-editor.org/rfc/rfc8216#section-4: application/vnd.apple.mpegurl
  return reply.type('application/vnd.apple.mpegurl').send(snap.body);
}
