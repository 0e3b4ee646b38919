/**
 * Spatial audio, the Web Audio part. One AudioContext per page, created only once spatial audio
 * is on (or a test asks for metering). Per remote audio track:
 *
 *   MediaStreamAudioSourceNode → GainNode (fades) → PannerNode → master GainNode → destination
 *
 * Every remote track also plays through its own <audio> element (AudioSink), which the engine
 * starts: some engines only feed a remote WebRTC stream to Web Audio while a media element plays
 * it. The element is muted only while the context runs and the track is routed through it; when
 * spatial audio is off, or the context is suspended (autoplay rules, Safari "interrupted", no
 * output device), the element is unmuted and plays as before. Autoplay rules can refuse either:
 * Chromium with `--autoplay-policy=user-gesture-required` lets the context run but rejects an
 * unmuted element's play() until the page has had a gesture. Whatever was refused (a suspended
 * context, a paused element) is retried on the first click, tap or key press, until it plays.
 *
 * Positions move with setTargetAtTime on positionX/Y/Z (a short JS tween of setPosition where
 * those AudioParams are missing), so layout changes glide instead of jumping.
 */
import { getSpatialMode, onSpatialMode } from './settings.ts';
import { azimuthFor, levelAt, panningModelFor, sourcePosition, type SpatialMode } from './spatial.ts';

/** Seconds: time constant of position moves (≈95 % after 3τ) and length of fades. */
const MOVE_TAU = 0.12;
const FADE = 0.04;
const FFT_SIZE = 8192;

interface Voice {
  participantId: string;
  track: MediaStreamTrack;
  element: HTMLAudioElement;
  source: MediaStreamAudioSourceNode | null;
  gain: GainNode | null;
  panner: PannerNode | null;
  /** Through the panner to the speakers (true) or only to the meter (false). */
  routed: boolean;
  azimuth: number | null;
  tween: ReturnType<typeof setInterval> | null;
}

export interface SpatialSnapshot {
  mode: SpatialMode;
  state: AudioContextState | 'none';
  voices: { participantId: string; x: number; azimuth: number | null; model: PanningModelType | null; routed: boolean; elementMuted: boolean; elementPaused: boolean }[];
}

export interface SpatialLevels extends SpatialSnapshot {
  sampleRate: number;
  /** dB per requested frequency, left and right channel of the final mix. */
  left: number[];
  right: number[];
}

declare global {
  interface Window {
    /** Test hook: what spatial audio does, and the left/right level of the mix at given frequencies. */
    __conveneSpatial?: { snapshot(): SpatialSnapshot; levels(freqs: number[]): SpatialLevels };
  }
}

/** An element that should play but does not (one whose track has ended has nothing to play). */
const paused = (v: Voice): boolean => v.element.paused && v.track.readyState !== 'ended';

type LegacyPanner = PannerNode & { setPosition?: (x: number, y: number, z: number) => void };

function audioContextClass(): typeof AudioContext | undefined {
  const g = globalThis as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext };
  return g.AudioContext ?? g.webkitAudioContext;
}

export class SpatialAudioEngine {
  private ctx: AudioContext | null = null;
  private master: GainNode | null = null;
  private meter: { left: AnalyserNode; right: AnalyserNode } | null = null;
  private masterToSpeakers = false;
  private readonly voices = new Set<Voice>();
  private readonly positions = new Map<string, number>();
  private mode: SpatialMode = getSpatialMode();
  private metering = false;
  private unlock: (() => void) | null = null;

  constructor() {
    onSpatialMode((m) => {
      this.mode = m;
      this.update();
    });
  }

  /** Plays `track` of `participantId` through `element` (its srcObject already set); returns detach. */
  attach(participantId: string, track: MediaStreamTrack, element: HTMLAudioElement): () => void {
    const v: Voice = { participantId, track, element, source: null, gain: null, panner: null, routed: false, azimuth: null, tween: null };
    this.voices.add(v);
    this.update();
    this.play(element);
    return () => {
      this.voices.delete(v);
      this.teardown(v);
      v.element.muted = false;
      this.update();
    };
  }

  /** Horizontal positions in [-1, 1] by participant id; missing ones are centred. */
  setPositions(positions: ReadonlyMap<string, number>): void {
    this.positions.clear();
    for (const [id, x] of positions) this.positions.set(id, x);
    for (const v of this.voices) this.place(v, false);
  }

  private get wanted(): boolean {
    return this.mode !== 'off' || this.metering;
  }

