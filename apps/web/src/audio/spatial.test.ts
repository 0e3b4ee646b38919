import { describe, expect, it } from 'vitest';
import { azimuthFor, levelAt, panFromBoxes, panningModelFor, parseSpatialMode, positionsFromSeats, positionsFromTiles, sourcePosition, type TileBox } from './spatial.ts';

const stage = { left: 100, width: 1000 };
const tile = (participantId: string, left: number, width: number, extra: Partial<TileBox> = {}): TileBox => ({ participantId, left, width, main: false, source: 'camera', ...extra });

describe('panFromBoxes', () => {
  it('puts the outer columns of a grid at full spread and the middle at centre', () => {
    // Two columns of 500 px.
    expect(panFromBoxes({ left: 100, width: 500 }, stage)).toBe(-1);
    expect(panFromBoxes({ left: 600, width: 500 }, stage)).toBe(1);
    // Three columns.
    const w = 1000 / 3;
    expect(panFromBoxes({ left: 100, width: w }, stage)).toBeCloseTo(-1);
    expect(panFromBoxes({ left: 100 + w, width: w }, stage)).toBeCloseTo(0);
    expect(panFromBoxes({ left: 100 + 2 * w, width: w }, stage)).toBeCloseTo(1);
    // Four columns: evenly spaced.
    expect([0, 1, 2, 3].map((i) => panFromBoxes({ left: 100 + i * 250, width: 250 }, stage))).toEqual([-1, -1 / 3, 1 / 3, 1].map((x) => expect.closeTo(x, 6)));
  });
  it('centres a tile as wide as its container, and clamps tiles outside it', () => {
    expect(panFromBoxes({ left: 100, width: 1000 }, stage)).toBe(0);
    expect(panFromBoxes({ left: 100.5, width: 999 }, stage)).toBe(0);
    expect(panFromBoxes({ left: 2000, width: 200 }, stage)).toBe(1);
    expect(panFromBoxes({ left: -900, width: 200 }, stage)).toBe(-1);
  });
});

describe('positionsFromTiles', () => {
  it('centres the main tile, prefers the camera tile over a screen share, and covers everyone with a tile', () => {
    const p = positionsFromTiles(
      [
        tile('self', 100, 200),
        tile('a', 300, 200),
        tile('b', 100, 1000, { main: true, source: 'screen' }),
        tile('b', 900, 200),
        tile('c', 900, 200, { source: 'screen' }),
        tile('c', 100, 200),
      ],
      stage,
    );
    expect(p.get('b')).toBe(0);
    expect(p.get('a')).toBeCloseTo(-0.5);
    expect(p.get('c')).toBe(-1);
    expect(p.has('d')).toBe(false);
  });
});

describe('positionsFromSeats', () => {
  it('uses the server seat, clamps it, centres people without one and skips self', () => {
    const p = positionsFromSeats(
      [
        { id: 'me', stagePosition: { x: -1, y: 0 } },
        { id: 'l', stagePosition: { x: -0.6, y: 0 } },
        { id: 'r', stagePosition: { x: 3, y: 0 } },
        { id: 'n', stagePosition: null },
      ],
      'me',
    );
    expect([...p]).toEqual([
      ['l', -0.6],
      ['r', 1],
      ['n', 0],
    ]);
  });
});

describe('modes', () => {
  it('spreads wide on headphones and narrow on speakers', () => {
    expect(azimuthFor(-1, 'headphones')).toBe(-70);
    expect(azimuthFor(1, 'speakers')).toBe(30);
    expect(azimuthFor(0.5, 'speakers')).toBe(15);
    expect(azimuthFor(NaN, 'headphones')).toBe(0);
  });
  it('places sources on the unit circle in front of the listener', () => {
    expect(sourcePosition(0)).toEqual([0, 0, -1]);
    expect(sourcePosition(-90)).toEqual([-1, 0, -0]);
    const [x, , z] = sourcePosition(30);
    expect(x).toBeCloseTo(0.5);
    expect(z).toBeCloseTo(-Math.sqrt(3) / 2);
  });
  it('uses HRTF only for headphones on capable devices with few voices', () => {
    expect(panningModelFor('headphones', 3, 8)).toBe('HRTF');
    expect(panningModelFor('headphones', 3, undefined)).toBe('HRTF');
    expect(panningModelFor('headphones', 4, 2)).toBe('HRTF');
    expect(panningModelFor('headphones', 5, 2)).toBe('equalpower');
    expect(panningModelFor('headphones', 12, 8)).toBe('HRTF');
    expect(panningModelFor('headphones', 13, 8)).toBe('equalpower');
    expect(panningModelFor('speakers', 1, 8)).toBe('equalpower');
  });
  it('parses the stored setting, defaulting to off', () => {
    expect(parseSpatialMode('headphones')).toBe('headphones');
    expect(parseSpatialMode('speakers')).toBe('speakers');
    expect(parseSpatialMode('loud')).toBe('off');
    expect(parseSpatialMode(null)).toBe('off');
  });
});

describe('levelAt', () => {
  it('finds the peak near a frequency bin', () => {
    const spectrum = new Float32Array(4096).fill(-120);
    spectrum[52] = -20; // 300 Hz at 48 kHz with an 8192 FFT is bin 51.2
    expect(levelAt(spectrum, 300, 48000, 8192)).toBe(-20);
    expect(levelAt(spectrum, 1200, 48000, 8192)).toBe(-120);
  });
});
