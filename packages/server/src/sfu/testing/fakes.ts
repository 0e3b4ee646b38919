/**
 * Stand-ins for werift's transceiver/DTLS/ICE objects around a Consumer, for unit tests and the
 * forwarding benchmark: real SRTP keys, a pluggable datagram sink, triggerable RTCP events.
 */
import { randomBytes } from 'node:crypto';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import type { MediaSource } from '../MediaSource.ts';

interface SessionConfig {
  keys: { localMasterKey: Buffer; localMasterSalt: Buffer; remoteMasterKey: Buffer; remoteMasterSalt: Buffer };
  profile: number;
}

/**
 * Two werift SRTP or SRTCP sessions of one DTLS association with fresh random master keys:
 * what `a` encrypts, `b` decrypts (and the other way round). Profile 7 = AEAD_AES_128_GCM.
 */
export function sessionPair<T>(Session: new (config: SessionConfig) => T, profile: number): { a: T; b: T } {
  const saltLen = profile === 7 ? 12 : 14;
  const keys = { localMasterKey: randomBytes(16), localMasterSalt: randomBytes(saltLen), remoteMasterKey: randomBytes(16), remoteMasterSalt: randomBytes(saltLen) };
  const swapped = { localMasterKey: keys.remoteMasterKey, localMasterSalt: keys.remoteMasterSalt, remoteMasterKey: keys.localMasterKey, remoteMasterSalt: keys.localMasterSalt };
  return { a: new Session({ keys, profile }), b: new Session({ keys: swapped, profile }) };
}

export class FakeEvent<T extends unknown[]> {
  private readonly fns = new Set<(...a: T) => void>();
  subscribe(fn: (...a: T) => void) {
    this.fns.add(fn);
    return { unSubscribe: () => this.fns.delete(fn) };
  }
  execute(...a: T): void {
    for (const f of this.fns) f(...a);
  }
}

export interface FakeTransceiver {
  mid: string;
  headerExtensions: { id: number; uri: string }[];
  sender: {
    ssrc: number;
    codec: { payloadType: number };
    dtlsTransport: unknown;
    onPictureLossIndication: FakeEvent<[]>;
    onGenericNack: FakeEvent<[{ lost: number[] }]>;
    onRtcp: FakeEvent<[unknown]>;
  };
  /** Decrypts what was sent (the subscriber's view). */
  receiver: SrtpSession;
}

/**
 * `udp`: a real bound UDP socket and the address packets go to, used as werift's ICE transport
 * socket is (what the forwarding benchmark measures); else `send`/`sendParts` receive them.
 */
export function fakeTransceiver(opts: {
  profile?: number;
  ssrc?: number;
  rtx?: { pt: number; ssrc: number };
  send: (packet: Buffer) => void;
  sendParts?: (parts: readonly Buffer[]) => void;
  udp?: { socket: { send(parts: readonly Buffer[], port: number, ip: string): void }; to: [string, number] };
}): FakeTransceiver {
  const { a: srtp, b: receiver } = sessionPair(SrtpSession, opts.profile ?? 1);
  // The sender hands the socket an SRTP packet as parts (one gathering sendmsg).
  const socket = opts.udp?.socket ?? { send: (parts: readonly Buffer[]) => (opts.sendParts ? opts.sendParts(parts) : opts.send(Buffer.concat(parts))) };
  return {
    mid: '1',
    headerExtensions: [
      { id: 1, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
      { id: 2, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
    ],
    sender: {
      ssrc: opts.ssrc ?? 1234,
      codec: { payloadType: 96 },
      ...(opts.rtx ? { rtxPayloadType: opts.rtx.pt, rtxSsrc: opts.rtx.ssrc } : {}),
      dtlsTransport: {
        state: 'connected',
        srtp,
        iceTransport: {
          connection: {
            nominated: { protocol: { sendData: async (b: Buffer) => opts.send(b), transport: { socket } }, remoteAddr: opts.udp?.to ?? ['127.0.0.1', 9] },
            canSendApplicationData: () => true,
          },
        },
        sendRtcp: async () => undefined,
      },
      onPictureLossIndication: new FakeEvent(),
      onGenericNack: new FakeEvent(),
      onRtcp: new FakeEvent(),
    },
    receiver,
  };
}

/** A producer-shaped object with fixed layers that records key-frame requests. */
export function fakeProducer(layers = [{ height: 180, bitrate: 150_000, active: true }]): MediaSource & { pli: number[]; gop: RtpPacket[] | null } {
  const p = {
    kind: 'video' as const,
    consumers: new Set(),
    closed: false,
    pli: [] as number[],
    gop: null as RtpPacket[] | null,
    layerInfos: () => layers,
    requestKeyFrame: (i: number) => p.pli.push(i),
    gopSnapshot: () => p.gop,
  };
  return p as unknown as MediaSource & { pli: number[]; gop: RtpPacket[] | null };
}

/** A VP8 packet: `key` marks a key-frame start; otherwise a delta-frame start. */
export function vp8Packet(seq: number, ts: number, key: boolean, ssrc = 42, size = 1100): RtpPacket {
  const payload = randomBytes(size);
  payload[0] = 0x10; // S=1, PID=0
  payload[1] = key ? 0x00 : 0x01; // P bit
  return new RtpPacket(new RtpHeader({ payloadType: 100, sequenceNumber: seq, timestamp: ts, ssrc, marker: true }), payload);
}
