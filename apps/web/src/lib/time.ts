/** Offset of `zone` from UTC at instant `utcMs`, in ms (east positive), via Intl. */
export function zoneOffsetMs(utcMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant at which the wall-clock time `local` ("YYYY-MM-DDTHH:mm", as from
 * <input type="datetime-local">) happens in IANA zone `zone`. Times skipped by a DST jump resolve
 * to the later offset; repeated times to the first occurrence. Null for unparsable input.
 */
export function zonedTimeToUtc(local: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  // The zone's offsets half a day either side cover any transition near this wall time.
  const before = zoneOffsetMs(wall - 12 * 3_600_000, zone);
  const after = zoneOffsetMs(wall + 12 * 3_600_000, zone);
  const valid = [wall - before, wall - after].filter((utc) => wall - utc === zoneOffsetMs(utc, zone));
  // Repeated wall time: the first occurrence. Skipped wall time: shift forward by the jump.
  const result = valid.length > 0 ? Math.min(...valid) : wall - before;
  return new Date(result);
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "YYYY-MM-DDTHH:mm" for the next whole half hour, for the schedule form's default. */
export function nextHalfHourLocal(now = new Date()): string {
  const d = new Date(now.getTime());
  d.setSeconds(0, 0);
  d.setMinutes(d.getMinutes() < 30 ? 30 : 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
