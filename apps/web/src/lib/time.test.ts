import { describe, expect, it } from 'vitest';
import { isValidTimeZone, nextHalfHourLocal, zonedTimeToUtc } from './time.ts';

describe('zonedTimeToUtc', () => {
  it('converts wall time in a zone to the instant', () => {
    expect(zonedTimeToUtc('2025-01-15T09:30', 'Europe/Paris')?.toISOString()).toBe('2025-01-15T08:30:00.000Z');
    expect(zonedTimeToUtc('2025-07-15T09:30', 'Europe/Paris')?.toISOString()).toBe('2025-07-15T07:30:00.000Z');
    expect(zonedTimeToUtc('2025-07-15T09:30', 'America/New_York')?.toISOString()).toBe('2025-07-15T13:30:00.000Z');
    expect(zonedTimeToUtc('2025-07-15T09:30', 'UTC')?.toISOString()).toBe('2025-07-15T09:30:00.000Z');
    expect(zonedTimeToUtc('2025-07-15T09:30', 'Asia/Kolkata')?.toISOString()).toBe('2025-07-15T04:00:00.000Z');
  });
  it('handles DST gaps and overlaps', () => {
    // 02:30 does not exist in Paris on 2025-03-30: resolves to 03:30 CEST = 01:30Z.
    expect(zonedTimeToUtc('2025-03-30T02:30', 'Europe/Paris')?.toISOString()).toBe('2025-03-30T01:30:00.000Z');
    // 02:30 happens twice on 2025-10-26: the first one (CEST) = 00:30Z.
    expect(zonedTimeToUtc('2025-10-26T02:30', 'Europe/Paris')?.toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });
  it('rejects garbage', () => {
    expect(zonedTimeToUtc('tomorrow', 'UTC')).toBeNull();
  });
});

describe('helpers', () => {
  it('validates zones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
  it('rounds to the next half hour', () => {
    expect(nextHalfHourLocal(new Date(2025, 0, 15, 9, 10))).toBe('2025-01-15T09:30');
    expect(nextHalfHourLocal(new Date(2025, 0, 15, 9, 40))).toBe('2025-01-15T10:00');
  });
});
