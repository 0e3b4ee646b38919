import { useEffect, useRef, useState } from 'preact/hooks';

export interface LocalMedia {
  stream: MediaStream | null;
  mic: MediaStreamTrack | null;
  cam: MediaStreamTrack | null;
  devices: MediaDeviceInfo[];
  error: string;
  micId: string;
  camId: string;
  selectMic(id: string): Promise<MediaStreamTrack | null>;
  selectCam(id: string): Promise<MediaStreamTrack | null>;
  /** Stop both devices (camera and microphone lights go out); `reopen` opens them again. */
  release(): void;
  /** Open the devices used last again, e.g. when a seminar attendee is back on stage. */
  reopen(kinds: { audio: boolean; video: boolean }): Promise<{ mic: MediaStreamTrack | null; cam: MediaStreamTrack | null }>;
}

/** Camera and microphone with device selection; the app owns these tracks and stops them on unmount. */
export function useLocalMedia(opts: { video?: boolean } = {}): LocalMedia {
  const wantVideo = opts.video ?? true;
  const [mic, setMic] = useState<MediaStreamTrack | null>(null);
  const [cam, setCam] = useState<MediaStreamTrack | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [error, setError] = useState('');
  const tracks = useRef<MediaStreamTrack[]>([]);
  const lastIds = useRef({ mic: '', cam: '' });
  if (mic) lastIds.current.mic = mic.getSettings().deviceId ?? lastIds.current.mic;
  if (cam) lastIds.current.cam = cam.getSettings().deviceId ?? lastIds.current.cam;

  const open = async (kind: 'audio' | 'video', deviceId?: string): Promise<MediaStreamTrack | null> => {
    try {
      const constraints =
        kind === 'audio'
          ? { audio: deviceId ? { deviceId: { exact: deviceId } } : { echoCancellation: true, noiseSuppression: true } }
          : { video: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } };
      const s = await navigator.mediaDevices.getUserMedia(constraints);
      const track = kind === 'audio' ? s.getAudioTracks()[0] : s.getVideoTracks()[0];
      if (!track) return null;
      tracks.current.push(track);
      return track;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return null;
    }
  };

  useEffect(() => {
    let alive = true;
    void (async () => {
      const [a, v] = await Promise.all([open('audio'), wantVideo ? open('video') : Promise.resolve(null)]);
      if (!alive) return;
      setMic(a);
      setCam(v);
      setDevices(await navigator.mediaDevices.enumerateDevices().catch(() => []));
    })();
    return () => {
      alive = false;
      for (const t of tracks.current) t.stop();
    };
  }, []);

  const stream = mic || cam ? new MediaStream([mic, cam].filter((x): x is MediaStreamTrack => x !== null)) : null;
  return {
    stream,
    mic,
    cam,
    devices,
    error,
    micId: mic?.getSettings().deviceId ?? '',
    camId: cam?.getSettings().deviceId ?? '',
    async selectMic(id) {
      const t = await open('audio', id);
      if (t) {
        mic?.stop();
        setMic(t);
      }
      return t;
    },
    async selectCam(id) {
      const t = await open('video', id);
      if (t) {
        cam?.stop();
        setCam(t);
      }
      return t;
    },
    release() {
      for (const t of tracks.current) t.stop();
      tracks.current = [];
      setMic(null);
      setCam(null);
    },
    async reopen(kinds) {
      const [a, v] = await Promise.all([
        kinds.audio ? open('audio', lastIds.current.mic || undefined) : Promise.resolve(null),
        kinds.video ? open('video', lastIds.current.cam || undefined) : Promise.resolve(null),
      ]);
      if (a) setMic(a);
      if (v) setCam(v);
      return { mic: a, cam: v };
    },
  };
}
