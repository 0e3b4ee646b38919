import { ConveneError } from '@convene/protocol';
import type { Room } from '../rooms/Room.ts';
import type { LiveRooms, RoomObserver } from '../rooms/RoomRegistry.ts';
import type { MeetingService } from '../services.ts';
import type { SfuPool } from '../sfu/SfuPool.ts';
import { randomToken } from '../support/ids.ts';
import type { Logger } from '../telemetry/logger.ts';
import { ViewerMix } from './ViewerMix.ts';

interface ViewerSession {
  spaceId: string;
  peerId: string;
}

/**
 * WHEP playback of Spaces (draft-ietf-wish-whep): any WHEP player (a browser page, GStreamer's
 * whepsrc, OBS's WHEP source) gets the Space's mixed audio and main video (active speaker or
 * screen share) over WebRTC from the SFU. Viewers are anonymous like HLS listeners, count as
 * audience and take seats of the WebRTC tier; when it is full the answer is 503 with the HLS
 * playlist as the alternative.
 */
export class WhepService implements RoomObserver {
  private readonly sessions = new Map<string, ViewerSession>();
  private readonly mixes = new Map<string, Promise<ViewerMix>>();

  constructor(
    private readonly rooms: LiveRooms,
    private readonly pool: SfuPool,
    private readonly meetings: MeetingService,
    private readonly opts: { ffmpeg: string; slots: number; enabled: boolean; seats: number },
    private readonly log: Logger,
  ) {
    rooms.observe(this);
  }

  async view(spaceId: string, offer: string): Promise<{ resourceId: string; answer: string }> {
    if (!this.opts.enabled) throw new ConveneError('NOT_FOUND', 'WHEP is not available on this server');
    const meeting = await this.meetings.get(spaceId);
    const room = meeting && meeting.kind === 'space' && !meeting.endedAt ? this.rooms.get(spaceId) : undefined;
    if (!room || room.closed) throw new ConveneError('NOT_FOUND', 'no live Space here');
    if (room.stage.audienceCount() >= this.opts.seats) throw new ConveneError('RATE_LIMITED', 'the Space is full; listen through its HLS broadcast', { retryAfterMs: 10_000 });
    await this.mixFor(room);
    const peerId = `whep-${randomToken().slice(0, 16)}`;
    room.viewers.add(peerId);
    room.onViewerTransport ??= (pid, state) => {
      if (state === 'failed' || state === 'closed') void this.endPeer(room, pid);
    };
    try {
      const { sdp } = await this.pool.call('view', { routerId: room.id, peerId, sdp: offer });
      const resourceId = randomToken();
      this.sessions.set(resourceId, { spaceId, peerId });
      room.stage.audienceChanged();
      this.log.info({ spaceId, peerId }, 'WHEP viewer joined');
      return { resourceId, answer: sdp };
    } catch (err) {
      await this.endPeer(room, peerId);
      throw err;
    }
  }

  private mixFor(room: Room): Promise<ViewerMix> {
    let p = this.mixes.get(room.id);
    if (!p) {
      const routerId = room.id;
      p = (async () => {
        const { mixPort } = await this.pool.call('startViewerMedia', { routerId });
        const mix = new ViewerMix({
          spaceId: room.id,
          ffmpeg: this.opts.ffmpeg,
          slots: this.opts.slots,
          mixPort,
          log: this.log.child({ space: room.id }),
          startRtp: (ports) => this.pool.call('startAudioEgress', { routerId, name: 'whep', host: '127.0.0.1', ports }),
          stopRtp: () => this.pool.call('stopAudioEgress', { routerId, name: 'whep' }),
        });
        await mix.start();
        if (room.closed) {
          await mix.stop();
          throw new ConveneError('NOT_FOUND', 'the Space ended');
        }
        return mix;
      })();
      this.mixes.set(room.id, p);
      p.catch(() => this.mixes.delete(room.id));
    }
    return p;
  }

  private async endPeer(room: Room, peerId: string): Promise<void> {
    if (!room.viewers.delete(peerId)) return;
    for (const [id, s] of this.sessions) if (s.peerId === peerId) this.sessions.delete(id);
    await this.pool.call('closePeer', { routerId: room.id, peerId }).catch(() => undefined);
    room.stage.audienceChanged();
  }

  /** DELETE of the session resource; false when unknown (or already gone). */
  async end(resourceId: string): Promise<boolean> {
    const s = this.sessions.get(resourceId);
    if (!s) return false;
    this.sessions.delete(resourceId);
    const room = this.rooms.get(s.spaceId);
    if (room) await this.endPeer(room, s.peerId);
    return true;
  }

  has(resourceId: string): boolean {
    return this.sessions.has(resourceId);
  }

  memberJoined(): void {}
  memberLeft(): void {}

  roomClosed(meetingId: string): void {
    for (const [id, s] of this.sessions) if (s.spaceId === meetingId) this.sessions.delete(id);
    const p = this.mixes.get(meetingId);
    this.mixes.delete(meetingId);
    void p?.then((m) => m.stop()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.mixes.values()];
    this.mixes.clear();
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((m) => m.stop()).catch(() => undefined)));
  }
}
