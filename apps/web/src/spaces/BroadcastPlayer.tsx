import { useEffect, useRef, useState } from 'preact/hooks';
import type Hls from 'hls.js';
import type { Space } from '@convene/protocol';
import { api } from '../app/api.ts';
import { t } from '../i18n/index.ts';
import { HLS_CONFIG, mseCanPlayAac, pickPlayback, type PlaybackMode } from './broadcast.ts';

declare global {
  interface Window {
    /** For tests: the broadcast player's element and what hls.js has loaded. */
    __conveneBroadcast?: { audio: HTMLVideoElement; mode: PlaybackMode; fragments: number; latency?: () => number | null };
  }
}

type Phase = 'connecting' | 'buffering' | 'playing' | 'paused' | 'blocked' | 'failed' | 'ended';
const POLL_MS = 2000;

/** Whether a Space offers its broadcast now or soon (worth showing a player for). */
export function broadcastOffered(hls: Space['hls'] | undefined): boolean {
  return !!hls && (hls.status === 'live' || hls.status === 'starting' || hls.status === 'idle');
}

/**
 * The Space's broadcast (Low-Latency HLS: the speakers' mix and the main video — the active
 * speaker's camera or a screen share, a dark still while nobody has video — about 1.5 s behind
 * live) in a <video>:
 * hls.js in low-latency mode (parts, blocking playlist reload) where MSE plays AAC, the browser's
 * own HLS otherwise (Safari; native LL-HLS there, full segments in players without it). Starts at once; if the browser
 * blocks autoplay, a "Tap to listen" button. Stops and releases everything on unmount.
 */
export function BroadcastPlayer({ spaceId, hls, message }: { spaceId: string; hls: Space['hls'] | undefined; message: string }) {
  const audioRef = useRef<HTMLVideoElement>(null);
  const [url, setUrl] = useState<string | null>(hls?.status === 'live' ? hls.playlistUrl : null);
  const [phase, setPhase] = useState<Phase>('connecting');
  const [volume, setVolume] = useState(1);
  const hlsRef = useRef<Hls | null>(null);

  // Until the playlist is live (the egress starts with the room), ask the Space every 2 s.
  useEffect(() => {
    if (url) return;
    let stopped = false;
    const tick = () =>
      api.space(spaceId).then(
        (s) => {
          if (stopped) return;
          if (s.endedAt) setPhase('ended');
          else if (s.hls?.status === 'live' && s.hls.playlistUrl) setUrl(s.hls.playlistUrl);
          // The origin reports 'live' only once its playlist has been read: read it (same origin).
          else if (s.hls?.status === 'starting') void fetch(`/hls/${encodeURIComponent(spaceId)}/index.m3u8`, { cache: 'no-store' }).catch(() => undefined);
        },
        () => undefined,
      );
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [spaceId, url]);

  useEffect(() => {
    const audio = audioRef.current;
    if (!url || !audio) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const mode = pickPlayback(mseCanPlayAac(), audio.canPlayType('application/vnd.apple.mpegurl'));
    const hook: NonNullable<Window['__conveneBroadcast']> = { audio, mode, fragments: 0 };
    window.__conveneBroadcast = hook;
    setPhase('buffering');
    const start = () =>
      audio.play().then(
        () => undefined,
        (err: unknown) => {
          if (!cancelled && err instanceof DOMException && err.name === 'NotAllowedError') setPhase('blocked');
        },
      );
    const onPlaying = () => setPhase('playing');
    const onWaiting = () => setPhase((p) => (p === 'playing' ? 'buffering' : p));
    const onPause = () => setPhase((p) => (p === 'blocked' || p === 'ended' ? p : 'paused'));
    audio.addEventListener('playing', onPlaying);
    audio.addEventListener('waiting', onWaiting);
    audio.addEventListener('pause', onPause);

    if (mode === 'native') {
      audio.src = url;
      void start();
    } else if (mode === 'mse') {
      void import('hls.js/light').then(({ default: HlsJs }) => {
        if (cancelled) return;
        const h = new HlsJs(HLS_CONFIG);
        hlsRef.current = h;
        // Seconds behind the live edge, as hls.js estimates it (tests and debugging).
        hook.latency = () => (Number.isFinite(h.latency) ? h.latency : null);
        h.on(HlsJs.Events.MANIFEST_PARSED, () => void start());
        h.on(HlsJs.Events.FRAG_LOADED, () => void hook.fragments++);
        h.on(HlsJs.Events.ERROR, (_e, data) => {
          if (!data.fatal || cancelled) return;
          if (data.type === HlsJs.ErrorTypes.MEDIA_ERROR) h.recoverMediaError();
          else if (data.type === HlsJs.ErrorTypes.NETWORK_ERROR) {
            // The playlist went away (egress restart, Space ended): ask the Space again.
            setPhase('buffering');
            retry = setTimeout(() => setUrl(null), POLL_MS);
          } else setPhase('failed');
        });
        h.loadSource(url);
        h.attachMedia(audio);
      }, () => !cancelled && setPhase('failed'));
    } else setPhase('failed');

    return () => {
      cancelled = true;
      clearTimeout(retry);
      audio.removeEventListener('playing', onPlaying);
      audio.removeEventListener('waiting', onWaiting);
      audio.removeEventListener('pause', onPause);
      hlsRef.current?.destroy();
      hlsRef.current = null;
      audio.pause();
      audio.removeAttribute('src');
      audio.load();
      if (window.__conveneBroadcast === hook) delete window.__conveneBroadcast;
    };
  }, [url]);

  useEffect(() => {
    if (audioRef.current) audioRef.current.volume = volume;
  }, [volume]);

  const play = () => {
    const audio = audioRef.current;
    if (!audio) return;
    // Resuming after a pause: go back to the live edge rather than play stale audio.
    const live = hlsRef.current?.liveSyncPosition;
    if (live != null && audio.currentTime < live - 3) audio.currentTime = live;
    setPhase('buffering');
    audio.play().catch(() => setPhase('blocked'));
  };

  const status = {
    connecting: t('broadcastConnecting'),
    buffering: `${message} ${t('broadcastBuffering')}`,
    playing: message,
    paused: `${message} ${t('broadcastPaused')}`,
    blocked: t('broadcastBlocked'),
    failed: t('broadcastFailed'),
    ended: t('spaceEnded'),
  }[phase];
  const active = phase === 'playing' || phase === 'buffering';
  return (
    <section class="broadcast stack" aria-label={t('broadcastPlayer')} data-testid="broadcast" data-phase={phase}>
      <p role="status" aria-live="polite" data-testid="broadcast-status">
        {status}
      </p>
      <video ref={audioRef} class="broadcast-video" preload="auto" playsInline data-testid="broadcast-audio" />
      {phase === 'blocked' && (
        <button class="primary" onClick={play} data-testid="broadcast-tap">
          {t('tapToListen')}
        </button>
      )}
      {url && phase !== 'blocked' && phase !== 'failed' && phase !== 'ended' && (
        <div class="row broadcast-controls">
          <button onClick={() => (active ? audioRef.current?.pause() : play())} data-testid="broadcast-toggle">
            {active ? t('pause') : t('play')}
          </button>
          <label class="row broadcast-volume">
            {t('volume')}
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={volume}
              onInput={(e) => setVolume(Number(e.currentTarget.value))}
              aria-valuetext={`${Math.round(volume * 100)}%`}
              data-testid="broadcast-volume"
            />
          </label>
        </div>
      )}
    </section>
  );
}
