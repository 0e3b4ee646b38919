import { randomInt } from 'node:crypto';
import sdpTransform from 'sdp-transform';
import { RTCPeerConnection } from 'werift';
import { peerConfig, type TransportNetworkOptions } from './codecs.ts';
import { SafeEmitter } from './events.ts';
import { FeedbackTap } from './egress/FeedbackTap.ts';
import { RtpIngress } from './ingress/RtpIngress.ts';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80 } from './srtp/SrtpProtector.ts';

export type TransportDirection = 'send' | 'recv';
export type TransportState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

type TransportEvents = {
  statechange: [TransportState];
  close: [];
};

/**
 * One ICE/DTLS/SRTP connection to a participant (werift RTCPeerConnection underneath).
 * 'send' = the participant sends media to us (they offer); 'recv' = we send to them (we offer).
 * Only our own host candidates ever appear in SDP we produce.
 */
export class WebRtcTransport extends SafeEmitter<TransportEvents> {
  readonly pc: RTCPeerConnection;
  /** Our receive path for the participant's RTP ('send' transports only). */
  readonly ingress: RtpIngress | null;
  /** Our receive path for the participant's receiver reports and REMB ('recv' transports only). */
  readonly feedback: FeedbackTap | null;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly direction: TransportDirection,
    net: TransportNetworkOptions,
  ) {
    super();
    this.pc = new RTCPeerConnection(peerConfig(net, direction === 'send' ? 'publish' : 'subscribe'));
    this.ingress = direction === 'send' ? new RtpIngress(randomInt(1, 0xffffffff)) : null;
    this.feedback = direction === 'recv' ? new FeedbackTap() : null;
    if (direction === 'recv') preferAesCm(this.pc);
    this.pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') {
        this.ingress?.install();
        for (const t of this.feedback ? this.pc.getTransceivers() : []) this.feedback?.install(t.sender.dtlsTransport);
      }
      this.safeEmit('statechange', s);
    });
  }

  get state(): TransportState {
    return this.closed ? 'closed' : this.pc.connectionState;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Serialize all SDP work on this connection (one queue per peer connection). */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Client's offer in, our answer out (send transports). */
  answer(offerSdp: string): Promise<string> {
    return this.enqueue(async () => {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      await this.gathered();
      return stripRecvOnlySsrcs(this.pc.localDescription!.sdp);
    });
  }

  /** Our offer out (recv transports). `prepare` adds/removes transceivers inside the queue. */
  offer<T>(prepare: () => T, iceRestart = false): Promise<{ sdp: string; prepared: T }> {
    return this.enqueue(async () => {
      const prepared = prepare();
      // https://www.rfc-editor.org/rfc/rfc8445#section-9: new ufrag/pwd, checks start over.
      if (iceRestart) this.pc.restartIce();
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      await this.gathered();
      return { sdp: this.pc.localDescription!.sdp, prepared };
    });
  }

  applyAnswer(answerSdp: string): Promise<void> {
    return this.enqueue(async () => {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    });
  }

  private async gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const sub = this.pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') {
          sub.unSubscribe();
          resolve();
        }
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ingress?.close();
    this.feedback?.close();
    void this.pc.close().catch(() => undefined);
    this.safeEmit('statechange', 'closed');
    this.safeEmit('close');
    this.removeAllListeners();
  }
}

/**
 * werift lists its RTCP/RTX sender SSRCs in recvonly answer sections without an msid, which
 * libwebrtc (Unified Plan) rejects as "more than one track". A recvonly section sends no media,
 * so those lines carry nothing the browser needs.
 */
export function stripRecvOnlySsrcs(sdp: string): string {
  const parsed = sdpTransform.parse(sdp);
  for (const m of parsed.media) {
    if (m.direction === 'recvonly' || m.direction === 'inactive') {
      delete m.ssrcs;
      delete m.ssrcGroups;
    }
  }
  return sdpTransform.write(parsed);
}

/**
 * Connections we send media on choose SRTP_AES128_CM_HMAC_SHA1_80, which every WebRTC endpoint
 * implements (https://www.rfc-editor.org/rfc/rfc8827#section-6.5), over AEAD_AES_128_GCM:
 * its keystream can be made ahead in batches (srtp/CmKeystream.ts), while GCM needs a Node
 * cipher object per packet, the largest cost of forwarding after the send itself
 * (docs/benchmarks.md). Our offers leave the DTLS server role to us (the client answers
 * `a=setup:active`), and werift as DTLS server picks the first of its own profiles the client
 * lists, so putting AES-CM first decides it.
 */
function preferAesCm(pc: RTCPeerConnection): void {
  const manager = (pc as unknown as { secureManager?: { createTransport: (...a: unknown[]) => { srtpProfiles: number[] } } }).secureManager;
  if (!manager) throw new Error('werift changed: RTCPeerConnection.secureManager is gone');
  const create = manager.createTransport.bind(manager);
  manager.createTransport = (...a) => {
    const t = create(...a);
    t.srtpProfiles = [PROFILE_AES_CM_128_HMAC_SHA1_80, PROFILE_AEAD_AES_128_GCM];
    return t;
  };
}
