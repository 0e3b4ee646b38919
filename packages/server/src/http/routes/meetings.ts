import type { FastifyInstance } from 'fastify';
import { ConveneError, createMeetingBodySchema, meetingIdSchema, type Meeting, type MeetingList } from '@convene/protocol';
import { UNAVAILABLE } from '../../meetings/meeting-service.ts';
import { parseOrBadRequest } from '../../support/validation.ts';
import { transcriptText, transcriptVtt } from '../../captions/transcript.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

type WithId = { Params: { id: string } };

const unavailable = () => new ConveneError('MEETING_UNAVAILABLE', UNAVAILABLE);

/**
 * POST /api/meetings, GET /api/meetings, GET /api/meetings/:id, GET /api/meetings/:id/invite.ics.
 *
 * GET /api/meetings/:id, for anyone but the host, shows a meeting only when it has no code.
 * A code-protected meeting answers exactly like an unknown id (404 MEETING_UNAVAILABLE), so the
 * endpoint is no oracle for which protected meetings exist; the title and host of such a meeting
 * are learnt by joining with the right code over signalling (rate-limited per meeting and client).
 */
export function registerMeetingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services } = ctx;
  const meetings = services.meetings;

  app.post('/api/meetings', async (req, reply): Promise<Meeting> => {
    const user = await requireUser(services, req);
    const body = parseOrBadRequest(createMeetingBodySchema, req.body);
    const meeting = await meetings.create(user, body);
    void reply.status(201);
    return meetings.toView(meeting, user);
  });

  app.get('/api/meetings', async (req): Promise<MeetingList> => {
    const user = await requireUser(services, req);
    const list = await meetings.listForHost(user.id);
    return { meetings: await Promise.all(list.map((m) => meetings.toView(m, user))) };
  });

  app.get<WithId>('/api/meetings/:id', async (req): Promise<Meeting> => {
    const user = await requireUser(services, req);
    const id = parseOrBadRequest(meetingIdSchema, req.params.id);
    const meeting = await meetings.get(id);
    if (!meeting || (meeting.hostId !== user.id && meeting.code !== null)) throw unavailable();
    return meetings.toView(meeting, user);
  });

  app.get<WithId>('/api/meetings/:id/invite.ics', async (req, reply) => {
    const user = await requireUser(services, req);
    const id = parseOrBadRequest(meetingIdSchema, req.params.id);
    const meeting = await meetings.get(id);
    // Host only; anyone else sees the same answer as for an unknown meeting.
    if (!meeting || meeting.hostId !== user.id) throw unavailable();
    const ics = await meetings.ics(meeting);
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="meeting-${meeting.id}.ics"`)
      .header('cache-control', 'no-store')
      .send(ics);
  });
}

/**
 * GET /api/meetings/:id/transcript?format=txt|vtt — the stored transcript of a meeting's live
 * captions (all captions sessions, kept after the room closes): the host; co-hosts while in
 * the room; in a call, anyone who joined it. 404 otherwise, and while there is nothing yet.
 */
export function registerTranscriptRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string }; Querystring: { format?: string } }>('/api/meetings/:id/transcript', async (req, reply) => {
    const user = await requireUser(ctx.services, req);
    const id = parseOrBadRequest(meetingIdSchema, req.params.id);
    const meeting = await ctx.services.meetings.get(id);
    const room = ctx.rooms.get(id);
    const me = room?.joined().find((m) => m.user.id === user.id);
    // The host always; co-hosts while in the room; in a call, anyone who was in it.
    const allowed =
      !!meeting &&
      (meeting.hostId === user.id ||
        (me !== undefined && me.role !== 'participant') ||
        (meeting.kind === 'call' && (me !== undefined || (await ctx.services.calls.wasMember(id, user.id)))));
    const lines = allowed && ctx.transcripts ? await ctx.transcripts.lines(id) : [];
    if (!allowed || (lines.length === 0 && !room?.captions)) throw new ConveneError('NOT_FOUND', 'no transcript here');
    const vtt = req.query.format === 'vtt';
    void reply
      .header('content-type', vtt ? 'text/vtt; charset=utf-8' : 'text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="transcript.${vtt ? 'vtt' : 'txt'}"`)
      .header('cache-control', 'no-store');
    return vtt ? transcriptVtt(lines) : transcriptText(lines);
  });
}
