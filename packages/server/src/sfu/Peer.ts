import { randomUUID } from 'node:crypto';
import sdpTransform from 'sdp-transform';
import type { ConsumerInfo, PublishedTrack, Source } from '@convene/protocol';
import { ConveneError } from '@convene/protocol';
import { normalizeClientSdp } from './clientSdp.ts';
import { AUDIO_LEVEL_URI, videoCodecOf, videoCodecs, type TransportNetworkOptions } from './codecs.ts';
import type { IngressTrack } from './ingress/RtpIngress.ts';
import { Consumer } from './Consumer.ts';
import type { MediaCounters } from './counters.ts';
import { Downlink } from './Downlink.ts';
import { SafeEmitter } from './events.ts';
import type { MediaSource } from './MediaSource.ts';
import { Producer } from './Producer.ts';
import { qualityScore } from './quality.ts';
import { WebRtcTransport, type TransportState } from './WebRtcTransport.ts';

type PeerEvents = {
  produceradded: [Producer];
  producerclosed: [Producer];
  transportstate: ['send' | 'recv', TransportState];
  close: [];
};

export interface PeerHooks {
  net: TransportNetworkOptions;
  onAudioLevel: (peerId: string, level: number) => void;
  stats: MediaCounters;
  /** Producers of the other peers in the room (local ones and those piped from other routers). */
  otherProducers: () => MediaSource[];
}

/**
 * A participant's media presence in a Router: a send transport (their producers) and a recv
 * transport (consumers of everyone else's producers). Close cascade: Peer.close() closes both
 * transports, every producer (which closes its consumers elsewhere) and every own consumer.
 */
export class Peer extends SafeEmitter<PeerEvents> {
  sendTransport: WebRtcTransport | null = null;
  recvTransport: WebRtcTransport | null = null;
  readonly producers = new Map<string, Producer>();
  /** By producer id. */
  readonly consumers = new Map<string, Consumer>();
  private readonly producerByMid = new Map<string, Producer>();
  private negotiated = new Set<Consumer>();
  /** The recv transport's bandwidth, shared out over the video this participant receives. */
  private readonly downlink = new Downlink();
  closed = false;

  constructor(
    readonly id: string,
    private readonly hooks: PeerHooks,
  ) {
    super();
  }

  /** The participant's offer for what they send; returns our answer. */
  async publish(clientOffer: string, tracks: PublishedTrack[]): Promise<string> {
    this.assertOpen();
    const offerSdp = normalizeClientSdp(clientOffer);
    const t = (this.sendTransport ??= this.createTransport('send'));
    const parsed = sdpTransform.parse(offerSdp);
    let answer: string;
    try {
      answer = await t.answer(offerSdp);
    } catch (err) {
      throw new ConveneError('NEGOTIATION_FAILED', 'could not apply the publish offer', { cause: err });
    }
    const byMid = new Map(tracks.map((x) => [x.mid, x]));
    const answered = sdpTransform.parse(answer);
    for (const m of parsed.media) {
      const mid = m.mid === undefined ? undefined : String(m.mid);
      if (mid === undefined) continue;
      const sending = m.port !== 0 && (m.direction === 'sendonly' || m.direction === 'sendrecv');
      const existing = this.producerByMid.get(mid);
      const meta = byMid.get(mid);
      if (!sending || !meta) {
        if (existing) this.closeProducer(existing);
        continue;
      }
      if (existing) continue;
      const transceiver = t.pc.getTransceivers().find((x) => x.mid === mid);
      if (!transceiver || (m.type !== 'audio' && m.type !== 'video')) continue;
      const levelExt = m.ext?.find((e) => e.uri === AUDIO_LEVEL_URI);
      const producer = new Producer({
        id: randomUUID(),
        peerId: this.id,
        kind: m.type,
        source: meta.source,
        transceiver,
        height: meta.height,
        audioLevelId: levelExt?.value,
        simulcast: (m.rids?.length ?? 0) > 0,
        codec: m.type === 'video' ? videoCodecOfMid(answered, mid) : undefined,
        onAudioLevel: this.hooks.onAudioLevel,
        stats: this.hooks.stats,
      });
      this.producers.set(producer.id, producer);
      this.producerByMid.set(mid, producer);
      t.ingress?.add(ingressTrack(mid, m, producer), transceiver.receiver.dtlsTransport);
      this.safeEmit('produceradded', producer);
    }
    return answer;
  }

  private closeProducer(p: Producer): void {
    this.sendTransport?.ingress?.remove(p);
    this.producers.delete(p.id);
    for (const [mid, x] of this.producerByMid) if (x === p) this.producerByMid.delete(mid);
    p.close();
    this.safeEmit('producerclosed', p);
  }

  /** Stop publishing everything (the member left the stage); receiving is untouched. */
  closeProducers(): void {
    for (const p of [...this.producers.values()]) this.closeProducer(p);
  }

