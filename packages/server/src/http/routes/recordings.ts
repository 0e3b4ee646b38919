import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConveneError, meetingIdSchema, type Recording } from '@convene/protocol';
import type { MeetingRecord, UserRecord } from '../../services.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

/** Space recordings are public to signed-in users (like the Space); other recordings are the host's. */
function mayPlay(meeting: MeetingRecord, user: UserRecord): boolean {
  return meeting.kind === 'space' || meeting.hostId === user.id;
}

/**
 * GET /api/meetings/:id/recordings      the recordings of a meeting or Space
 * GET /api/recordings/:id/file          the file, with HTTP Range (RFC 9110 §14) so players can seek
 * Unknown meetings, recordings and forbidden ones get the same 404.
 */
export function registerRecordingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services, recordings } = ctx;
  const meetingFor = async (req: FastifyRequest, id: string): Promise<MeetingRecord> => {
    const user = await requireUser(services, req);
    const meeting = meetingIdSchema.safeParse(id).success ? await services.meetings.get(id) : null;
    if (!meeting || !mayPlay(meeting, user)) throw new ConveneError('NOT_FOUND', 'no such recording');
    return meeting;
  };

  app.get<{ Params: { id: string } }>('/api/meetings/:id/recordings', async (req): Promise<{ recordings: Recording[] }> => {
    const meeting = await meetingFor(req, req.params.id);
    return { recordings: recordings ? await recordings.list(meeting.id) : [] };
  });

  app.get<{ Params: { id: string } }>('/api/recordings/:id/file', async (req, reply) => {
    const user = await requireUser(services, req);
    const f = /^[A-Za-z0-9_-]{8,64}$/.test(req.params.id) ? await recordings?.file(req.params.id) : null;
    const meeting = f ? await services.meetings.get(f.meetingId) : null;
    if (!f || !meeting || !mayPlay(meeting, user)) throw new ConveneError('NOT_FOUND', 'no such recording');
    let size: number;
    try {
      size = (await fs.promises.stat(f.path)).size;
    } catch {
      throw new ConveneError('NOT_FOUND', 'no such recording');
    }
    return sendRange(req, reply, f.path, size, f.mimeType);
  });
}

function sendRange(req: FastifyRequest, reply: FastifyReply, file: string, size: number, type: string): FastifyReply {
  void reply.header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600').type(type);
  const range = req.headers.range;
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!range || !m || size === 0) return reply.header('content-length', size).send(fs.createReadStream(file));
  let start: number;
  let end: number;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isFinite(start) || start > end || start >= size) {
    return reply.status(416).header('content-range', `bytes */${size}`).send();
  }
  return reply
    .status(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .header('content-length', end - start + 1)
    .send(fs.createReadStream(file, { start, end }));
}
