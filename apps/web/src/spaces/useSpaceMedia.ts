import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingSession } from '@convene/sdk';
import { errorText } from '../app/api.ts';
import { t } from '../i18n/index.ts';

export interface SpaceMedia {
  mic: MediaStreamTrack | null;
  cam: MediaStreamTrack | null;
  error: string;
  /** Opening the microphone after being brought on stage. */
  starting: boolean;
  toggleMic(): Promise<void>;
  toggleCam(): Promise<void>;
}

/**
 * Devices for one Space member. Nothing is opened while listening: the microphone is opened (and
 * the permission asked) only once on stage, the camera only when the speaker turns it on, and both
 * are released as soon as they are moved back to the audience or leave.
 */
export function useSpaceMedia(session: MeetingSession): SpaceMedia {
  const [mic, setMic] = useState<MediaStreamTrack | null>(null);
  const [cam, setCam] = useState<MediaStreamTrack | null>(null);
  const [error, setError] = useState('');
  const [starting, setStarting] = useState(false);
  const micRef = useRef<MediaStreamTrack | null>(null);
  const camRef = useRef<MediaStreamTrack | null>(null);
  // Bumped on every release: an open that finishes after it must not publish.
  const epoch = useRef(0);

  const release = () => {
    epoch.current++;
    micRef.current?.stop();
    camRef.current?.stop();
    micRef.current = null;
    camRef.current = null;
    setMic(null);
    setCam(null);
    setStarting(false);
  };

  const goLive = async () => {
    if (micRef.current || !session.onStage) return;
    const mine = epoch.current;
    setStarting(true);
    setError('');
    let track: MediaStreamTrack | undefined;
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
      track = s.getAudioTracks()[0];
    } catch (err) {
      setError(t('errDevices', { message: err instanceof Error ? err.message : String(err) }));
    }
    if (!track) return setStarting(false);
    if (mine !== epoch.current || !session.onStage || micRef.current) {
      track.stop();
      return;
    }
    micRef.current = track;
    setMic(track);
    try {
      await session.publishMicrophone(track);
      // Explicitly live: a pause from an earlier turn on stage may linger at the server.
      await session.setMuted('microphone', false);
    } catch (err) {
      if (micRef.current === track) release();
      else track.stop();
      setError(errorText(err));
    } finally {
      setStarting(false);
    }
  };

  useEffect(() => {
    void goLive();
    const off = session.on('stage', (on) => (on ? void goLive() : release()));
    return () => {
      off();
      release();
    };
  }, [session]);

  return {
    mic,
    cam,
    error,
    starting,
    async toggleMic() {
      setError('');
      if (!micRef.current) return goLive();
      const on = session.self?.sources.includes('microphone') ?? false;
      try {
        await session.setMuted('microphone', on);
      } catch (err) {
        setError(errorText(err));
      }
    },
    async toggleCam() {
      setError('');
      const current = camRef.current;
      try {
        if (current) {
          camRef.current = null;
          setCam(null);
          current.stop();
          await session.unpublish('camera');
          return;
        }
        const mine = epoch.current;
        const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } });
        const track = s.getVideoTracks()[0];
        if (!track) return;
        if (mine !== epoch.current || !session.onStage) {
          track.stop();
          return;
        }
        camRef.current = track;
        setCam(track);
        await session.publishCamera(track);
        await session.setMuted('camera', false);
      } catch (err) {
        camRef.current?.stop();
        camRef.current = null;
        setCam(null);
        setError(errorText(err));
      }
    },
  };
}
