import { useEffect, useRef } from 'preact/hooks';
import { spatialAudio } from '../audio/engine.ts';

/**
 * A <video> for one track. `onSize` reports the rendered size in device pixels (0×0 when hidden)
 * so the SFU can pick the simulcast layer that fits.
 */
export function VideoView(props: { track: MediaStreamTrack | null; mirror?: boolean; onSize?: (w: number, h: number) => void; label?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    v.srcObject = props.track ? new MediaStream([props.track]) : null;
    if (props.track) void v.play().catch(() => undefined);
  }, [props.track]);
  useEffect(() => {
    const v = ref.current;
    const onSize = props.onSize;
    if (!v || !onSize || typeof ResizeObserver === 'undefined') return;
    // Report the drawn size in device pixels, and 0×0 while the tab is in the background, so the
    // SFU sends a smaller layer, or nothing, for video nobody is looking at.
    // Tiles scrolled out of view (a long filmstrip or grid on a phone) count as hidden too.
    let visible = true;
    const report = () => {
      const dpr = window.devicePixelRatio || 1;
      if (document.hidden || !visible) onSize(0, 0);
      else onSize(Math.round(v.clientWidth * dpr), Math.round(v.clientHeight * dpr));
    };
    const ro = new ResizeObserver(report);
    ro.observe(v);
    const io =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver(([e]) => {
            visible = e?.isIntersecting ?? true;
            report();
          });
    io?.observe(v);
    document.addEventListener('visibilitychange', report);
    return () => {
      ro.disconnect();
      io?.disconnect();
      document.removeEventListener('visibilitychange', report);
      onSize(0, 0);
    };
  }, [props.onSize]);
  return <video ref={ref} autoplay playsInline muted class={props.mirror ? 'mirror' : ''} aria-label={props.label} />;
}

/**
 * Plays one remote audio track (video elements stay muted; audio goes through these). The spatial
 * audio engine starts the element (again on the first gesture if autoplay rules refuse), and with
 * spatial audio on routes the track through Web Audio and mutes this element while it does; the
 * element keeps playing either way (some engines only give Web Audio samples while it does).
 */
export function AudioSink({ track, participantId }: { track: MediaStreamTrack; participantId: string }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const a = ref.current;
    if (!a) return;
    a.srcObject = new MediaStream([track]);
    return spatialAudio().attach(participantId, track, a);
  }, [track, participantId]);
  return <audio ref={ref} autoplay data-testid="remote-audio" data-participant-id={participantId} />;
}
