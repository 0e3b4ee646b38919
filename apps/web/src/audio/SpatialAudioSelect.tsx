import { t, type MessageKey } from '../i18n/index.ts';
import { useSpatialMode } from './settings.ts';
import { SPATIAL_MODES, type SpatialMode } from './spatial.ts';

const LABELS: Record<SpatialMode, MessageKey> = { off: 'spatialOff', headphones: 'spatialHeadphones', speakers: 'spatialSpeakers' };

export function spatialAudioSupported(): boolean {
  const g = globalThis as { AudioContext?: unknown; webkitAudioContext?: unknown };
  return !!(g.AudioContext ?? g.webkitAudioContext);
}

/** Off / Headphones / Speakers, saved in this browser and applied at once (also mid-meeting). */
export function SpatialAudioSelect() {
  const [mode, setMode] = useSpatialMode();
  const supported = spatialAudioSupported();
  return (
    <label>
      {t('spatialAudio')}
      <select value={supported ? mode : 'off'} disabled={!supported} onChange={(e) => setMode(SPATIAL_MODES.find((m) => m === e.currentTarget.value) ?? 'off')} data-testid="spatial-audio">
        {SPATIAL_MODES.map((m) => (
          <option key={m} value={m}>
            {t(LABELS[m])}
          </option>
        ))}
      </select>
    </label>
  );
}
