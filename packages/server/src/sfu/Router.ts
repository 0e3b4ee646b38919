import { ConveneError, type Source } from '@convene/protocol';
import { ActiveSpeakerDetector } from './ActiveSpeaker.ts';
import type { TransportNetworkOptions } from './codecs.ts';
import { newCounters, type MediaCounters } from './counters.ts';
import { SafeEmitter } from './events.ts';
import { Peer } from './Peer.ts';
import type { MessagePort } from 'node:worker_threads';
import type { MediaSource } from './MediaSource.ts';
import { AudioEgress } from './egress/AudioEgress.ts';
import { CaptionTap } from './egress/CaptionTap.ts';
import { VideoEgress } from './egress/VideoEgress.ts';
import { MainVideoSource } from './virtual/MainVideoSource.ts';
import { MixAudioSource } from './virtual/MixAudioSource.ts';
import { RouterPipe, type PipeHost } from './pipe/RouterPipe.ts';
import type { PipeProducer } from './pipe/PipeProducer.ts';
import type { Producer } from './Producer.ts';
import type { TransportState } from './WebRtcTransport.ts';

export type RouterEvents = {
  produceradded: [peerId: string, producer: Producer];
  producerclosed: [peerId: string, producer: Producer];
  /** A producer of another router of the room appeared here (or went away). */
  remoteproducer: [];
  activespeaker: [peerId: string | null];
  quality: [peerId: string, score: number];
  transportstate: [peerId: string, direction: 'send' | 'recv', state: TransportState];
  /** Captions: one microphone packet (Opus payload). */
  audiopacket: [peerId: string, payload: Uint8Array];
  close: [];
};

const TICK_MS = 100;
const LAYER_EVERY_TICKS = 10;
/** Bandwidth the SFU grants each publisher (all simulcast layers together). */
const PUBLISHER_REMB_BPS = 3_000_000;

/**
 * One per room. Owns peers; routes every producer to every other peer's consumers; runs
 * active-speaker detection and periodic layer re-selection on one timer.
 * Close cascade: Router.close() → every Peer.close() → transports, producers, consumers.
 */
