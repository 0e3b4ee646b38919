import { describe, expect, it } from 'vitest';
import { formatElapsed, formatSize, playerKind, recordingChange } from './recording.ts';

describe('recording helpers', () => {
  it('formats elapsed time', () => {
    expect(formatElapsed(-5000)).toBe('0:00');
    expect(formatElapsed(9_999)).toBe('0:09');
    expect(formatElapsed(61_000)).toBe('1:01');
    expect(formatElapsed(3_600_000 + 5 * 60_000 + 7_000)).toBe('1:05:07');
  });

  it('formats sizes', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(900_000)).toBe('900 KB');
    expect(formatSize(12_345_678)).toBe('12.3 MB');
    expect(formatSize(1_200_000_000)).toBe('1.2 GB');
  });

  it('plays video files in a video element, everything else as audio', () => {
    expect(playerKind('video/webm')).toBe('video');
    expect(playerKind('audio/webm')).toBe('audio');
    expect(playerKind('application/octet-stream')).toBe('audio');
  });

  it('tells about a start (also a new recording right after another) and a stop', () => {
    expect(recordingChange(null, 1000)).toBe('started');
    expect(recordingChange(1000, 2000)).toBe('started');
    expect(recordingChange(1000, null)).toBe('stopped');
    expect(recordingChange(1000, 1000)).toBeNull();
    expect(recordingChange(null, null)).toBeNull();
  });
});
