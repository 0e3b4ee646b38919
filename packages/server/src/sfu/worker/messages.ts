import type { ConsumerInfo, ErrorCode, PublishedTrack, Source } from '@convene/protocol';
import type { MessagePort } from 'node:worker_threads';
import type { TransportState } from '../WebRtcTransport.ts';

/** Calls from the main thread into a media worker. Results are plain, structured-clonable data. */
export interface WorkerCalls {
  createRouter: { args: { routerId: string }; result: void };
  closeRouter: { args: { routerId: string }; result: void };
  createPeer: { args: { routerId: string; peerId: string }; result: void };
  /** Attach one end of a MessageChannel joining two routers of the same room. */
  connectPipe: { args: { routerId: string; remoteRouterId: string; port: MessagePort }; result: void };
  closePeer: { args: { routerId: string; peerId: string }; result: void };
  resetTransports: { args: { routerId: string; peerId: string }; result: void };
  /** Close every producer of a peer (moved off stage); its transports stay up for receiving. */
  closeProducers: { args: { routerId: string; peerId: string }; result: void };
  publish: { args: { routerId: string; peerId: string; sdp: string; tracks: PublishedTrack[] }; result: { sdp: string } };
  subscribe: { args: { routerId: string; peerId: string; iceRestart: boolean }; result: { sdp: string; consumers: ConsumerInfo[] } };
  subscribeAnswer: { args: { routerId: string; peerId: string; sdp: string }; result: void };
  setSourcePaused: { args: { routerId: string; peerId: string; source: Source; paused: boolean }; result: void };
  setViewport: {
    args: { routerId: string; peerId: string; tiles: { consumerId: string; width: number; height: number }[] };
    result: void;
  };
  /** Live captions: send the room's microphone packets to the main thread (`audiopacket` events). */
  startCaptionTap: { args: { routerId: string }; result: void };
  stopCaptionTap: { args: { routerId: string }; result: void };
  /**
   * Plain RTP of the room's audio (one stream per slot) to host:ports[i], for the HLS egress
   * (name 'hls', the default) or a recording; `videoPort`: the main video too (VideoEgress),
   * with a still filler picture while nobody has video when `videoFiller`.
   */
  startAudioEgress: { args: { routerId: string; name?: string; host: string; ports: number[]; videoPort?: number; videoFiller?: boolean; videoMaxHeight?: number }; result: void };
  stopAudioEgress: { args: { routerId: string; name?: string }; result: void };
  /** Which source each egress slot carries, and packets sent (real and silence) per slot. */
  audioEgressState: { args: { routerId: string; name?: string }; result: { source: string | null; sent: number; silent: number }[] | null };
  /** Mixed audio + main video sources for WHEP viewers; the mixer sends Opus RTP to mixPort. */
  startViewerMedia: { args: { routerId: string }; result: { mixPort: number } };
  /** A WHEP viewer: its offer in, our answer out (the peer is created; closePeer ends it). */
  view: { args: { routerId: string; peerId: string; sdp: string }; result: { sdp: string } };
  stats: { args: Record<string, never>; result: WorkerStats };
}
export type WorkerMethod = keyof WorkerCalls;

export interface WorkerStats {
  routers: number;
  peers: number;
  producers: number;
  consumers: number;
  /** Since the worker started: packets forwarded, packets resent on NACK, PLIs sent to publishers. */
  forwarded: number;
  retransmitted: number;
  plis: number;
  /** RSS is per process; CPU is this thread's (worker_threads do not split process.cpuUsage). */
  eventLoopUtilization: number;
  /** Full (mark-compact) garbage collections of the worker thread since it started. */
  majorGcs: number;
  /** The V8 young generation the worker runs with, MB (SfuPool). */
  youngGenerationMb: number;
}

export type WorkerEvent =
  | { event: 'produceradded'; routerId: string; peerId: string; producerId: string; kind: 'audio' | 'video'; source: Source }
  | { event: 'producerclosed'; routerId: string; peerId: string; producerId: string; source: Source }
  | { event: 'activespeaker'; routerId: string; peerId: string | null }
  | { event: 'audiopacket'; routerId: string; peerId: string; payload: Uint8Array }
  | { event: 'quality'; routerId: string; peerId: string; score: number }
  | { event: 'remoteproducer'; routerId: string }
  | { event: 'transportstate'; routerId: string; peerId: string; direction: 'send' | 'recv'; state: TransportState };

export type ToWorker = { id: number; method: WorkerMethod; args: unknown };
export type FromWorker =
  | { kind: 'result'; id: number; ok: true; result: unknown }
  | { kind: 'result'; id: number; ok: false; error: { code: ErrorCode; message: string } }
  | { kind: 'event'; payload: WorkerEvent };