  setSourcePaused(source: Source, paused: boolean): void {
    for (const p of this.producers.values()) if (p.source === source) p.paused = paused;
  }

  /** Build an offer that adds m-lines for new producers and retires those of closed ones. */
  async subscribe(iceRestart = false): Promise<{ sdp: string; consumers: ConsumerInfo[] }> {
    this.assertOpen();
    // Nothing to receive yet: no transport either (an offer without m-lines cannot start ICE).
    if (!this.recvTransport && !this.hooks.otherProducers().some((p) => !p.closed)) return { sdp: '', consumers: [] };
    const t = (this.recvTransport ??= this.createTransport('recv'));
    const { sdp } = await t.offer(() => {
      for (const [pid, c] of this.consumers) {
        if (c.closed || c.producer.closed) {
          this.consumers.delete(pid);
          c.close();
          c.transceiver.stop(); // next offer retires the m-line (port 0)
        }
      }
      for (const p of this.hooks.otherProducers()) {
        if (this.consumers.has(p.id) || p.closed) continue;
        const transceiver = t.pc.addTransceiver(p.kind, { direction: 'sendonly' });
        // The subscriber gets exactly the producer's codec on this m-line (no transcoding).
        if (p.kind === 'video') transceiver.setCodecPreferences(videoCodecs(p.codec));
        const c = new Consumer({ id: randomUUID(), producer: p, subscriberId: this.id, transceiver, stats: this.hooks.stats, downlink: this.downlink });
        this.consumers.set(p.id, c);
      }
    }, iceRestart);
    const infos: ConsumerInfo[] = [];
    for (const c of this.consumers.values()) {
      const mid = c.mid;
      if (mid === undefined) continue;
      infos.push({ consumerId: c.id, producerId: c.producer.id, participantId: c.producer.peerId, mid, kind: c.kind, source: c.producer.source });
    }
    return { sdp: withMsids(sdp, infos), consumers: infos };
  }

  async subscribeAnswer(answerSdp: string): Promise<void> {
    this.assertOpen();
    const t = this.recvTransport;
    if (!t) throw new ConveneError('BAD_REQUEST', 'no subscription offer outstanding');
    try {
      await t.applyAnswer(normalizeClientSdp(answerSdp));
    } catch (err) {
      throw new ConveneError('NEGOTIATION_FAILED', 'could not apply the subscribe answer', { cause: err });
    }
    this.negotiated = new Set(this.consumers.values());
    if (t.state === 'connected') for (const c of this.negotiated) c.start();
  }

  /** Tile sizes from the client; the downlink is shared out again at once (bigger tiles first). */
  setViewport(tiles: { consumerId: string; width: number; height: number }[]): void {
    const byId = new Map([...this.consumers.values()].map((c) => [c.id, c]));
    for (const tile of tiles) {
      const c = byId.get(tile.consumerId);
      if (c) c.viewport = { width: tile.width, height: tile.height };
    }
    this.pickLayers();
  }

  /**
   * A viewer's client offer (WHEP): its first audio and first video m-line that want to receive
   * get the given sources; the answer carries only our candidates. One offer per peer.
   */
  async view(clientOffer: string, sources: { audio: MediaSource; video: MediaSource }): Promise<string> {
    this.assertOpen();
    if (this.recvTransport) throw new ConveneError('BAD_REQUEST', 'this viewer already has a session');
    let parsed: sdpTransform.SessionDescription;
    let offerSdp: string;
    try {
      offerSdp = normalizeClientSdp(clientOffer);
      parsed = sdpTransform.parse(offerSdp);
    } catch (err) {
      throw new ConveneError('BAD_REQUEST', 'not an SDP offer', { cause: err });
    }
    const t = (this.recvTransport = this.createTransport('recv'));
    const wanted = new Set<'audio' | 'video'>();
    for (const m of parsed.media ?? []) {
      const receives = m.port !== 0 && (m.direction === 'recvonly' || m.direction === 'sendrecv' || m.direction === undefined);
      if ((m.type === 'audio' || m.type === 'video') && receives) wanted.add(m.type);
    }
    if (wanted.size === 0) throw new ConveneError('BAD_REQUEST', 'the offer receives no audio or video (WHEP offers are recvonly)');
    const made: Consumer[] = [];
    // Transceivers first: the offer's m-lines of the same kind attach to them (RFC 8829 §5.10).
    for (const kind of wanted) {
      const transceiver = t.pc.addTransceiver(kind, { direction: 'sendonly' });
      const c = new Consumer({ id: randomUUID(), producer: sources[kind], subscriberId: this.id, transceiver, stats: this.hooks.stats, downlink: this.downlink });
      this.consumers.set(sources[kind].id, c);
      made.push(c);
    }
    let answer: string;
    try {
      answer = await t.answer(offerSdp);
    } catch (err) {
      throw new ConveneError('NEGOTIATION_FAILED', 'could not answer the offer', { cause: err });
    }
    const infos: ConsumerInfo[] = [];
    for (const c of made) {
      if (c.mid !== undefined) infos.push({ consumerId: c.id, producerId: c.producer.id, participantId: 'convene', mid: c.mid, kind: c.kind, source: c.producer.source });
    }
    this.negotiated = new Set(made);
    if (t.state === 'connected') for (const c of made) c.start();
    return withMsids(answer, infos);
  }