  /** Reconciles the graph with the mode, the context state and the attached tracks. */
  private update(): void {
    if (!this.wanted) {
      for (const v of this.voices) {
        this.teardown(v);
        v.element.muted = false;
      }
      if (this.ctx?.state === 'running') void this.ctx.suspend().catch(() => undefined);
      return;
    }
    const ctx = this.context();
    if (!ctx || !this.master) {
      for (const v of this.voices) v.element.muted = false;
      return;
    }
    if (ctx.state !== 'running') this.resumeSoon(ctx);
    const speakers = this.mode !== 'off';
    if (speakers !== this.masterToSpeakers) {
      if (speakers) this.master.connect(ctx.destination);
      else this.master.disconnect(ctx.destination);
      this.masterToSpeakers = speakers;
    }
    const running = ctx.state === 'running';
    for (const v of this.voices) {
      if (v.track.readyState === 'ended') {
        this.teardown(v);
        continue;
      }
      this.build(ctx, v);
      this.route(ctx, v, speakers);
      // The element is silent only while Web Audio really plays this track.
      v.element.muted = speakers && running && v.routed;
      this.place(v, false);
    }
  }

  private context(): AudioContext | null {
    if (this.ctx) return this.ctx;
    const AC = audioContextClass();
    if (!AC) return null;
    try {
      this.ctx = new AC({ latencyHint: 'interactive' });
    } catch {
      return null;
    }
    const ctx = this.ctx;
    const master = ctx.createGain();
    // Up-mix mono (a track routed around the panner, for the meter) to both channels.
    master.channelCount = 2;
    master.channelCountMode = 'explicit';
    master.channelInterpretation = 'speakers';
    this.master = master;
    ctx.addEventListener('statechange', () => this.update());
    return ctx;
  }

  /** Autoplay rules: resume now if allowed, else on the first user gesture. */
  private resumeSoon(ctx: AudioContext): void {
    void ctx.resume().catch(() => undefined);
    this.armUnlock();
  }

  /** Starts a paused element; if autoplay rules refuse, tries again on the first user gesture. */
  private play(element: HTMLAudioElement): void {
    if (!element.paused) return;
    element.play().catch(() => this.armUnlock());
  }

  /** Something autoplay rules hold back: a context that should run, or an element that is paused. */
  private get held(): boolean {
    const ctx = this.ctx;
    return (this.wanted && !!ctx && ctx.state !== 'running') || [...this.voices].some(paused);
  }

  /**
   * On every click, tap or key press until nothing is held back: resume the context and start
   * the paused elements (a gesture is what autoplay rules wait for).
   */
  private armUnlock(): void {
    if (this.unlock) return;
    const types = ['pointerdown', 'keydown', 'touchend'] as const;
    const unlock = () => {
      const ctx = this.ctx;
      const tries = [...this.voices].filter(paused).map((v) => v.element.play());
      if (ctx && this.wanted && ctx.state !== 'running') tries.push(ctx.resume());
      void Promise.allSettled(tries).then(() => {
        if (this.held || this.unlock !== unlock) return;
        for (const type of types) window.removeEventListener(type, unlock, true);
        this.unlock = null;
      });
    };
    this.unlock = unlock;
    for (const type of types) window.addEventListener(type, unlock, true);
  }

  private build(ctx: AudioContext, v: Voice): void {
    if (v.source) return;
    try {
      v.source = ctx.createMediaStreamSource(new MediaStream([v.track]));
    } catch {
      return; // e.g. a track without samples yet in some browsers: stays on the element.
    }
    v.gain = ctx.createGain();
    v.gain.gain.value = 0;
    const p = ctx.createPanner();
    p.distanceModel = 'inverse';
    p.refDistance = 1;
    p.rolloffFactor = 0;
    p.coneInnerAngle = 360;
    p.coneOuterAngle = 360;
    v.panner = p;
    v.source.connect(v.gain);
    v.routed = false;
    v.gain.connect(this.master!);
    const now = ctx.currentTime;
    v.gain.gain.setValueAtTime(0, now);
    v.gain.gain.linearRampToValueAtTime(1, now + FADE);
  }

  /** Through the panner (spatial on) or straight to the master (metering the unpanned mix). */
  private route(ctx: AudioContext, v: Voice, spatial: boolean): void {
    const { gain, panner } = v;
    if (!gain || !panner || !this.master) return;
    panner.panningModel = this.mode === 'off' ? 'equalpower' : panningModelFor(this.mode, this.voices.size, navigator.hardwareConcurrency);
    if (spatial === v.routed) return;
    gain.disconnect();
    if (spatial) {
      gain.connect(panner);
      panner.connect(this.master);
    } else {
      panner.disconnect();
      gain.connect(this.master);
    }
    v.routed = spatial;
    // A short fade in hides the switch-over from the element.
    const now = ctx.currentTime;
    gain.gain.cancelScheduledValues(now);
    gain.gain.setValueAtTime(0, now);
    gain.gain.linearRampToValueAtTime(1, now + FADE);
  }