export class Router extends SafeEmitter<RouterEvents> {
  readonly peers = new Map<string, Peer>();
  readonly pipeProducers = new Map<string, PipeProducer>();
  private readonly pipes = new Map<string, RouterPipe>();
  /** Plain-RTP egresses by name: 'hls' (Spaces broadcast), 'rec-<id>' (recordings, with video). */
  private readonly egresses = new Map<string, { audio: AudioEgress; video: VideoEgress | null }>();
  /** What single-track viewers (WHEP) receive: the mixed audio and the main video, once started. */
  private viewerMedia: { audio: MixAudioSource; video: MainVideoSource; mixPort: number } | null = null;
  /** Microphone audio to the main thread for live captions, if started. */
  private captionTap: CaptionTap | null = null;
  readonly speaker = new ActiveSpeakerDetector();
  closed = false;
  private ticks = 0;
  private readonly lastQuality = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly id: string,
    private readonly net: TransportNetworkOptions,
    private readonly stats: MediaCounters = newCounters(),
  ) {
    super();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private tick(): void {
    const now = Date.now();
    const change = this.speaker.tick(now);
    if (change !== undefined) this.speakerChanged(change);
    for (const e of this.egresses.values()) e.video?.fillerTick();
    if (++this.ticks % LAYER_EVERY_TICKS === 0) {
      for (const e of this.egresses.values()) e.video?.tick();
      this.viewerMedia?.video.selector.tick();
      for (const peer of this.peers.values()) {
        for (const p of peer.producers.values()) {
          p.measure(now);
          p.sendRemb(PUBLISHER_REMB_BPS);
        }
      }
      for (const pp of this.pipeProducers.values()) pp.measure(now);
      for (const [id, peer] of this.peers) {
        peer.updateLayers();
        const q = peer.quality();
        if (q !== undefined && q !== this.lastQuality.get(id)) {
          this.lastQuality.set(id, q);
          this.safeEmit('quality', id, q);
        }
      }
    }
  }

  private speakerChanged(peerId: string | null): void {
    for (const e of this.egresses.values()) e.video?.setSpeaker(peerId);
    this.viewerMedia?.video.selector.setSpeaker(peerId);
    this.safeEmit('activespeaker', peerId);
  }

  private tapSource(source: MediaSource): void {
    for (const e of this.egresses.values()) {
      e.audio.add(source);
      e.video?.add(source);
    }
    this.captionTap?.add(source);
    this.viewerMedia?.video.selector.add(source);
  }

  peer(peerId: string): Peer {
    const p = this.peers.get(peerId);
    if (!p) throw new ConveneError('NOT_JOINED', 'no media session for this participant');
    return p;
  }

  createPeer(peerId: string): Peer {
    if (this.closed) throw new ConveneError('MEETING_ENDED', 'router closed');
    const old = this.peers.get(peerId);
    if (old) return old;
    const peer = new Peer(peerId, {
      net: this.net,
      onAudioLevel: (id, level) => this.speaker.addLevel(id, level),
      stats: this.stats,
      otherProducers: () => {
        const out: MediaSource[] = [];
        for (const [id, p] of this.peers) if (id !== peerId) out.push(...p.producers.values());
        for (const pp of this.pipeProducers.values()) if (pp.peerId !== peerId) out.push(pp);
        return out;
      },
    });
    peer.on('produceradded', (p) => {
      for (const pipe of this.pipes.values()) pipe.announce(p);
      this.tapSource(p);
      this.safeEmit('produceradded', peerId, p);
    });
    peer.on('producerclosed', (p) => {
      for (const pipe of this.pipes.values()) pipe.retire(p);
      this.safeEmit('producerclosed', peerId, p);
    });
    peer.on('transportstate', (d, s) => {
      this.lastQuality.delete(peerId); // re-report the RTCP-based score after the coarse one
      this.safeEmit('transportstate', peerId, d, s);
    });
    this.peers.set(peerId, peer);
    return peer;
  }

  closePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    peer.close(); // emits producerclosed for each of its producers
    this.lastQuality.delete(peerId);
    const change = this.speaker.remove(peerId);
    if (change !== undefined) this.speakerChanged(change);
  }

  /** Join another router of the same room through `port` (the other end is given to that router). */
  connectPipe(remoteRouterId: string, port: MessagePort): void {
    if (this.closed || this.pipes.has(remoteRouterId)) return;
    const host: PipeHost = {
      localProducers: () => [...this.peers.values()].flatMap((p) => [...p.producers.values()]),
      addPipeProducer: (pp) => {
        this.pipeProducers.set(pp.id, pp);
        this.tapSource(pp);
        this.safeEmit('remoteproducer');
      },
      removePipeProducer: (id) => {
        const pp = this.pipeProducers.get(id);
        if (!pp) return;
        this.pipeProducers.delete(id);
        pp.close();
        this.safeEmit('remoteproducer');
      },
      pipeProducerOptions: (id, peerId, kind, source, height, codec) => ({
        id,
        peerId,
        kind,
        source,
        height,
        codec,
        stats: this.stats,
        onAudioLevel: (pid, level) => this.speaker.addLevel(pid, level),
      }),
    };
    this.pipes.set(remoteRouterId, new RouterPipe(remoteRouterId, port, host));
  }

  /**
   * Every audio source of the room (local and piped), now and later, to plain RTP on `ports`;
   * with `videoPort`, also the room's main video (VideoEgress) to that port. Replaces an egress of
   * the same name.
   */
  startAudioEgress(name: string, host: string, ports: number[], videoPort?: number, videoOpts: { filler?: boolean; maxHeight?: number | undefined } = {}): void {
    if (this.closed) throw new ConveneError('MEETING_ENDED', 'router closed');
    this.stopAudioEgress(name);
    const audio = new AudioEgress({ host, ports });
    const video = videoPort !== undefined ? new VideoEgress({ host, port: videoPort, filler: videoOpts.filler ?? false, maxHeight: videoOpts.maxHeight }) : null;
    video?.setSpeaker(this.speaker.speaker);
    this.egresses.set(name, { audio, video });
    for (const peer of this.peers.values()) for (const p of peer.producers.values()) this.tapSource(p);
    for (const pp of this.pipeProducers.values()) this.tapSource(pp);
  }

  /**
   * Sources for single-track viewers: the room's main video (MainVideoSource) and its mixed
   * audio (MixAudioSource, fed by the main thread's mixer on the returned loopback port).
   */
  async startViewerMedia(): Promise<{ mixPort: number }> {
    if (this.closed) throw new ConveneError('MEETING_ENDED', 'router closed');
    if (this.viewerMedia) return { mixPort: this.viewerMedia.mixPort };
    const base = { peerId: '__room__', height: undefined, stats: this.stats, onAudioLevel: () => undefined };
    const audio = new MixAudioSource({ ...base, id: `${this.id}:mix`, kind: 'audio', source: 'microphone' });
    const video = new MainVideoSource({ ...base, id: `${this.id}:main`, kind: 'video', source: 'camera' });
    const mixPort = await audio.bind();
    if (this.closed || this.viewerMedia) {
      audio.close();
      video.close();
      return this.startViewerMedia();
    }
    this.viewerMedia = { audio, video, mixPort };
    video.selector.setSpeaker(this.speaker.speaker);
    for (const peer of this.peers.values()) for (const p of peer.producers.values()) video.selector.add(p);
    for (const pp of this.pipeProducers.values()) video.selector.add(pp);
    return { mixPort };
  }

  /** A viewer (WHEP): its client offer for one audio and one video track in, our answer out. */
  async view(peerId: string, offerSdp: string): Promise<string> {
    const v = this.viewerMedia;
    if (!v) throw new ConveneError('BAD_REQUEST', 'viewer media not started');
    return this.createPeer(peerId).view(offerSdp, { audio: v.audio, video: v.video });
  }

  startCaptionTap(): void {
    if (this.closed) throw new ConveneError('MEETING_ENDED', 'router closed');
    if (this.captionTap) return;
    const tap = new CaptionTap((peerId, payload) => this.safeEmit('audiopacket', peerId, payload));
    for (const peer of this.peers.values()) for (const p of peer.producers.values()) tap.add(p);
    for (const pp of this.pipeProducers.values()) tap.add(pp);
    this.captionTap = tap;
  }

  stopCaptionTap(): void {
    this.captionTap?.close();
    this.captionTap = null;
  }

  stopAudioEgress(name: string): void {
    const e = this.egresses.get(name);
    if (!e) return;
    this.egresses.delete(name);
    e.audio.close();
    e.video?.close();
  }

  audioEgressState(name: string): ReturnType<AudioEgress['state']> | null {
    return this.egresses.get(name)?.audio.state() ?? null;
  }

  setSourcePaused(peerId: string, source: Source, paused: boolean): void {
    this.peer(peerId).setSourcePaused(source, paused);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const name of [...this.egresses.keys()]) this.stopAudioEgress(name);
    this.stopCaptionTap();
    this.viewerMedia?.audio.close();
    this.viewerMedia?.video.close();
    this.viewerMedia = null;
    for (const pipe of this.pipes.values()) pipe.close();
    this.pipes.clear();
    for (const id of [...this.peers.keys()]) this.closePeer(id);
    this.safeEmit('close');
    this.removeAllListeners();
  }
}
