import type { FastifyInstance } from 'fastify';
import { ConveneError, meetingIdSchema } from '@convene/protocol';
import type { AppContext } from '../app.ts';
import { cors } from './whip.ts';

const SDP = 'application/sdp';
const RESOURCE = /^[A-Za-z0-9_-]{20,64}$/;

/**
 * WHEP playback of Spaces (https://datatracker.ietf.org/doc/draft-ietf-wish-whep/). Public like the
 * Space and its HLS broadcast.
 *   POST   /whep/:spaceId               recvonly SDP offer → 201, answer, Location
 *   DELETE /whep/:spaceId/:resource     end the session
 *   PATCH  /whep/:spaceId/:resource     405 (no trickle ICE: offer with all candidates)
 * A full WebRTC tier answers 503 with Retry-After and a Link to the HLS playlist.
 */
export function registerWhepRoutes(app: FastifyInstance, ctx: AppContext): void {
  const whep = ctx.whep;
  if (!whep) return;
  app.options('/whep/:spaceId', (_req, reply) => cors(reply).header('accept-post', SDP).status(204).send());
  app.options('/whep/:spaceId/:resource', (_req, reply) => cors(reply).status(204).send());

  app.post<{ Params: { spaceId: string }; Body: unknown }>('/whep/:spaceId', async (req, reply) => {
    cors(reply);
    if (!req.headers['content-type']?.toLowerCase().startsWith(SDP)) return reply.status(415).send({ code: 'BAD_REQUEST', message: 'send the offer as application/sdp' });
    const { spaceId } = req.params;
    if (!meetingIdSchema.safeParse(spaceId).success || typeof req.body !== 'string') throw new ConveneError('NOT_FOUND', 'no live Space here');
    try {
      const { resourceId, answer } = await whep.view(spaceId, req.body);
      return reply.status(201).header('location', `/whep/${spaceId}/${resourceId}`).type(SDP).send(answer);
    } catch (err) {
      if (!(err instanceof ConveneError) || err.code !== 'RATE_LIMITED') throw err;
      return reply
        .status(503)
        .header('retry-after', '10')
        .header('link', `</hls/${spaceId}/index.m3u8>; rel="alternate"; type="application/vnd.apple.mpegurl"`)
        .send({ code: 'RATE_LIMITED', message: err.message });
    }
  });

  app.delete<{ Params: { spaceId: string; resource: string } }>('/whep/:spaceId/:resource', async (req, reply) => {
    cors(reply);
    const ok = RESOURCE.test(req.params.resource) && (await whep.end(req.params.resource));
    return reply.status(ok ? 200 : 404).send();
  });

  app.patch<{ Params: { spaceId: string; resource: string } }>('/whep/:spaceId/:resource', (req, reply) => {
    cors(reply);
    if (!RESOURCE.test(req.params.resource) || !whep.has(req.params.resource)) return reply.status(404).send();
    return reply.status(405).header('allow', 'DELETE, OPTIONS').send();
  });
}
