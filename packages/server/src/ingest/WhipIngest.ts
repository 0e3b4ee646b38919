import { ConveneError, type PublishedTrack } from '@convene/protocol';
import sdpTransform from 'sdp-transform';
import type { ClientLink, Member } from '../rooms/Member.ts';
import type { Room } from '../rooms/Room.ts';
import type { LiveRooms } from '../rooms/RoomRegistry.ts';
import type { MeetingService } from '../services.ts';
import { normalizeClientSdp } from '../sfu/clientSdp.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import { randomToken } from '../support/ids.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { StreamKeys } from './stream-keys.ts';

interface Session {
  room: Room;
  member: Member;
}

/**
 * WHIP ingest (RFC 9725): OBS, GStreamer or any WHIP client publishes into a meeting or Space as
 * the host who issued the stream key. Each session is a room member without a signalling socket
 * (shown as "<name> (stream)"), whose offer goes through the same publish path as a browser's, so
 * everything downstream (active speaker, recording, HLS, captions) treats it like any speaker.
 * The session ends on DELETE, when the host removes it, when the room ends, or when its ICE/DTLS
 * transport fails (a client that vanished without DELETE).
 */
export class WhipIngest {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly rooms: LiveRooms,
    private readonly pool: SfuPool,
    private readonly meetings: MeetingService,
    private readonly keys: StreamKeys,
    private readonly log: Logger,
  ) {}

  async publish(meetingId: string, key: string, clientOffer: string): Promise<{ resourceId: string; answer: string }> {
    const offer = normalizeClientSdp(clientOffer);
    const meeting = await this.meetings.get(meetingId);
    const user = meeting && !meeting.endedAt ? await this.keys.resolve(meetingId, key) : null;
    // Unknown meeting, ended meeting, wrong key: one answer.
    if (!meeting || !user) throw new ConveneError('UNAUTHENTICATED', 'invalid stream key');
    const tracks = tracksOf(offer);
    const room = await this.rooms.getOrCreate(meeting);
    const resourceId = randomToken();
    const link: ClientLink = {
      send: () => undefined,
      // The room let go of the member (removed by a host, meeting ended).
      close: () => void this.sessions.delete(resourceId),
    };
    const out = await room.join({ ...user, displayName: `${user.displayName} (stream)` }, link, undefined);
    const member = out.member;
    member.ingest = true;
    if (out.status !== 'joined' || !member.onStage) {
      await room.leave(member);
      throw new ConveneError('FORBIDDEN', 'this stream key cannot publish here now');
    }
    try {
      const { sdp } = await this.pool.call('publish', { routerId: member.routerId, peerId: member.id, sdp: offer, tracks });
      await room.syncPaused(member, tracks);
      this.sessions.set(resourceId, { room, member });
      this.log.info({ meetingId, member: member.id, tracks: tracks.map((t) => t.source) }, 'WHIP session started');
      return { resourceId, answer: sdp };
    } catch (err) {
      await room.leave(member);
      throw err;
    }
  }

  /** DELETE of the session resource. False when there is no such session (any more). */
  async end(resourceId: string): Promise<boolean> {
    const s = this.sessions.get(resourceId);
    if (!s) return false;
    this.sessions.delete(resourceId);
    await s.room.leave(s.member);
    this.log.info({ meetingId: s.room.id, member: s.member.id }, 'WHIP session ended');
    return true;
  }

  has(resourceId: string): boolean {
    const s = this.sessions.get(resourceId);
    if (s && !s.room.members.has(s.member.id)) this.sessions.delete(resourceId);
    return this.sessions.has(resourceId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id)));
  }
}

/** What the offer sends: audio m-lines are a microphone, video a camera. */
function tracksOf(offer: string): PublishedTrack[] {
  let parsed: sdpTransform.SessionDescription;
  try {
    parsed = sdpTransform.parse(offer);
  } catch {
    throw new ConveneError('BAD_REQUEST', 'the body is not an SDP offer');
  }
  const tracks: PublishedTrack[] = [];
  for (const m of parsed.media ?? []) {
    const mid = m.mid === undefined ? undefined : String(m.mid);
    const sending = m.port !== 0 && (m.direction === 'sendonly' || m.direction === 'sendrecv' || m.direction === undefined);
    if (!mid || mid.length > 16 || !sending || (m.type !== 'audio' && m.type !== 'video')) continue;
    if (tracks.some((t) => t.source === (m.type === 'audio' ? 'microphone' : 'camera'))) continue;
    tracks.push({ mid, source: m.type === 'audio' ? 'microphone' : 'camera' });
  }
  if (tracks.length === 0) throw new ConveneError('BAD_REQUEST', 'the offer sends no audio or video (WHIP offers are sendonly)');
  return tracks;
}
