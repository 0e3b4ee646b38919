/**
 * A subscriber for load generation that receives media without decoding it, like LiveKit's
 * `lk load-test` subscribers: the SDK's own join/subscribe flow, with werift's RTCPeerConnection
 * injected as the WebRTC implementation. It completes ICE, DTLS and SRTP, answers with receiver
 * reports and NACKs (werift's receiver), and counts whole video frames from the RTP stream (a
 * frame ends at the marker bit; the first counted frame starts with a VP8 key frame).
 *
 * Why: 40 libwebrtc subscribers each decoding 720p on the second of two cores starve (1–5 fps),
 * which then sets the packet rate and the loss the server sees. A light subscriber costs a few µs
 * per packet, so the server is measured at the publisher's full rate.
 */
import WebSocket from 'ws';
import { RTCPeerConnection as WeriftPeerConnection, type RtpPacket } from 'werift';
import { MeetingSession, type RemoteTrack } from '@convene/sdk';
import { parseVp8 } from '../packages/server/src/sfu/rtp/vp8.ts';

type WeriftConfig = ConstructorParameters<typeof WeriftPeerConnection>[0];

/** werift with the SDK's configuration; never a public STUN server (no traffic leaves the machine). */
class LightPeerConnection extends WeriftPeerConnection {
  constructor(config: { iceServers?: unknown[] } = {}) {
    super({ ...(config as WeriftConfig), iceServers: [] } as WeriftConfig);
  }
}

interface TrackWithRtp {
  onReceiveRtp: { subscribe(f: (rtp: RtpPacket) => void): { unSubscribe(): void } };
}

export class LightSubscriber {
  readonly firstFrameAt = new Map<string, number>();
  private readonly framesFrom = new Map<string, number>();
  private readonly subs: { unSubscribe(): void }[] = [];
  joinedAt = 0;

  private constructor(readonly session: MeetingSession) {
    session.on('trackAdded', (t) => this.attach(t));
  }

  static async join(baseUrl: string, user: { token: string }, meetingId: string): Promise<LightSubscriber> {
    const t0 = Date.now();
    const session = await MeetingSession.join({
      baseUrl,
      meetingId,
      token: user.token,
      webrtc: { RTCPeerConnection: LightPeerConnection as unknown as typeof RTCPeerConnection },
      createWebSocket: (url) => new WebSocket(url, { headers: { authorization: `Bearer ${user.token}` } }) as never,
      log: () => undefined,
    });
    const s = new LightSubscriber(session);
    s.joinedAt = t0;
    for (const t of session.remoteTracks.values()) s.attach(t);
    return s;
  }

  /** Whole video frames received from `participantId` since the first key frame. */
  frames(participantId: string): number {
    return this.framesFrom.get(participantId) ?? 0;
  }

  private attach(t: RemoteTrack): void {
    if (t.kind !== 'video') return;
    const pid = t.participantId;
    let started = false;
    const track = t.track as unknown as TrackWithRtp;
    this.subs.push(
      track.onReceiveRtp.subscribe((rtp) => {
        if (!started) {
          const vp8 = parseVp8(rtp.payload);
          if (!vp8?.keyFrame) return;
          started = true;
        }
        if (!rtp.header.marker) return;
        if (!this.firstFrameAt.has(pid)) this.firstFrameAt.set(pid, Date.now());
        this.framesFrom.set(pid, (this.framesFrom.get(pid) ?? 0) + 1);
      }),
    );
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unSubscribe();
    await this.session.leave().catch(() => undefined);
  }
}