  /** 0–5 from the worst stream the participant receives (their downlink); undefined without reports. */
  quality(): number | undefined {
    let worst: number | undefined;
    for (const c of this.consumers.values()) {
      const { loss, rtt } = c.linkStats;
      if (loss === undefined) continue;
      const q = qualityScore(loss, rtt);
      worst = worst === undefined ? q : Math.min(worst, q);
    }
    if (this.recvTransport?.state === 'failed' || this.sendTransport?.state === 'failed') return 0;
    return worst;
  }

  /** Periodic: re-pick every video consumer's layer from fresh bitrates and the downlink's estimate; sender reports. */
  updateLayers(): void {
    this.pickLayers();
    for (const c of this.consumers.values()) c.sendReport();
  }

  /** Each video consumer's layer, from tile sizes and its share of the downlink (Downlink.allocate). */
  private pickLayers(): void {
    const now = Date.now();
    const video: Consumer[] = [];
    let audioBps = 0;
    for (const c of this.consumers.values()) {
      if (c.closed) continue;
      if (c.kind === 'video') video.push(c);
      else audioBps += c.producer.layerInfos()[0]?.bitrate ?? 0;
    }
    const demands = video.map((c) => c.demand(now));
    const caps = this.downlink.allocate(now, demands, audioBps);
    video.forEach((c, i) => c.updateTarget(caps[i], demands[i]!.layers));
  }

  private createTransport(direction: 'send' | 'recv'): WebRtcTransport {
    const t = new WebRtcTransport(randomUUID(), direction, this.hooks.net);
    t.on('statechange', (s) => {
      this.safeEmit('transportstate', direction, s);
      if (direction === 'recv' && s === 'connected') for (const c of this.negotiated) c.start();
    });
    return t;
  }

  private assertOpen(): void {
    if (this.closed) throw new ConveneError('NOT_JOINED', 'media session closed');
  }

  /** Drop both transports (e.g. before a full reconnect) but keep the peer in the router. */
  resetTransports(): void {
    for (const p of [...this.producers.values()]) this.closeProducer(p);
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.negotiated.clear();
    this.downlink.reset();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
  }

  close(): void {
    if (this.closed) return;
    this.resetTransports();
    this.closed = true;
    this.safeEmit('close');
    this.removeAllListeners();
  }
}

function videoCodecOfMid(answer: sdpTransform.SessionDescription, mid: string) {
  const m = answer.media.find((x) => String(x.mid) === mid);
  return videoCodecOf(m?.rtp ?? [], m?.payloads);
}

/**
 * Give every sendonly m-line an msid (stream = publishing participant, track = consumer id):
 * libwebrtc needs one to group the primary and RTX SSRCs into a single track.
 * https://www.rfc-editor.org/rfc/rfc8830#section-2
 */
function withMsids(sdp: string, consumers: ConsumerInfo[]): string {
  const byMid = new Map(consumers.map((c) => [c.mid, c]));
  const parsed = sdpTransform.parse(sdp);
  for (const m of parsed.media) {
    const c = m.mid === undefined ? undefined : byMid.get(String(m.mid));
    if (!c || m.direction !== 'sendonly') continue;
    (m as { msid?: unknown }).msid = [{ id: c.participantId, appdata: c.consumerId }];
    if (m.ssrcs) m.ssrcs = m.ssrcs.filter((x) => x.attribute === 'cname');
  }
  return sdpTransform.write(parsed);
}

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const RRID_URI = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';

/** What the send transport's RtpIngress needs to route and receive one published m-line. */
function ingressTrack(mid: string, m: sdpTransform.MediaDescription, producer: Producer): IngressTrack {
  const ext = (uri: string): number => m.ext?.find((e) => e.uri === uri)?.value ?? 0;
  const rtx = (m.rtp ?? []).filter((r) => r.codec.toLowerCase() === 'rtx').map((r) => r.payload);
  return {
    mid,
    target: producer,
    rtxPayloadTypes: rtx,
    clockRate: m.type === 'audio' ? 48000 : 90000,
    // VP8 is negotiated with nack (codecs.ts); audio without.
    nack: m.type === 'video',
    extensionIds: { mid: ext(MID_URI), rid: ext(RID_URI), rrid: ext(RRID_URI), audioLevel: ext(AUDIO_LEVEL_URI) },
  };
}
