/**
 * Node participants for integration tests and benchmarks: real WebRTC (libwebrtc via
 * @roamhq/wrtc) through the SDK, publishing a synthetic camera (moving pattern) and a tone,
 * counting decoded frames and audio energy per remote participant.
 */
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { ApiClient, MeetingSession, type RemoteTrack } from '@convene/sdk';

const { nonstandard } = wrtc as unknown as { nonstandard: Nonstandard };
interface Nonstandard {
  RTCVideoSource: new () => { createTrack(): MediaStreamTrack; onFrame(f: { width: number; height: number; data: Uint8ClampedArray }): void };
  RTCVideoSink: new (t: MediaStreamTrack) => { onframe: ((e: { frame: { width: number; height: number } }) => void) | null; stop(): void };
  RTCAudioSource: new () => { createTrack(): MediaStreamTrack; onData(d: AudioData): void };
  RTCAudioSink: new (t: MediaStreamTrack) => { ondata: ((d: AudioData) => void) | null; stop(): void };
}
interface AudioData {
  samples: Int16Array;
  sampleRate: number;
  bitsPerSample: number;
  channelCount: number;
  numberOfFrames: number;
}

let userSeq = 0;
export async function createUser(baseUrl: string, prefix = 'bot'): Promise<{ api: ApiClient; token: string; handle: string }> {
  const api = new ApiClient(baseUrl);
  const handle = `${prefix}_${process.pid % 10000}_${++userSeq}_${Math.floor(Math.random() * 1e6)}`.slice(0, 30);
  const r = await api.signUp({ handle, password: 'correct horse battery', displayName: `Bot ${userSeq}` });
  return { api, token: r.token, handle };
}

export interface BotOptions {
  code?: string;
  video?: { width: number; height: number; fps: number } | false;
  audio?: { frequency: number } | false;
  /** Records every raw signalling frame this participant receives. */
  recordFrames?: boolean;
  /** Rewrites the SDP offers of the receiving connection before the SDK sees them (network tests). */
  rewriteSubscribeSdp?: (sdp: string) => string;
  /** Rewrites the SDP this participant sends (its publish offers, its subscribe answers) before the server sees it. */
  rewriteSentSdp?: (method: 'publish' | 'subscribeAnswer', sdp: string) => string;
  /** 'relay': media only through the TURN relay the server offers. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The SDK's watchdog for a peer connection stuck in 'connecting' (default 20 s). */
  connectTimeoutMs?: number;
}

export class Bot {
  readonly framesFrom = new Map<string, number>();
  /** Decoded screen-share frames per participant (camera frames are in framesFrom). */
  readonly screenFramesFrom = new Map<string, number>();
  readonly audioEnergyFrom = new Map<string, number>();
  readonly firstFrameAt = new Map<string, number>();
  readonly lastFrameSize = new Map<string, { width: number; height: number }>();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly sinks: { stop(): void }[] = [];
  private readonly tracks: MediaStreamTrack[] = [];
  joinedAt = 0;
  /** The synthetic microphone sends its tone while true, digital silence while false. */
  speaking = true;

  private constructor(
    readonly session: MeetingSession,
    readonly handle: string,
    /** Raw signalling frames received (when recordFrames is set). */
    readonly received: string[],
  ) {
    session.on('trackAdded', (t) => this.attach(t));
  }