  private place(v: Voice, immediate: boolean): void {
    const ctx = this.ctx;
    const p = v.panner as LegacyPanner | null;
    if (!ctx || !p || this.mode === 'off') return;
    const azimuth = azimuthFor(this.positions.get(v.participantId) ?? 0, this.mode);
    if (v.azimuth !== null && Math.abs(azimuth - v.azimuth) < 0.5) return;
    const jump = immediate || v.azimuth === null;
    const from = v.azimuth ?? azimuth;
    v.azimuth = azimuth;
    const [x, y, z] = sourcePosition(azimuth);
    const now = ctx.currentTime;
    if (p.positionX) {
      for (const [param, value] of [
        [p.positionX, x],
        [p.positionY, y],
        [p.positionZ, z],
      ] as const) {
        if (jump) {
          param.cancelScheduledValues(now);
          param.setValueAtTime(value, now);
        } else param.setTargetAtTime(value, now, MOVE_TAU);
      }
      return;
    }
    // Older engines without AudioParam positions: glide with a tween of setPosition.
    if (v.tween) clearInterval(v.tween);
    v.tween = null;
    if (jump || !p.setPosition) {
      p.setPosition?.(x, y, z);
      return;
    }
    const start = performance.now();
    const ms = MOVE_TAU * 3000;
    v.tween = setInterval(() => {
      const k = Math.min(1, (performance.now() - start) / ms);
      const [tx, ty, tz] = sourcePosition(from + (azimuth - from) * (1 - (1 - k) * (1 - k)));
      p.setPosition?.(tx, ty, tz);
      if (k >= 1 && v.tween) {
        clearInterval(v.tween);
        v.tween = null;
      }
    }, 16);
  }

  private teardown(v: Voice): void {
    if (v.tween) clearInterval(v.tween);
    v.tween = null;
    const { source, gain, panner } = v;
    v.source = v.gain = v.panner = null;
    v.routed = false;
    v.azimuth = null;
    if (!source || !gain || !panner) return;
    const ctx = this.ctx;
    const end = () => {
      source.disconnect();
      gain.disconnect();
      panner.disconnect();
    };
    if (ctx?.state !== 'running') return end();
    // Fade out, then disconnect: no click when a track leaves or spatial audio is turned off.
    const now = ctx.currentTime;
    gain.gain.cancelScheduledValues(now);
    gain.gain.setValueAtTime(gain.gain.value, now);
    gain.gain.linearRampToValueAtTime(0, now + FADE);
    setTimeout(end, FADE * 1000 + 30);
  }

  snapshot(): SpatialSnapshot {
    return {
      mode: this.mode,
      state: this.ctx?.state ?? 'none',
      voices: [...this.voices].map((v) => ({
        participantId: v.participantId,
        x: this.positions.get(v.participantId) ?? 0,
        azimuth: v.azimuth,
        model: v.panner?.panningModel ?? null,
        routed: v.routed,
        elementMuted: v.element.muted,
        elementPaused: v.element.paused,
      })),
    };
  }

  /**
   * Left/right level of the final mix at each frequency (dB). Starts metering on first use: a
   * ChannelSplitter feeding one AnalyserNode per channel. With spatial audio off, the tracks are
   * metered unpanned (what the <audio> elements play: mono on both channels), never to the speakers.
   */
  levels(freqs: number[]): SpatialLevels {
    if (!this.metering) {
      this.metering = true;
      this.update();
    }
    const ctx = this.ctx;
    if (ctx && this.master && !this.meter) {
      const split = ctx.createChannelSplitter(2);
      const mk = () => {
        const a = ctx.createAnalyser();
        a.fftSize = FFT_SIZE;
        a.smoothingTimeConstant = 0.5;
        return a;
      };
      this.meter = { left: mk(), right: mk() };
      this.master.connect(split);
      split.connect(this.meter.left, 0);
      split.connect(this.meter.right, 1);
    }
    const read = (a: AnalyserNode | undefined) => {
      if (!a || !ctx) return freqs.map(() => -Infinity);
      const data = new Float32Array(a.frequencyBinCount);
      a.getFloatFrequencyData(data);
      return freqs.map((f) => levelAt(data, f, ctx.sampleRate, a.fftSize));
    };
    return { ...this.snapshot(), sampleRate: ctx?.sampleRate ?? 0, left: read(this.meter?.left), right: read(this.meter?.right) };
  }
}

let engine: SpatialAudioEngine | null = null;

/** The page's spatial audio engine (lazy; creates no AudioContext while spatial audio is off). */
export function spatialAudio(): SpatialAudioEngine {
  if (!engine) {
    const e = new SpatialAudioEngine();
    engine = e;
    if (typeof window !== 'undefined') window.__conveneSpatial = { snapshot: () => e.snapshot(), levels: (f) => e.levels(f) };
  }
  return engine;
}
