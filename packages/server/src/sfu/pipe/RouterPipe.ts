import type { MessagePort } from 'node:worker_threads';
import type { RtpPacket } from 'werift';
import type { VideoCodec } from '../codecs.ts';
import type { Source } from '@convene/protocol';
import type { MediaSource, PacketTap } from '../MediaSource.ts';
import { Producer } from '../Producer.ts';
import { PipeProducer } from './PipeProducer.ts';

/** Wire format between two routers of one room (arrays: cheap to structured-clone). */
export type PipeMessage =
  | ['add', id: string, peerId: string, kind: 'audio' | 'video', source: Source, height: number, simulcast: boolean, codec: VideoCodec]
  | ['close', id: string]
  | ['rtp', id: string, rank: number, key: boolean, level: number, seq: number, ts: number, marker: boolean, ssrc: number, payload: ArrayBuffer]
  | ['pli', id: string, rank: number];

export interface PipeHost {
  localProducers(): Producer[];
  addPipeProducer(p: PipeProducer): void;
  removePipeProducer(id: string): void;
  pipeProducerOptions(id: string, peerId: string, kind: 'audio' | 'video', source: Source, height: number, codec: VideoCodec): ConstructorParameters<typeof PipeProducer>[0];
}

/**
 * One end of a pipe between two routers of the same room (like mediasoup's pipeToRouter).
 * Outbound: every local Producer is announced and its packets copied to the other side, once per
 * pipe however many consumers are there. Inbound: the other side's producers become
 * PipeProducers here. RTP payloads travel as transferred ArrayBuffers (no extra copy).
 */
export class RouterPipe implements PacketTap {
  private readonly remote = new Map<string, PipeProducer>();
  private closed = false;

  constructor(
    readonly remoteRouterId: string,
    private readonly port: MessagePort,
    private readonly host: PipeHost,
  ) {
    port.on('message', (m: PipeMessage) => this.onMessage(m));
    for (const p of host.localProducers()) this.announce(p);
  }

  announce(p: Producer): void {
    if (this.closed || p.closed) return;
    p.taps.add(this);
    this.port.postMessage(['add', p.id, p.peerId, p.kind, p.source, p.height ?? 0, p.simulcast, p.codec] satisfies PipeMessage);
  }

  retire(p: MediaSource): void {
    p.taps.delete(this);
    if (!this.closed) this.port.postMessage(['close', p.id] satisfies PipeMessage);
  }

  /** Hot path: one postMessage per packet per pipe. */
  packet(source: MediaSource, rank: number, rtp: RtpPacket, key: boolean, level: number): void {
    if (this.closed) return;
    const pl = rtp.payload;
    const ab = pl.buffer.slice(pl.byteOffset, pl.byteOffset + pl.byteLength) as ArrayBuffer;
    const h = rtp.header;
    const msg: PipeMessage = ['rtp', source.id, rank, key, level, h.sequenceNumber, h.timestamp, h.marker, h.ssrc, ab];
    this.port.postMessage(msg, [ab]);
  }

  private onMessage(m: PipeMessage): void {
    if (this.closed) return;
    switch (m[0]) {
      case 'rtp': {
        const p = this.remote.get(m[1]);
        if (!p) return;
        const rtp = { header: { sequenceNumber: m[5], timestamp: m[6], marker: m[7], ssrc: m[8], extensions: [] }, payload: Buffer.from(m[9]) } as unknown as RtpPacket;
        p.receive(m[2], rtp, m[3], m[4]);
        return;
      }
      case 'add': {
        const [, id, peerId, kind, source, height, simulcast, codec] = m;
        if (this.remote.has(id)) return;
        const p = new PipeProducer(this.host.pipeProducerOptions(id, peerId, kind, source, height, codec), simulcast, (pid, rank) => {
          if (!this.closed) this.port.postMessage(['pli', pid, rank] satisfies PipeMessage);
        });
        this.remote.set(id, p);
        this.host.addPipeProducer(p);
        return;
      }
      case 'close':
        if (this.remote.delete(m[1])) this.host.removePipeProducer(m[1]);
        return;
      case 'pli': {
        const p = this.host.localProducers().find((x) => x.id === m[1]);
        p?.requestKeyFrameRank(m[2]);
        return;
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.host.localProducers()) p.taps.delete(this);
    for (const id of this.remote.keys()) this.host.removePipeProducer(id);
    this.remote.clear();
    this.port.close();
  }
}