  static async join(baseUrl: string, user: { token: string; handle: string }, meetingId: string, opts: BotOptions = {}): Promise<Bot> {
    const received: string[] = [];
    const t0 = Date.now();
    const session = await MeetingSession.join({
      baseUrl,
      meetingId,
      token: user.token,
      ...(opts.code ? { code: opts.code } : {}),
      ...(opts.iceTransportPolicy ? { iceTransportPolicy: opts.iceTransportPolicy } : {}),
      ...(opts.connectTimeoutMs ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
      webrtc: wrtc as unknown as { RTCPeerConnection: typeof RTCPeerConnection },
      createWebSocket: (url) => {
        const ws = new WebSocket(url, { headers: { authorization: `Bearer ${user.token}` } });
        if (opts.recordFrames) ws.on('message', (d) => received.push(String(d)));
        const rewrite = opts.rewriteSubscribeSdp;
        const rewriteSent = opts.rewriteSentSdp;
        if (!rewrite && !rewriteSent) return ws as never;
        // Intercept responses that carry a subscribe offer ({ sdp, consumers }).
        return new Proxy(ws, {
          set(target, prop, value: unknown) {
            if (rewrite && prop === 'onmessage' && typeof value === 'function') {
              const handler = value as (ev: { data: unknown }) => void;
              (target as unknown as Record<string, unknown>).onmessage = (ev: { data: unknown }) => {
                const f = JSON.parse(String(ev.data)) as { data?: { sdp?: string; consumers?: unknown } };
                if (f.data?.consumers && f.data.sdp) f.data.sdp = rewrite(f.data.sdp);
                handler({ data: JSON.stringify(f) });
              };
              return true;
            }
            return Reflect.set(target, prop, value);
          },
          get(target, prop) {
            if (prop === 'send') {
              return (text: string) => {
                const f = JSON.parse(text) as { method?: string; data?: { sdp?: string } };
                // Rewritten offers: our answers then carry no candidates, so the server only learns the relay's address.
                if (rewrite && f.method === 'subscribeAnswer' && f.data?.sdp) {
                  f.data.sdp = f.data.sdp
                    .split('\r\n')
                    .filter((l) => !l.startsWith('a=candidate:'))
                    .join('\r\n');
                }
                if (rewriteSent && (f.method === 'publish' || f.method === 'subscribeAnswer') && f.data?.sdp) f.data.sdp = rewriteSent(f.method, f.data.sdp);
                target.send(JSON.stringify(f));
              };
            }
            const v = Reflect.get(target, prop) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }) as never;
      },
      log: () => undefined,
    });
    const bot = new Bot(session, user.handle, received);
    bot.joinedAt = t0;
    for (const t of session.remoteTracks.values()) bot.attach(t);
    if (opts.video !== false) await bot.publishVideo(opts.video ?? { width: 640, height: 360, fps: 15 });
    if (opts.audio !== false) await bot.publishAudio(opts.audio ?? { frequency: 440 });
    return bot;
  }

  private attach(t: RemoteTrack): void {
    const pid = t.participantId;
    if (t.kind === 'video' && t.source === 'screen') {
      const sink = new nonstandard.RTCVideoSink(t.track);
      sink.onframe = () => this.screenFramesFrom.set(pid, (this.screenFramesFrom.get(pid) ?? 0) + 1);
      this.sinks.push(sink);
    } else if (t.kind === 'video') {
      const sink = new nonstandard.RTCVideoSink(t.track);
      sink.onframe = ({ frame }) => {
        if (!this.firstFrameAt.has(pid)) this.firstFrameAt.set(pid, Date.now());
        this.framesFrom.set(pid, (this.framesFrom.get(pid) ?? 0) + 1);
        this.lastFrameSize.set(pid, { width: frame.width, height: frame.height });
      };
      this.sinks.push(sink);
    } else {
      const sink = new nonstandard.RTCAudioSink(t.track);
      sink.ondata = (d) => {
        let sum = 0;
        for (let i = 0; i < d.samples.length; i += 4) sum += Math.abs(d.samples[i]!);
        this.audioEnergyFrom.set(pid, (this.audioEnergyFrom.get(pid) ?? 0) + sum / (d.samples.length / 4));
      };
      this.sinks.push(sink);
    }
  }

  async publishVideo(v: { width: number; height: number; fps: number }): Promise<void> {
    const source = new nonstandard.RTCVideoSource();
    const track = source.createTrack();
    this.tracks.push(track);
    const { width, height } = v;
    const data = new Uint8ClampedArray(width * height * 1.5);
    data.fill(128);
    let n = 0;
    const push = () => {
      n++;
      // Moving bars plus a small noisy block: realistic encoder load, steady frame rate.
      for (let y = 0; y < height; y += 8) data.fill((n * 4 + y) & 255, y * width, y * width + width);
      for (let i = 0; i < 256; i++) data[(i >> 4) * width + (i & 15) + ((n * 2) % (width - 16))] = (i * n) & 255;
      source.onFrame({ width, height, data });
    };
    push();
    this.timers.push(setInterval(push, 1000 / v.fps));
    await this.session.publishCamera(track, { height });
  }

  /** A second video track as a screen share (single layer, no simulcast). */
  async publishScreen(v: { width: number; height: number; fps: number }): Promise<void> {
    const source = new nonstandard.RTCVideoSource();
    const track = source.createTrack();
    this.tracks.push(track);
    const data = new Uint8ClampedArray(v.width * v.height * 1.5).fill(200);
    let n = 0;
    const push = () => {
      n++;
      data.fill(n & 255, 0, v.width * 8); // a moving band so the encoder keeps sending
      source.onFrame({ width: v.width, height: v.height, data });
    };
    push();
    this.timers.push(setInterval(push, 1000 / v.fps));
    await this.session.publishScreen(track);
  }

  async publishAudio(a: { frequency: number }): Promise<void> {
    const source = new nonstandard.RTCAudioSource();
    const track = source.createTrack();
    this.tracks.push(track);
    const samples = new Int16Array(480);
    let phase = 0;
    this.timers.push(
      setInterval(() => {
        const amp = this.speaking ? 8000 : 0;
        for (let i = 0; i < 480; i++) samples[i] = Math.round(Math.sin((phase++ * 2 * Math.PI * a.frequency) / 48000) * amp);
        source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
      }, 10),
    );
    await this.session.publishMicrophone(track);
  }

  /**
   * A microphone that says what it is given: `say(pcm48k)` queues speech (48 kHz mono), played
   * in real time; digital silence in between.
   */
  async publishVoice(): Promise<{ say: (pcm: Int16Array) => Promise<void> }> {
    const source = new nonstandard.RTCAudioSource();
    const track = source.createTrack();
    this.tracks.push(track);
    const queue: { pcm: Int16Array; at: number; done: () => void }[] = [];
    const frame = new Int16Array(480);
    this.timers.push(
      setInterval(() => {
        frame.fill(0);
        const cur = queue[0];
        if (cur) {
          const n = Math.min(480, cur.pcm.length - cur.at);
          frame.set(cur.pcm.subarray(cur.at, cur.at + n));
          cur.at += n;
          if (cur.at >= cur.pcm.length) {
            queue.shift();
            cur.done();
          }
        }
        source.onData({ samples: frame, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
      }, 10),
    );
    await this.session.publishMicrophone(track);
    return { say: (pcm) => new Promise<void>((done) => queue.push({ pcm, at: 0, done })) };
  }

  frames(pid: string): number {
    return this.framesFrom.get(pid) ?? 0;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sinks) s.stop();
    await this.session.leave();
    for (const t of this.tracks) t.stop();
  }
}

/** Poll `pred` every 50 ms until true or throw after `ms` with `what`. */
export async function eventually(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
