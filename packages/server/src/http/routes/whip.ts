import type { FastifyInstance, FastifyReply } from 'fastify';
import { ConveneError, meetingIdSchema } from '@convene/protocol';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

const SDP = 'application/sdp';
const RESOURCE = /^[A-Za-z0-9_-]{20,64}$/;

/** CORS for browser-based WHIP/WHEP clients (https://www.rfc-editor.org/rfc/rfc9725#section-4.4). */
export function cors(reply: FastifyReply): FastifyReply {
  return reply
    .header('access-control-allow-origin', '*')
    .header('access-control-allow-methods', 'POST, DELETE, PATCH, OPTIONS')
    .header('access-control-allow-headers', 'authorization, content-type, if-match')
    .header('access-control-expose-headers', 'location, link, etag');
}

/** SDP bodies for WHIP and WHEP: offers, and the trickle fragments PATCH refuses (RFC 8840 §9). */
export function registerSdpParser(app: FastifyInstance): void {
  app.addContentTypeParser([SDP, 'application/trickle-ice-sdpfrag'], { parseAs: 'string', bodyLimit: 200_000 }, (_req, body, done) => done(null, body));
}

/**
 * WHIP (RFC 9725) for meetings and Spaces, plus the host's stream key.
 *   POST   /api/meetings/:id/stream-key      host: a new key (the old one stops working) and the URL
 *   DELETE /api/meetings/:id/stream-key      host: revoke it
 *   POST   /whip/:meetingId                  SDP offer (Bearer stream key) → 201, answer, Location
 *   DELETE /whip/:meetingId/:resource        end the session
 *   PATCH  /whip/:meetingId/:resource        405: no trickle ICE or ICE restart (offer with all candidates)
 */
export function registerWhipRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services, whip, keys } = ctx;
  if (!whip || !keys) return;

  const hostMeeting = async (req: Parameters<typeof requireUser>[1], id: string) => {
    const user = await requireUser(services, req);
    const meeting = meetingIdSchema.safeParse(id).success ? await services.meetings.get(id) : null;
    if (!meeting || meeting.hostId !== user.id) throw new ConveneError('NOT_FOUND', 'no such meeting');
    return { user, meeting };
  };
  app.post<{ Params: { id: string } }>('/api/meetings/:id/stream-key', async (req) => {
    const { user, meeting } = await hostMeeting(req, req.params.id);
    // Without PUBLIC_URL, the origin the host reached us at (OBS runs next to their browser).
    const origin = ctx.config.PUBLIC_URL ? ctx.config.publicUrl : `${req.protocol}://${req.headers.host ?? `localhost:${ctx.config.PORT}`}`;
    return { whipUrl: `${origin}/whip/${meeting.id}`, streamKey: await keys.issue(meeting.id, user.id) };
  });
  app.delete<{ Params: { id: string } }>('/api/meetings/:id/stream-key', async (req, reply) => {
    const { user, meeting } = await hostMeeting(req, req.params.id);
    await keys.revoke(meeting.id, user.id);
    return reply.status(204).send();
  });

  app.options('/whip/:meetingId', (_req, reply) => cors(reply).header('accept-post', SDP).status(204).send());
  app.options('/whip/:meetingId/:resource', (_req, reply) => cors(reply).status(204).send());

  app.post<{ Params: { meetingId: string }; Body: unknown }>('/whip/:meetingId', async (req, reply) => {
    cors(reply);
    if (!req.headers['content-type']?.toLowerCase().startsWith(SDP)) return reply.status(415).send({ code: 'BAD_REQUEST', message: 'send the offer as application/sdp' });
    const auth = req.headers.authorization;
    const key = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const { meetingId } = req.params;
    if (!key || !meetingIdSchema.safeParse(meetingId).success || typeof req.body !== 'string') {
      return reply.status(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHENTICATED', message: 'invalid stream key' });
    }
    const { resourceId, answer } = await whip.publish(meetingId, key, req.body);
    return reply.status(201).header('location', `/whip/${meetingId}/${resourceId}`).type(SDP).send(answer);
  });

  app.delete<{ Params: { meetingId: string; resource: string } }>('/whip/:meetingId/:resource', async (req, reply) => {
    cors(reply);
    const ok = RESOURCE.test(req.params.resource) && (await whip.end(req.params.resource));
    return reply.status(ok ? 200 : 404).send();
  });

  // https://www.rfc-editor.org/rfc/rfc9725#section-4.3.1: a resource without PATCH support answers 405.
  app.patch<{ Params: { meetingId: string; resource: string } }>('/whip/:meetingId/:resource', (req, reply) => {
    cors(reply);
    if (!RESOURCE.test(req.params.resource) || !whip.has(req.params.resource)) return reply.status(404).send();
    return reply.status(405).header('allow', 'DELETE, OPTIONS').send();
  });
}
