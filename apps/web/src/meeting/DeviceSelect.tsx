import { t } from '../i18n/index.ts';

export function DeviceSelect(props: { kind: 'audioinput' | 'videoinput'; devices: MediaDeviceInfo[]; value: string; onChange: (id: string) => void }) {
  const list = props.devices.filter((d) => d.kind === props.kind);
  return (
    <label>
      {props.kind === 'audioinput' ? t('microphone') : t('camera')}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} disabled={list.length === 0}>
        {list.length === 0 && <option value="">{t('noDevice')}</option>}
        {list.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${props.kind === 'audioinput' ? t('microphone') : t('camera')} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
